/**
 * An OptimizerLlm wrapper that serves repeated unsteered generate requests from memory.
 *
 * Every GLOV variant of one seed starts with the same unsteered step (same
 * meta-prompt, same sampler seed), and a variant whose guidance has not been
 * triggered yet keeps repeating the unsteered run. Seeded generation is
 * deterministic for a fixed model, context and thread count, so replaying
 * the stored reply changes no result and saves most of the LLM time of the
 * accuracy benchmark. Steered requests always run.
 */
import type { GenerationRequest, GenerationResult, HiddenStatePooling, OptimizerLlm } from '../../src/engine/llm/types.js';

export class MemoizedLlm implements OptimizerLlm {
  readonly fingerprint: string;
  readonly layerCount: number;
  readonly embeddingLength: number;
  /** Requests answered by the wrapped model. */
  generated = 0;
  /** Requests answered from memory. */
  replayed = 0;

  readonly #inner: OptimizerLlm;
  readonly #replies = new Map<string, GenerationResult>();

  constructor(inner: OptimizerLlm) {
    this.#inner = inner;
    this.fingerprint = inner.fingerprint;
    this.layerCount = inner.layerCount;
    this.embeddingLength = inner.embeddingLength;
  }

  async generate(request: GenerationRequest): Promise<GenerationResult> {
    const steered = request.steering !== null && request.steering !== undefined && request.steering.alpha !== 0;
    if (steered) {
      this.generated += 1;
      return this.#inner.generate(request);
    }
    const key = JSON.stringify([request.messages, request.n, request.maxNewTokens, request.sampling]);
    const stored = this.#replies.get(key);
    if (stored) {
      this.replayed += 1;
      return { ...stored, texts: [...stored.texts] };
    }
    this.generated += 1;
    const result = await this.#inner.generate(request);
    this.#replies.set(key, { ...result, texts: [...result.texts] });
    return result;
  }

  captureMeanHiddenStates(texts: readonly string[], options: { layer: number; pooling: HiddenStatePooling }): Promise<Float32Array[]> {
    return this.#inner.captureMeanHiddenStates(texts, options);
  }

  dispose(): Promise<void> {
    return this.#inner.dispose();
  }
}
