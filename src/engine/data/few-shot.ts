/**
 * Seeded k-shot sampling from the training split.
 *
 * Every class gets k images (all of them when it has fewer, with a warning).
 * Nothing is dropped to fill whole batches, unlike the reference's loader,
 * which cut the 1-shot set to a multiple of its batch size of 50.
 */
import fs from 'node:fs';
import path from 'node:path';

import { GlovError } from '../errors.js';
import type { Dataset, Sample } from './dataset.js';
import { createRandom, shuffled } from '../random.js';

export interface FewShotSelection {
  datasetFingerprint: string;
  shots: number;
  seed: number;
  /** Chosen training samples, ordered by class index, file paths absolute. */
  samples: Sample[];
  warnings: string[];
}

/** Pick `shots` training images per class; the same dataset and seed always give the same files. */
export function sampleFewShot(dataset: Dataset, { shots = 1, seed = 7777 }: { shots?: number; seed?: number } = {}): FewShotSelection {
  if (!Number.isInteger(shots) || shots < 1) {
    throw new GlovError(`Invalid shot count ${shots}.`, { code: 'shots-invalid', hint: 'Pass a whole number of images per class, 1 or more.' });
  }
  const random = createRandom(seed);
  const samples: Sample[] = [];
  const warnings: string[] = [];
  for (const info of dataset.classes) {
    // Sort first so the pick depends on the files, not on directory order.
    const pool = dataset.splits.train.filter((sample) => sample.classIndex === info.index).sort((a, b) => (a.file < b.file ? -1 : 1));
    if (pool.length < shots) warnings.push(`Class "${info.folder}" has ${pool.length} training image(s), fewer than ${shots}; all are used.`);
    samples.push(...shuffled(pool, random).slice(0, shots));
  }
  return { datasetFingerprint: dataset.fingerprint, shots, seed, samples, warnings };
}

/** Save the chosen files as JSON, paths relative to the dataset root. */
export function writeFewShotManifest(file: string, dataset: Dataset, selection: FewShotSelection): void {
  const manifest = {
    datasetRoot: dataset.root,
    datasetFingerprint: selection.datasetFingerprint,
    shots: selection.shots,
    seed: selection.seed,
    samples: selection.samples.map((sample) => ({ file: path.relative(dataset.root, sample.file), classIndex: sample.classIndex })),
  };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Read a manifest back; throws when the dataset changed since it was written. */
export function readFewShotManifest(file: string, dataset: Dataset): FewShotSelection {
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as { datasetFingerprint: string; shots: number; seed: number; samples: { file: string; classIndex: number }[] };
  if (manifest.datasetFingerprint !== dataset.fingerprint) {
    throw new GlovError(`Few-shot manifest ${file} was made for another version of ${dataset.root}.`, {
      code: 'manifest-stale',
      hint: 'Sample the shots again; files in the dataset were added, removed or changed.',
    });
  }
  return {
    datasetFingerprint: manifest.datasetFingerprint,
    shots: manifest.shots,
    seed: manifest.seed,
    samples: manifest.samples.map((sample) => ({ file: path.join(dataset.root, sample.file), classIndex: sample.classIndex })),
    warnings: [],
  };
}
