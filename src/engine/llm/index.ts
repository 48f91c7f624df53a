export { loadLlamaOptimizer, LlamaOptimizer } from './llama-optimizer.js';
export type { GenerationHeader, GenerationTrace, LlamaOptimizerOptions } from './llama-optimizer.js';
export { createSampleRandom, sampleToken, validateSampling } from './sampler.js';
export type * from './types.js';
