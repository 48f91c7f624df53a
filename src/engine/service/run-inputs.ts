/**
 * Loader of a run's models and dataset inside the run worker: the GGUF LLM
 * through llama.cpp, CLIP through ONNX Runtime, and the dataset folder.
 */
import { createHash } from 'node:crypto';

import { loadLlamaOptimizer } from '../llm/index.js';
import type { LabelledImages } from '../optimizer/fitness.js';
import type { OptimizerDataset } from '../optimizer/run.js';
import { loadOnnxClip } from '../vlm/onnx-clip.js';
import { inspectDataset } from './datasets.js';
import type { RunInputs, RunJob } from './run-protocol.js';

/** Seeded PRNG (mulberry32), so the k-shot sample depends only on the seed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Build the loop's view of a dataset folder: class names from classnames.json
 * and a seeded k-shot sample of every class of the train split.
 * TODO: switch to the data module's loader once src/engine/data provides one.
 */
export async function loadFolderDataset(folder: string, name: string): Promise<OptimizerDataset> {
  const detail = await inspectDataset(folder);
  const { readdir } = await import('node:fs/promises');
  const path = await import('node:path');
  const filesOf = async (split: 'train' | 'test', classFolder: string) =>
    (await readdir(path.join(detail.path, split, classFolder)).catch(() => [] as string[]))
      .filter((file) => /\.(jpe?g|png|webp|bmp)$/i.test(file))
      .sort()
      .map((file) => path.join(detail.path, split, classFolder, file));
  const listing = createHash('sha256');
  const perClassTrain: string[][] = [];
  const perClassTest: string[][] = [];
  for (const entry of detail.classes) {
    const train = await filesOf('train', entry.folder);
    const test = await filesOf('test', entry.folder);
    perClassTrain.push(train);
    perClassTest.push(test);
    listing.update(`${entry.folder}\u0000${entry.promptName}\u0000${train.length}\u0000${test.length}\n`);
    for (const file of [...train, ...test]) {
      listing.update(path.relative(detail.path, file)).update('\n');
    }
  }
  return {
    name,
    fingerprint: listing.digest('hex').slice(0, 16),
    root: detail.path,
    classNames: detail.classes.map((entry) => entry.promptName),
    fewShotTrain({ shots, seed }): LabelledImages {
      const random = seededRandom(seed);
      const files: string[] = [];
      const labels: number[] = [];
      perClassTrain.forEach((classFiles, label) => {
        // Partial Fisher-Yates shuffle: the first `shots` positions are a uniform sample.
        const pool = [...classFiles];
        for (let index = 0; index < Math.min(shots, pool.length); index += 1) {
          const pick = index + Math.floor(random() * (pool.length - index));
          [pool[index], pool[pick]] = [pool[pick] as string, pool[index] as string];
          files.push(pool[index] as string);
          labels.push(label);
        }
      });
      return { files, labels };
    },
    testSplit(): LabelledImages {
      const files: string[] = [];
      const labels: number[] = [];
      perClassTest.forEach((classFiles, label) => {
        for (const file of classFiles) {
          files.push(file);
          labels.push(label);
        }
      });
      return { files, labels };
    },
  };
}

export async function createRunInputs(job: RunJob): Promise<RunInputs> {
  const dataset = await loadFolderDataset(job.datasetPath, job.datasetName);
  const vlm = await loadOnnxClip({ modelDir: job.vlmPath, intraOpThreads: job.threads });
  try {
    const llm = await loadLlamaOptimizer({ modelPath: job.llmPath, threads: job.threads, gpu: false });
    return { llm, vlm, dataset };
  } catch (error) {
    await vlm.dispose();
    throw error;
  }
}
