/**
 * Aggregation and formatting of the accuracy benchmark: per-seed results in,
 * a Table 1-shaped Markdown table, its CSV twin and fitness curves out.
 */
import { formatMeanStd, mean, summarize, type MeanStd } from './stats.js';
import type { Series } from './svg-plot.js';
import type { TextTable } from './table.js';

/** A compared method: a fixed template list (no seed dependence) or a loop configuration run per seed. */
export interface MethodSpec {
  id: string;
  label: string;
  kind: 'fixed' | 'loop';
  /** Config overrides for runGlov (loop methods). */
  config?: Readonly<Record<string, unknown>>;
  dashed?: boolean;
}

/** The outcome of one method on one dataset for one seed (fixed methods use seed null). */
export interface MethodResult {
  dataset: string;
  method: string;
  seed: number | null;
  /** Test top-1 x100; null where the method does not apply to the dataset. */
  testAccuracy: number | null;
  /** Best train fitness of the history after each step (loop methods). */
  bestFitnessPerStep: number[];
  steeredSteps: number;
  generationSeconds: number;
  scoringSeconds: number;
  wallSeconds: number;
}

function valuesOf(results: readonly MethodResult[], dataset: string, method: string): number[] {
  return results
    .filter((result) => result.dataset === dataset && result.method === method && result.testAccuracy !== null)
    .map((result) => result.testAccuracy as number);
}

/** Mean and std over seeds of one cell; null where the method has no value for the dataset. */
export function cellSummary(results: readonly MethodResult[], dataset: string, method: string): MeanStd | null {
  const values = valuesOf(results, dataset, method);
  return values.length === 0 ? null : summarize(values);
}

/**
 * The mean row: for each seed, the mean over datasets, then mean and std of
 * those per-seed means. Fixed methods have one value per dataset. Datasets
 * where a method has no value are left out of that method's mean.
 */
export function meanRowSummary(results: readonly MethodResult[], datasets: readonly string[], method: string): MeanStd | null {
  const rows = results.filter((result) => result.method === method && datasets.includes(result.dataset) && result.testAccuracy !== null);
  if (rows.length === 0) {
    return null;
  }
  const seeds = [...new Set(rows.map((result) => result.seed))];
  const perSeed = seeds.map((seed) => mean(rows.filter((result) => result.seed === seed).map((result) => result.testAccuracy as number)));
  return summarize(perSeed);
}

/** Rows datasets plus a mean row, columns methods, cells `mean ± std` over seeds. */
export function accuracyTable(results: readonly MethodResult[], datasets: readonly string[], methods: readonly MethodSpec[]): TextTable {
  const format = (summary: MeanStd | null, method: MethodSpec) =>
    method.kind === 'fixed' && summary ? summary.mean.toFixed(1) : formatMeanStd(summary);
  const rows = datasets.map((dataset) => [dataset, ...methods.map((method) => format(cellSummary(results, dataset, method.id), method))]);
  rows.push(['Mean', ...methods.map((method) => format(meanRowSummary(results, datasets, method.id), method))]);
  return { header: ['Dataset', ...methods.map((method) => method.label)], rows };
}

/** The same table as numbers: a mean and a std column per method, empty where no value exists. */
export function accuracyCsvTable(results: readonly MethodResult[], datasets: readonly string[], methods: readonly MethodSpec[]): TextTable {
  const numbers = (summary: MeanStd | null) => (summary ? [summary.mean.toFixed(4), summary.std.toFixed(4)] : ['', '']);
  const rows = datasets.map((dataset) => [dataset, ...methods.flatMap((method) => numbers(cellSummary(results, dataset, method.id)))]);
  rows.push(['mean', ...methods.flatMap((method) => numbers(meanRowSummary(results, datasets, method.id)))]);
  return { header: ['dataset', ...methods.flatMap((method) => [`${method.id}_mean`, `${method.id}_std`])], rows };
}

/** Per loop method: mean steered steps, generation and scoring seconds per run, over datasets and seeds. */
export function costTable(results: readonly MethodResult[], methods: readonly MethodSpec[]): TextTable {
  const rows = methods
    .filter((method) => method.kind === 'loop')
    .map((method) => {
      const runs = results.filter((result) => result.method === method.id);
      const average = (pick: (result: MethodResult) => number) => (runs.length === 0 ? '—' : mean(runs.map(pick)).toFixed(1));
      return [
        method.label,
        String(runs.length),
        average((result) => result.steeredSteps),
        average((result) => result.generationSeconds),
        average((result) => result.scoringSeconds),
        average((result) => result.wallSeconds),
      ];
    });
  return { header: ['Method', 'Runs', 'Steered steps / run', 'Generation s / run', 'Scoring s / run', 'Wall s / run'], rows };
}

/** Mean best fitness per step over seeds, one series per loop method, for one dataset. */
export function fitnessSeries(results: readonly MethodResult[], dataset: string, methods: readonly MethodSpec[]): Series[] {
  return methods
    .filter((method) => method.kind === 'loop')
    .map((method) => {
      const runs = results.filter((result) => result.dataset === dataset && result.method === method.id);
      const steps = Math.max(0, ...runs.map((result) => result.bestFitnessPerStep.length));
      const points: Array<[number, number]> = [];
      for (let step = 0; step < steps; step += 1) {
        const values = runs.map((result) => result.bestFitnessPerStep[step]).filter((value): value is number => value !== undefined);
        if (values.length > 0) {
          points.push([step, mean(values)]);
        }
      }
      return { name: method.label, points, dashed: method.dashed ?? false };
    })
    .filter((series) => series.points.length > 0);
}
