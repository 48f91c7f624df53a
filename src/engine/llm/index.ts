export { loadLlamaOptimizer, LlamaOptimizer } from './llama-optimizer.js';
export type { GenerationHeader, LlamaOptimizerOptions } from './llama-optimizer.js';
export { createSampleRandom, sampleToken, validateSampling } from './sampler.js';
export type * from './types.js';
