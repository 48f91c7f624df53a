/**
 * Baselines a GLOV run is compared with:
 * - S-TEMP: the single template "a photo of a {c}.";
 * - DS-TEMP: CLIP's hand-written ensemble for the dataset (clip-templates.ts);
 * - GLOV without guidance: the same loop, sampler and token budget, unsteered;
 * - LLM-OPT-style hill climbing (Liu et al., CVPR 2024): positive and negative
 *   example pools in the meta-prompt, never steered, same budget.
 * The last two are loop configurations for `runGlov`.
 */
import { GlovError } from '../errors.js';
import type { Store } from '../store/database.js';
import { saveEvaluation } from '../store/runs.js';
import type { DualEncoderVlm } from '../vlm/types.js';
import { embedImagesCached, TemplateScorer, type Accuracy } from '../optimizer/fitness.js';
import { BASELINE_TEMPLATE, type OptimizerDataset } from '../optimizer/run.js';
import { clipTemplatesFor } from './clip-templates.js';

export const SINGLE_TEMPLATE = BASELINE_TEMPLATE;

/** Config overrides for "GLOV w/o guidance": same loop, no offset. */
export function noGuidanceConfig(overrides: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  return { ...overrides, mode: 'glov', guidance: 'none' };
}

/** Config overrides for the LLM-OPT-style baseline. */
export function llmOptConfig(overrides: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  return { ...overrides, mode: 'llm-opt', guidance: 'none' };
}

/** The DS-TEMP ensemble for a dataset; raises when CLIP published none for it. */
export function datasetTemplates(datasetName: string): readonly string[] {
  const templates = clipTemplatesFor(datasetName);
  if (!templates) {
    throw new GlovError(`CLIP has no template list for dataset "${datasetName}".`, {
      code: 'no-dataset-templates',
      hint: 'Use the single-template baseline, or pass your own templates.',
    });
  }
  return templates;
}

/**
 * Evaluate a template ensemble on the dataset's test split. With `runId`,
 * the result is stored with the run as a 'baseline' evaluation.
 */
export async function evaluateTemplatesOnTest(options: {
  vlm: DualEncoderVlm;
  store: Store;
  dataset: OptimizerDataset;
  templates: readonly string[];
  label: string;
  runId?: number;
}): Promise<Accuracy> {
  const { vlm, store, dataset } = options;
  const test = await embedImagesCached({
    vlm,
    store,
    images: await dataset.testSplit(),
    key: { datasetFingerprint: dataset.fingerprint, split: 'test', shots: 0, seed: 0, preprocessing: '' },
  });
  const accuracy = await new TemplateScorer({ vlm, store, classNames: dataset.classNames }).accuracy(options.templates, test);
  if (options.runId !== undefined) {
    saveEvaluation(store, options.runId, {
      split: 'test',
      kind: 'baseline',
      label: options.label,
      templates: options.templates,
      top1: accuracy.top1,
      correct: accuracy.correct,
      total: accuracy.total,
    });
  }
  return accuracy;
}
