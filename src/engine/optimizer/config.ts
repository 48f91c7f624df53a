/**
 * Run configuration of one GLOV optimization run, as plain data.
 *
 * Every default below is explained once, where it is set. Overrides go
 * through `resolveConfig`, which rejects unknown keys and wrong types with an
 * error that names the key, so a typo in a CLI flag or a saved JSON config
 * never silently falls back to a default.
 */
import { GlovError } from '../errors.js';

/** Candidate generation: steered GLOV, or one of its unsteered baselines. */
export type GuidanceSetting = 'faithful' | 'cached' | 'none';

/** Averaging rule of the guidance pair's hidden states, one vector per template. */
export type PoolingSetting = 'padded' | 'own-length';

/** Loop and meta-prompt variant. */
export type LoopMode =
  /** GLOV: top-k and bottom-k history in the meta-prompt, guidance as configured. */
  | 'glov'
  /** LLM-OPT-style hill climbing (Liu et al., CVPR 2024): positive and negative pools, never steered. */
  | 'llm-opt';

/** Parsing rule from LLM replies to templates. */
export type ParseMode = 'robust' | 'reference';

export interface GlovConfig {
  mode: LoopMode;
  steps: number;
  candidatesPerStep: number;
  shots: number;
  seed: number;
  topK: number;
  bottomK: number;
  alpha: number;
  /** 0-based block index, or 'auto' for the same relative depth as block 17 of 32. */
  layer: number | 'auto';
  guidance: GuidanceSetting;
  pooling: PoolingSetting;
  parseMode: ParseMode;
  maxNewTokens: number;
  temperature: number;
  topKSampling: number;
  topP: number;
  initialTemplate: string;
  datasetName: string;
  datasetDescription: string;
  /** Templates per side in the LLM-OPT meta-prompt. */
  llmOptPoolSize: number;
}

/** A config whose layer is a concrete block index of the optimizer LLM. */
export interface ResolvedGlovConfig extends GlovConfig {
  layer: number;
}

export const defaultConfig: Readonly<GlovConfig> = Object.freeze({
  mode: 'glov',
  // The paper runs 100 steps per dataset; the demo uses 5.
  steps: 100,
  // 10 samples per step, as the reference CLIP loop hard-codes.
  candidatesPerStep: 10,
  // Fitness is top-1 accuracy on 1 labelled train image per class.
  shots: 1,
  // Seed of the reference code (argparse default); it fixes the k-shot sample and the sampler.
  seed: 7777,
  // 5 best and 5 worst templates in context (the paper's k = 5).
  topK: 5,
  bottomK: 5,
  // The reference sweeps alpha over {1.0, 0.75, 0.5, 0.25} as separate runs; 1.0 is the
  // only value where its (compounding) code applied the constant offset the paper describes.
  alpha: 1.0,
  // Block 17 (0-based) of Llama-3-8B's 32 blocks; 'auto' scales that depth to other models.
  layer: 'auto',
  // Last position steered, unsteered KV cache: the reference's decoding semantics.
  guidance: 'faithful',
  // Right-pad the shorter template with end-of-turn tokens, as the reference does.
  pooling: 'padded',
  // First non-empty line, preambles and list markers stripped; 'reference' splits at the last colon.
  parseMode: 'robust',
  // The paper's best token budget (the reference's steered path used 75).
  maxNewTokens: 50,
  // Sampling of the reference: temperature 1.0, top-k 50, nucleus top-p 0.9.
  temperature: 1.0,
  topKSampling: 50,
  topP: 0.9,
  // The reference's starting template, written with the canonical placeholder.
  initialTemplate: 'a photo of a {c}.',
  datasetName: '',
  datasetDescription: '',
  // The reference's leftover LLM-OPT flag `--template_pool_size 3`.
  llmOptPoolSize: 3,
});

type FieldKind =
  | { kind: 'integer'; min: number }
  | { kind: 'number'; min: number; max?: number }
  | { kind: 'string' }
  | { kind: 'choice'; choices: readonly string[] }
  | { kind: 'layer' };

const fieldKinds: Record<keyof GlovConfig, FieldKind> = {
  mode: { kind: 'choice', choices: ['glov', 'llm-opt'] },
  steps: { kind: 'integer', min: 1 },
  candidatesPerStep: { kind: 'integer', min: 1 },
  shots: { kind: 'integer', min: 1 },
  seed: { kind: 'integer', min: 0 },
  topK: { kind: 'integer', min: 1 },
  bottomK: { kind: 'integer', min: 0 },
  alpha: { kind: 'number', min: 0 },
  layer: { kind: 'layer' },
  guidance: { kind: 'choice', choices: ['faithful', 'cached', 'none'] },
  pooling: { kind: 'choice', choices: ['padded', 'own-length'] },
  parseMode: { kind: 'choice', choices: ['robust', 'reference'] },
  maxNewTokens: { kind: 'integer', min: 1 },
  temperature: { kind: 'number', min: 0 },
  topKSampling: { kind: 'integer', min: 1 },
  topP: { kind: 'number', min: 0, max: 1 },
  initialTemplate: { kind: 'string' },
  datasetName: { kind: 'string' },
  datasetDescription: { kind: 'string' },
  llmOptPoolSize: { kind: 'integer', min: 1 },
};

/**
 * Map the reference's steering depth to a model with `layerCount` blocks.
 *
 * Block 17 of 32 (0-based) is at relative depth 17/32, so the default is
 * round(17 * layerCount / 32), clamped to the valid range [0, layerCount - 1].
 * For 32 blocks this is 17; for 28 blocks it is 15; for 16 blocks it is 9 (8.5 rounds up).
 */
export function defaultLayer(layerCount: number): number {
  const scaled = Math.round((17 * layerCount) / 32);
  return Math.min(Math.max(scaled, 0), layerCount - 1);
}

function invalid(key: string, value: unknown, expected: string): GlovError {
  return new GlovError(`Invalid value for config key "${key}": ${JSON.stringify(value)}.`, {
    code: 'invalid-config',
    hint: `Set "${key}" to ${expected}.`,
  });
}

function checkField(key: keyof GlovConfig, value: unknown): void {
  const field = fieldKinds[key];
  switch (field.kind) {
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < field.min) {
        throw invalid(key, value, `an integer >= ${field.min}`);
      }
      return;
    case 'number': {
      const tooHigh = field.max !== undefined && typeof value === 'number' && value > field.max;
      if (typeof value !== 'number' || !Number.isFinite(value) || value < field.min || tooHigh) {
        const range = field.max === undefined ? `>= ${field.min}` : `in [${field.min}, ${field.max}]`;
        throw invalid(key, value, `a number ${range}`);
      }
      return;
    }
    case 'string':
      if (typeof value !== 'string') {
        throw invalid(key, value, 'a string');
      }
      return;
    case 'choice':
      if (typeof value !== 'string' || !field.choices.includes(value)) {
        throw invalid(key, value, `one of ${field.choices.join(', ')}`);
      }
      return;
    case 'layer':
      if (value !== 'auto' && (typeof value !== 'number' || !Number.isInteger(value))) {
        throw invalid(key, value, '"auto" or an integer block index');
      }
      return;
  }
}

/**
 * Merge `overrides` into the defaults and validate the result.
 *
 * Unknown keys and wrong types raise a GlovError naming the key. The layer is
 * resolved against `layerCount` (the optimizer LLM's number of blocks) and
 * must lie in [0, layerCount - 1].
 */
export function resolveConfig(
  overrides: Readonly<Record<string, unknown>>,
  { layerCount }: { layerCount: number },
): ResolvedGlovConfig {
  const merged: Record<string, unknown> = { ...defaultConfig };
  for (const [key, value] of Object.entries(overrides)) {
    if (!(key in fieldKinds)) {
      throw new GlovError(`Unknown config key "${key}".`, {
        code: 'unknown-config-key',
        hint: `Valid keys: ${Object.keys(fieldKinds).join(', ')}.`,
      });
    }
    if (value === undefined) {
      continue;
    }
    checkField(key as keyof GlovConfig, value);
    merged[key] = value;
  }
  const config = merged as unknown as GlovConfig;

  const layer = config.layer === 'auto' ? defaultLayer(layerCount) : config.layer;
  if (layer < 0 || layer >= layerCount) {
    throw new GlovError(`Config key "layer" is ${layer}, outside the model's blocks.`, {
      code: 'layer-out-of-range',
      hint: `Choose a layer in [0, ${layerCount - 1}] (the model has ${layerCount} blocks), or "auto".`,
    });
  }
  return { ...config, layer };
}
