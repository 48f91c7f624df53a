/**
 * Contracts of the vision-language models that score prompt templates.
 *
 * The optimizer only sees these interfaces, so a second family (an
 * encoder-decoder VLM that answers in free text) can be added without
 * touching the loop.
 */

/** A CLIP-style model with separate text and image towers. */
export interface DualEncoderVlm {
  readonly family: 'dual-encoder';
  /** Stable identity of the weights and preprocessing, used in cache keys. */
  readonly fingerprint: string;
  /** Length of one embedding row. */
  readonly embeddingDim: number;
  /** Text context of the tokenizer, start and end tokens included (77 for CLIP). */
  readonly contextLength: number;

  /** Count the tokens of a text, start and end tokens included, without truncation. */
  countTokens(text: string): number;

  /** Embed texts; returns row-major [texts.length, embeddingDim], every row L2-normalized. */
  embedTexts(texts: readonly string[]): Promise<Float32Array>;

  /**
   * Embed image files; returns row-major [files.length, embeddingDim], every row L2-normalized.
   * Rejects with an error that names the file when one cannot be decoded.
   */
  embedImages(
    files: readonly string[],
    options?: { onProgress?: (done: number, total: number) => void },
  ): Promise<Float32Array>;

  dispose(): Promise<void>;
}

/** An encoder-decoder VLM (LLaVA-style) that answers an instruction about an image. Not implemented yet. */
export interface GenerativeVlm {
  readonly family: 'generative';
  readonly fingerprint: string;
  answer(imageFile: string, instruction: string): Promise<string>;
  dispose(): Promise<void>;
}

export type Vlm = DualEncoderVlm | GenerativeVlm;
