/**
 * GLOV's guidance direction: mean hidden state of the best prompt minus that of the second-best
 * prompt, at the output of one transformer block. The optimizer scales it by alpha and hands it to
 * OptimizerLlm.generate as a SteeringRequest.
 */
import { GlovError } from '../errors.js';
import type { GuidanceMode, HiddenStatePooling, OptimizerLlm, SteeringRequest } from '../llm/types.js';

export interface GuidancePair {
  /** Prompt template with the highest fitness so far (p+). */
  best: string;
  /** Prompt template with the highest fitness strictly below p+ (p-). */
  secondBest: string;
}

export interface GuidanceOptions {
  /** 0-based block whose output is read and steered (the reference uses 17 of Llama-3-8B's 32). */
  layer: number;
  alpha: number;
  mode: GuidanceMode;
  /** 'padded' reproduces the reference; 'own-length' is the paper's equation. */
  pooling: HiddenStatePooling;
}

/** Compute Δ = mean h(p+) - mean h(p-) at `layer`. */
export async function computeGuidanceDirection(
  llm: OptimizerLlm,
  pair: GuidancePair,
  options: { layer: number; pooling: HiddenStatePooling },
): Promise<Float32Array> {
  const [best, secondBest] = await llm.captureMeanHiddenStates([pair.best, pair.secondBest], options);
  return subtract(best!, secondBest!);
}

/** Build the steering request for one optimizer step from the current best/second-best pair. */
export async function buildSteeringRequest(
  llm: OptimizerLlm,
  pair: GuidancePair,
  options: GuidanceOptions,
): Promise<SteeringRequest> {
  if (!Number.isInteger(options.layer) || options.layer < 1 || options.layer >= llm.layerCount) {
    throw new GlovError(`Guidance layer ${options.layer} is out of range for a model with ${llm.layerCount} blocks.`, {
      code: 'guidance-layer-out-of-range',
      hint: `Pick a 0-based block index from 1 to ${llm.layerCount - 1}; llama.cpp cannot steer block 0.`,
    });
  }
  const vector = await computeGuidanceDirection(llm, pair, options);
  return { vector, layer: options.layer, alpha: options.alpha, mode: options.mode };
}

export function subtract(left: Float32Array, right: Float32Array): Float32Array {
  if (left.length !== right.length) {
    throw new RangeError(`vector lengths differ: ${left.length} and ${right.length}`);
  }
  return left.map((value, index) => value - right[index]!);
}

/** Return alpha * vector as a new array. */
export function scaleVector(vector: Float32Array, alpha: number): Float32Array {
  return vector.map((value) => value * alpha);
}
