/**
 * The benchmark datasets: folder names under the datasets root, and the
 * description each run shows the LLM (the engine's built-in one, as the CLI uses).
 */
import { describeDataset } from '../../src/engine/data/descriptions.js';

/** Every dataset the benchmarks know, in the order `--datasets all` runs them. */
export const ALL_DATASETS = ['dtd10', 'caltech101', 'flowers102', 'imagenette', 'cifar10', 'tinyimagenet200'];

export const DATASET_DESCRIPTIONS: Readonly<Record<string, string>> = Object.fromEntries(
  ALL_DATASETS.map((name) => [name, describeDataset(name) ?? '']),
);

/** Parse a `--datasets` value: `all`, or comma-separated names. */
export function parseDatasetList(value: string): string[] {
  if (value.trim() === 'all') {
    return [...ALL_DATASETS];
  }
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  if (names.length === 0) {
    throw new Error(`Invalid --datasets '${value}': expected "all" or comma-separated names such as dtd10,imagenette.`);
  }
  return names;
}
