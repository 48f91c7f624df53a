/**
 * The benchmark datasets: folder names under the datasets root, and the
 * one-line description each run shows the LLM in its meta-prompt.
 */

export const DATASET_DESCRIPTIONS: Readonly<Record<string, string>> = {
  dtd10: 'Ten classes of the Describable Textures Dataset: close-up photos of surface textures such as banded, braided or bubbly.',
  caltech101: 'Caltech-101: photos of objects from 101 everyday categories, each object roughly centred in the frame.',
  flowers102: 'Oxford Flowers 102: photos of 102 species of flowers common in the United Kingdom.',
  imagenette: 'Imagenette: ten easily told apart ImageNet classes, such as tench, church, parachute and golf ball.',
  cifar10: 'CIFAR-10: small low-resolution photos of ten classes of vehicles and animals.',
  tinyimagenet200: 'Tiny ImageNet: small low-resolution photos of 200 ImageNet classes of objects and animals.',
};

/** Every dataset the benchmarks know, in the order `--datasets all` runs them. */
export const ALL_DATASETS = Object.keys(DATASET_DESCRIPTIONS);

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
