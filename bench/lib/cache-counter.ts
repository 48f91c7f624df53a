/**
 * Counts text-embedding cache lookups and hits on a store, for the speed benchmark.
 *
 * The counter wraps `store.prepare` and the `get` of statements that read the
 * text_embeddings table (the lookup that fitness scoring does per filled
 * text). It changes no result. If the engine ever reads that table through
 * other SQL, `lookups` stays 0 and the hit rate is reported as not measured.
 */
import type { Store } from '../../src/engine/store/database.js';

export interface CacheCounts {
  lookups: number;
  hits: number;
}

const lookupPattern = /^\s*SELECT\s+embedding\s+FROM\s+text_embeddings\b/i;

/** Start counting on `store`; the returned object updates live. */
export function countTextCacheLookups(store: Store): CacheCounts {
  const counts: CacheCounts = { lookups: 0, hits: 0 };
  const prepare = store.prepare.bind(store);
  store.prepare = ((source: string) => {
    const statement = prepare(source);
    if (lookupPattern.test(source)) {
      const get = statement.get.bind(statement);
      statement.get = ((...parameters: unknown[]) => {
        const row = get(...(parameters as []));
        counts.lookups += 1;
        counts.hits += row === undefined ? 0 : 1;
        return row;
      }) as typeof statement.get;
    }
    return statement;
  }) as typeof store.prepare;
  return counts;
}
