/** The `--db` option shared by every command that reads or writes runs. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';

import { defaultDbPath } from '../engine/service/service.js';
import { openStore, type Store } from '../engine/store/database.js';

export const dbOptionHelp = `  --db FILE              SQLite file of runs and caches (default: $GLOV_DB or ~/.glov/glov.sqlite)`;

/** Open the run store named by --db, creating its folder when needed. */
export function openStoreOption(dbPath: string | undefined): { store: Store; dbPath: string } {
  const resolved = path.resolve(dbPath ?? defaultDbPath());
  mkdirSync(path.dirname(resolved), { recursive: true });
  return { store: openStore(resolved), dbPath: resolved };
}
