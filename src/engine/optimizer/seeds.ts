/**
 * Per-step sampler seeds derived from the run seed and the step index only,
 * so a resumed run draws exactly what an uninterrupted run would have drawn.
 */

/** A 32-bit seed for step `step` of a run seeded with `runSeed` (a splitmix32-style mix). */
export function stepSeed(runSeed: number, step: number): number {
  let z = (Math.imul(runSeed >>> 0, 0x9e3779b9) + Math.imul(step + 1, 0x85ebca6b)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}
