/**
 * Hidden-state capture: the output of one transformer block ("l_out-<layer>" in llama.cpp's graph,
 * 0-based, before the final norm), read through the probe context's eval callback.
 */
import type { NativeContext } from './native-binding.js';
import type { HiddenStatePooling } from './types.js';

export interface CaptureShape {
  layerCount: number;
  embeddingLength: number;
  /** Max tokens per decode of the probe context. */
  batchSize: number;
}

/** Evaluate `tokens` from an empty cache and return block `layer`'s output, one row per token. */
export async function captureBlockOutputs(
  probe: NativeContext,
  tokens: readonly number[],
  layer: number,
  shape: CaptureShape,
): Promise<Float32Array> {
  if (tokens.length === 0 || tokens.length > shape.batchSize) {
    throw new RangeError(`capture needs 1..${shape.batchSize} tokens, got ${tokens.length}`);
  }
  // llama.cpp keeps only the rows that produce logits at the last block, so ask for all of them there.
  const logitRows =
    layer === shape.layerCount - 1 ? Int32Array.from(tokens, (_, index) => index) : Int32Array.of(tokens.length - 1);

  probe.setLastRowOffset(null);
  probe.clearMemory();
  probe.setCapture(layer);
  try {
    await probe.decode(
      Int32Array.from(tokens),
      Int32Array.from(tokens, (_, index) => index),
      new Int32Array(tokens.length),
      logitRows,
    );
    const rows = probe.takeCaptured();
    if (rows.length !== tokens.length * shape.embeddingLength) {
      throw new Error(`captured ${rows.length} values at layer ${layer}, expected ${tokens.length} x ${shape.embeddingLength}`);
    }
    return rows;
  } finally {
    probe.setCapture(null);
  }
}

/** Mean of the rows of a (rows x width) matrix, accumulated in float64. */
export function meanRows(rows: Float32Array, width: number): Float32Array {
  const count = rows.length / width;
  const sum = new Float64Array(width);
  for (let row = 0; row < count; row++) {
    for (let column = 0; column < width; column++) {
      sum[column]! += rows[row * width + column]!;
    }
  }
  return Float32Array.from(sum, (value) => value / count);
}

/**
 * Arrange token sequences for pooling. 'padded' right-pads every sequence with `padToken` to the
 * longest length (the reference pads the shorter prompt with the end-of-turn token, and the pads count
 * in the mean); 'own-length' leaves them as they are.
 */
export function arrangeForPooling(
  sequences: readonly (readonly number[])[],
  pooling: HiddenStatePooling,
  padToken: number,
): number[][] {
  if (pooling === 'own-length') {
    return sequences.map((sequence) => [...sequence]);
  }
  const length = Math.max(...sequences.map((sequence) => sequence.length));
  return sequences.map((sequence) => [...sequence, ...new Array<number>(length - sequence.length).fill(padToken)]);
}
