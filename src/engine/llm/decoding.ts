/**
 * Decoding loops on a native context: batched generation (plain, faithful-steered, cached-steered) and
 * the naive reference that recomputes the whole sequence for every token.
 *
 * All loops take already tokenized prompts and return token ids; the chat template, tokenizer and
 * text cleanup live in llama-optimizer.ts.
 */
import type { NativeContext } from './native-binding.js';
import { createSampleRandom, sampleToken } from './sampler.js';
import type { GuidanceMode, SamplingOptions } from './types.js';

/** Offset added at one block's output: `offset` is already alpha * vector. */
export interface LayerOffset {
  layer: number;
  offset: Float32Array;
  mode: GuidanceMode;
}

export interface DecodeLoopOptions {
  promptTokens: readonly number[];
  n: number;
  maxNewTokens: number;
  sampling: SamplingOptions;
  steering: LayerOffset | null;
  isEog: (token: number) => boolean;
  vocabularySize: number;
  /** Max tokens per decode call of `context`. */
  batchSize: number;
  /**
   * Control vector kept set for every evaluated position, prompt included. It models a bias added to
   * the block's output in the weights; tests use it. Not combined with `steering`.
   */
  constantVector?: { layer: number; offset: Float32Array } | null;
  /**
   * Called with the logits each sample was drawn from, in step order (the end-of-generation step
   * included). The array is only valid during the call. Tests and diagnostics use it.
   */
  onStepLogits?: (sampleIndex: number, step: number, logits: Float32Array) => void;
}

/** Generated token ids of each sample, end-of-generation token excluded. */
export type SampleTokens = number[][];

/**
 * Generate `n` samples as parallel sequences of one context.
 *
 * The prompt except its last token is evaluated once on sequence 0, and its KV cells are shared with
 * sequences 1..n-1 by llama_memory_seq_cp. Each step then decodes the newest token of every unfinished
 * sequence in one batch. The last prompt token is the first "newest token", so in steered modes the
 * position that predicts the first new token is steered, like the reference.
 *
 * - plain (steering null): one pass per step.
 * - 'cached': the control vector stays set, so every newest position is steered once and its steered
 *   keys and values stay in the cache.
 * - 'faithful': a steered pass gives the logits, its cache cells are removed, and an unsteered pass
 *   commits the same tokens, so the cache contains only unsteered keys and values.
 */
export async function generateBatched(context: NativeContext, options: DecodeLoopOptions): Promise<SampleTokens> {
  const { promptTokens, n, maxNewTokens, steering } = options;
  const constant = options.constantVector ?? null;
  context.clearMemory();
  context.setControlVector(constant ? constant.layer : null, constant?.offset);

  await prefill(context, promptTokens.slice(0, -1), options.batchSize);
  for (let seqId = 1; seqId < n; seqId++) {
    context.seqCopy(0, seqId, -1, -1);
  }

  const random = Array.from({ length: n }, (_, index) => createSampleRandom(options.sampling.seed, index));
  const generated: SampleTokens = Array.from({ length: n }, () => []);
  const newestToken = new Array<number>(n).fill(promptTokens[promptTokens.length - 1]!);
  const position = new Array<number>(n).fill(promptTokens.length - 1);
  const active = new Set<number>(Array.from({ length: n }, (_, index) => index));

  if (steering?.mode === 'cached') {
    context.setControlVector(steering.layer, steering.offset);
  }
  try {
    for (let step = 0; step < maxNewTokens && active.size > 0; step++) {
      const rows = [...active];
      const tokens = Int32Array.from(rows, (seqId) => newestToken[seqId]!);
      const positions = Int32Array.from(rows, (seqId) => position[seqId]!);
      const seqIds = Int32Array.from(rows);
      const allRows = Int32Array.from(rows, (_, index) => index);

      let logits: Float32Array;
      if (steering?.mode === 'faithful') {
        // The steered pass goes through the eval callback, not the control vector: llama.cpp re-reserves
        // its compute graph after every llama_set_adapter_cvec call, and this pass toggles twice per token.
        context.setRowsOffset(steering.layer, steering.offset);
        try {
          logits = await context.decode(tokens, positions, seqIds, allRows);
        } finally {
          context.setRowsOffset(null);
        }
        for (const seqId of rows) {
          context.seqRemove(seqId, position[seqId]!, -1);
        }
        await context.decode(tokens, positions, seqIds, new Int32Array(0));
      } else {
        logits = await context.decode(tokens, positions, seqIds, allRows);
      }

      rows.forEach((seqId, row) => {
        const rowLogits = logits.subarray(row * options.vocabularySize, (row + 1) * options.vocabularySize);
        options.onStepLogits?.(seqId, step, rowLogits);
        const token = sampleToken(rowLogits, options.sampling, random[seqId]!);
        position[seqId]!++;
        if (options.isEog(token)) {
          active.delete(seqId);
          return;
        }
        generated[seqId]!.push(token);
        newestToken[seqId] = token;
      });
    }
  } finally {
    context.setControlVector(null);
  }
  return generated;
}

/**
 * Reference decoding as in the original implementation: samples one after another, batch 1, and for
 * every new token the whole sequence is evaluated from an empty cache. The offset is added to the last
 * position only, through the probe's eval callback (not the control vector), so this path shares no
 * steering code with generateBatched. Slow by design; for tests and benchmarks.
 */
export async function generateNaiveReference(probe: NativeContext, options: DecodeLoopOptions): Promise<SampleTokens> {
  const generated: SampleTokens = [];
  await withNaiveSteering(probe, options.steering, async () => {
    for (let sampleIndex = 0; sampleIndex < options.n; sampleIndex++) {
      const random = createSampleRandom(options.sampling.seed, sampleIndex);
      const sequence = [...options.promptTokens];
      const sample: number[] = [];
      for (let step = 0; step < options.maxNewTokens; step++) {
        const logits = await naiveLastLogits(probe, sequence, options.batchSize);
        options.onStepLogits?.(sampleIndex, step, logits);
        const token = sampleToken(logits, options.sampling, random);
        if (options.isEog(token)) {
          break;
        }
        sample.push(token);
        sequence.push(token);
      }
      generated.push(sample);
    }
  });
  return generated;
}

/**
 * Teacher forcing through the naive reference: for each given sample, the logits the naive loop
 * computes at every step when it is fed that sample's tokens instead of drawing its own. `steps[i]`
 * is the number of steps sample i ran (its token count, plus one when it ended on an end-of-generation
 * draw). Comparing these with the batched loop's logits checks every step, whatever the draws.
 */
export async function teacherForcedReferenceLogits(
  probe: NativeContext,
  options: { promptTokens: readonly number[]; samples: SampleTokens; steps: readonly number[]; steering: LayerOffset | null; batchSize: number },
): Promise<Float32Array[][]> {
  const result: Float32Array[][] = [];
  await withNaiveSteering(probe, options.steering, async () => {
    for (const [sampleIndex, sample] of options.samples.entries()) {
      const perStep: Float32Array[] = [];
      for (let step = 0; step < options.steps[sampleIndex]!; step++) {
        perStep.push(await naiveLastLogits(probe, [...options.promptTokens, ...sample.slice(0, step)], options.batchSize));
      }
      result.push(perStep);
    }
  });
  return result;
}

// The naive loops steer through the probe's last-row offset (eval callback), not the control vector.
async function withNaiveSteering(probe: NativeContext, steering: LayerOffset | null, body: () => Promise<void>): Promise<void> {
  probe.setCapture(null);
  probe.setLastRowOffset(steering ? steering.layer : null, steering?.offset);
  try {
    await body();
  } finally {
    probe.setLastRowOffset(null);
  }
}

/** Evaluate `sequence` from an empty cache in one decode and return its last position's logits. */
async function naiveLastLogits(probe: NativeContext, sequence: readonly number[], batchSize: number): Promise<Float32Array> {
  if (sequence.length > batchSize) {
    throw new RangeError(`naive reference sequence of ${sequence.length} tokens exceeds the probe batch of ${batchSize}`);
  }
  probe.clearMemory();
  return probe.decode(
    Int32Array.from(sequence),
    Int32Array.from(sequence, (_, index) => index),
    new Int32Array(sequence.length),
    Int32Array.of(sequence.length - 1),
  );
}

async function prefill(context: NativeContext, tokens: readonly number[], batchSize: number): Promise<void> {
  for (let start = 0; start < tokens.length; start += batchSize) {
    const chunk = tokens.slice(start, start + batchSize);
    await context.decode(
      Int32Array.from(chunk),
      Int32Array.from(chunk, (_, index) => start + index),
      new Int32Array(chunk.length),
      new Int32Array(0),
    );
  }
}
