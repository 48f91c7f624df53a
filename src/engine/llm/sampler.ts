/**
 * Seeded token sampler shared by every decoding path (batched, steered, naive reference).
 *
 * Each sample owns its random stream, derived from (seed, sample index), and draws exactly one number
 * per generated token. The batched and the one-sample-at-a-time paths therefore pick the same tokens
 * from the same logits, which is what makes the faithful-versus-naive test exact.
 */
import { createRandom } from '../random.js';
import type { SamplingOptions } from './types.js';

/** Random source returning uniform numbers in [0, 1). */
export type RandomSource = () => number;

/** Create the random stream of one sample: mulberry32 seeded by a 32-bit mix of seed and sample index. */
export function createSampleRandom(seed: number, sampleIndex: number): RandomSource {
  return createRandom(mixSeed(seed, sampleIndex));
}

// splitmix32-style finalizer, so that neighbouring seeds and sample indices give unrelated streams.
function mixSeed(seed: number, sampleIndex: number): number {
  let h = (Math.trunc(seed) ^ Math.imul(sampleIndex + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** Check sampling options and name the bad value. */
export function validateSampling(sampling: SamplingOptions): void {
  if (!(sampling.temperature >= 0) || !Number.isFinite(sampling.temperature)) {
    throw new RangeError(`temperature must be a finite number >= 0, got ${sampling.temperature}`);
  }
  if (!Number.isInteger(sampling.topK) || sampling.topK < 0) {
    throw new RangeError(`topK must be an integer >= 0 (0 keeps every token), got ${sampling.topK}`);
  }
  if (!(sampling.topP > 0 && sampling.topP <= 1)) {
    throw new RangeError(`topP must be in (0, 1], got ${sampling.topP}`);
  }
  if (!Number.isInteger(sampling.seed)) {
    throw new RangeError(`seed must be an integer, got ${sampling.seed}`);
  }
}

/**
 * Sample one token id from a row of logits.
 *
 * Order as in Hugging Face's sampler: divide by temperature, keep the top-k logits, then keep the
 * smallest prefix of those (by falling probability) whose mass reaches top-p, renormalize and draw.
 * Temperature 0 means greedy argmax and still consumes one random number to keep streams aligned.
 * Ties keep the lower token id first.
 */
export function sampleToken(logits: Float32Array, sampling: SamplingOptions, random: RandomSource): number {
  const draw = random();
  const vocabularySize = logits.length;
  const keep = sampling.topK > 0 ? Math.min(sampling.topK, vocabularySize) : vocabularySize;
  const candidates = topIndices(logits, keep);
  if (sampling.temperature === 0) {
    return candidates[0]!;
  }

  const maxLogit = logits[candidates[0]!]!;
  const weights = candidates.map((token) => Math.exp((logits[token]! - maxLogit) / sampling.temperature));
  const total = weights.reduce((sum, weight) => sum + weight, 0);

  let kept = 0;
  let cumulative = 0;
  while (kept < candidates.length) {
    cumulative += weights[kept]! / total;
    kept++;
    if (cumulative >= sampling.topP) {
      break;
    }
  }

  const keptTotal = weights.slice(0, kept).reduce((sum, weight) => sum + weight, 0);
  let threshold = draw * keptTotal;
  for (let i = 0; i < kept; i++) {
    threshold -= weights[i]!;
    if (threshold < 0) {
      return candidates[i]!;
    }
  }
  return candidates[kept - 1]!;
}

/** Return the indices of the `count` largest values, largest first, lower index first on ties. */
export function topIndices(values: Float32Array, count: number): number[] {
  const selected: number[] = [];
  for (let index = 0; index < values.length; index++) {
    const value = values[index]!;
    if (selected.length === count && value <= values[selected[count - 1]!]!) {
      continue;
    }
    // Insertion into a short sorted list: most tokens fail the check above, so this stays near O(V).
    let position = selected.length;
    while (position > 0 && values[selected[position - 1]!]! < value) {
      position--;
    }
    selected.splice(position, 0, index);
    if (selected.length > count) {
      selected.pop();
    }
  }
  return selected;
}
