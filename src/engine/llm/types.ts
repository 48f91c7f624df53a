/**
 * Contract of the optimizer LLM as the GLOV loop uses it.
 *
 * The real implementation runs a GGUF model through node-llama-cpp plus our
 * control-vector hook; tests use a scripted fake with the same shape.
 */

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface SamplingOptions {
  temperature: number;
  topK: number;
  topP: number;
  /** Seed of the sampler; the same seed, prompt and model give the same candidates. */
  seed: number;
}

/** Interaction of the steering offset with the KV cache during generation. */
export type GuidanceMode =
  /** Only the newest position is steered; the cache keeps unsteered keys and values (the reference semantics). */
  | 'faithful'
  /** Each generated token is steered once and cached steered (faster, not equivalent). */
  | 'cached';

export interface SteeringRequest {
  /** Offset direction, length = the model's embedding length (already scaled by nothing). */
  vector: Float32Array;
  /** 0-based transformer block whose output receives alpha * vector. */
  layer: number;
  alpha: number;
  mode: GuidanceMode;
}

export interface GenerationRequest {
  messages: readonly ChatMessage[];
  /** Number of independent samples (candidates) to draw for this prompt. */
  n: number;
  /** Budget of new tokens per sample, counted after the assistant header. */
  maxNewTokens: number;
  sampling: SamplingOptions;
  /** null or absent: plain, unsteered generation. */
  steering?: SteeringRequest | null;
}

export interface GenerationResult {
  /** One decoded reply per sample, special tokens removed. */
  texts: string[];
  promptTokens: number;
  /** Tokens generated over all samples. */
  generatedTokens: number;
  seconds: number;
}

/** Averaging rule from token positions to one sentence vector. */
export type HiddenStatePooling =
  /** Right-pad the shorter text with end-of-turn tokens to equal length, mean over all positions (reference). */
  | 'padded'
  /** Mean over each text's own positions (equation 3 of the GLOV paper, arXiv 2410.06154). */
  | 'own-length';

export interface OptimizerLlm {
  /** Stable identity of the weights, used in run records. */
  readonly fingerprint: string;
  /** Number of transformer blocks. */
  readonly layerCount: number;
  /** Width of the residual stream. */
  readonly embeddingLength: number;

  generate(request: GenerationRequest): Promise<GenerationResult>;

  /** Mean hidden state at the output of block `layer` for each text, run as plain text (not chat-formatted). */
  captureMeanHiddenStates(
    texts: readonly string[],
    options: { layer: number; pooling: HiddenStatePooling },
  ): Promise<Float32Array[]>;

  dispose(): Promise<void>;
}
