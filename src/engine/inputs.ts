/**
 * Loading of everything one run needs: the dataset folder in the optimizer's
 * view, the optimizer LLM and the VLM, from references given by a user.
 *
 * The CLI, the app's run worker and the benchmarks all go through here, so a
 * model reference or a dataset folder means the same thing everywhere.
 */
import os from 'node:os';
import path from 'node:path';

import { loadDataset, type Dataset, type LoadDatasetOptions } from './data/dataset.js';
import { sampleFewShot } from './data/few-shot.js';
import { GlovError } from './errors.js';
import { loadLlamaOptimizer } from './llm/index.js';
import type { OptimizerLlm } from './llm/types.js';
import { createLogger } from './log.js';
import { resolveModel } from './models/index.js';
import type { LabelledImages } from './optimizer/fitness.js';
import type { OptimizerDataset } from './optimizer/run.js';
import { loadOnnxClip, type ExecutionProvider } from './vlm/onnx-clip.js';
import type { DualEncoderVlm } from './vlm/types.js';

const log = createLogger('inputs');

/** Adapt a loaded dataset folder to the loop's view: class names and labelled file lists. */
export function toOptimizerDataset(dataset: Dataset, name: string): OptimizerDataset {
  const labelled = (samples: Dataset['splits']['train']): LabelledImages => ({
    files: samples.map((sample) => sample.file),
    labels: samples.map((sample) => sample.classIndex),
  });
  return {
    name,
    fingerprint: dataset.fingerprint,
    root: dataset.root,
    classNames: dataset.classes.map((info) => info.name),
    fewShotTrain: ({ shots, seed }) => {
      const selection = sampleFewShot(dataset, { shots, seed });
      // A class with fewer images than shots contributes all it has, so log that once per run.
      const [first, ...others] = selection.warnings;
      if (first !== undefined) {
        log.warn(others.length === 0 ? first : `${first} ${others.length} more class(es) also have fewer.`);
      }
      return labelled(selection.samples);
    },
    testSplit: () => labelled(dataset.splits.test),
  };
}

/**
 * Open a dataset folder (train/ and test/ class folders, or one folder of
 * classes split by seed). The name defaults to the folder's base name.
 */
export function openDataset(
  folder: string,
  options: LoadDatasetOptions & { name?: string } = {},
): { dataset: Dataset; optimizerDataset: OptimizerDataset } {
  // loadDataset logs its own warnings, with the folder, so they are not logged again here.
  const dataset = loadDataset(path.resolve(folder), options);
  if (dataset.classes.length < 2) {
    // With one class every template scores 100%, so neither fitness nor guidance means anything.
    throw new GlovError(`Dataset ${dataset.root} has only one class folder (${dataset.classes[0]?.folder ?? ''}).`, {
      code: 'dataset-one-class',
      hint: 'Zero-shot classification needs at least two classes: add another class folder.',
    });
  }
  const name = options.name ?? path.basename(dataset.root);
  return { dataset, optimizerDataset: toOptimizerDataset(dataset, name) };
}

/** CPU threads to use when none are given: every core the process may use. */
export function defaultThreadCount(): number {
  return Math.max(1, os.availableParallelism());
}

export interface LoadModelsOptions {
  /** LLM reference: a .gguf path, hf:ORG/REPO/FILE.gguf, or `default`. */
  llm: string;
  /** CLIP reference: an export folder, hf:ORG/REPO, or `default`. */
  vlm: string;
  /** CPU threads for llama.cpp and ONNX Runtime. */
  threads?: number;
  /** 'auto' uses CUDA or Vulkan for the LLM and CUDA for CLIP when present; 'cpu' forces the CPU. */
  device?: 'auto' | 'cpu' | 'cuda';
}

export interface LoadedModels {
  llm: OptimizerLlm;
  vlm: DualEncoderVlm;
  llmPath: string;
  vlmPath: string;
  dispose(): Promise<void>;
}

/** Resolve and load both models; the VLM is released again when the LLM fails to load. */
export async function loadModels(options: LoadModelsOptions): Promise<LoadedModels> {
  const threads = options.threads ?? defaultThreadCount();
  const device = options.device ?? 'cpu';
  const llmModel = await resolveModel(options.llm, { role: 'llm' });
  const vlmModel = await resolveModel(options.vlm, { role: 'clip' });

  log.info(`loading CLIP from ${vlmModel.path} (${device === 'cuda' ? 'cuda' : 'cpu'}, ${threads} threads)`);
  const executionProvider: ExecutionProvider = device === 'cuda' ? 'cuda' : 'cpu';
  const vlm = await loadOnnxClip({ modelDir: vlmModel.path, intraOpThreads: threads, executionProvider });

  try {
    log.info(`loading LLM from ${llmModel.path} (${device}, ${threads} threads)`);
    let gpu: 'auto' | 'cuda' | false = 'auto';
    if (device === 'cpu') {
      gpu = false;
    } else if (device === 'cuda') {
      gpu = 'cuda';
    }
    const llm = await loadLlamaOptimizer({ modelPath: llmModel.path, threads, gpu });
    return {
      llm,
      vlm,
      llmPath: llmModel.path,
      vlmPath: vlmModel.path,
      async dispose() {
        await llm.dispose();
        await vlm.dispose();
      },
    };
  } catch (error) {
    await vlm.dispose();
    throw error;
  }
}
