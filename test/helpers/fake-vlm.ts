/**
 * A deterministic stand-in for a CLIP model, used until a tiny real ONNX
 * CLIP fixture exists. Text embeddings are the normalized sum of per-word
 * hash vectors. An image embedding mixes the vector of its class folder name
 * with per-file noise, so templates whose words dilute the class word score
 * lower, and fitness varies between templates the way it should.
 */
import path from 'node:path';

import type { DualEncoderVlm } from '../../src/engine/vlm/types.js';
import { hashString, seededRandom } from './scripted-llm.js';

function wordVector(word: string, dim: number): Float32Array {
  const random = seededRandom(hashString(word.toLowerCase()));
  return Float32Array.from({ length: dim }, () => random() * 2 - 1);
}

function normalize(vector: Float32Array): Float32Array {
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0)) || 1;
  return vector.map((value) => value / norm);
}

function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9-]+/g) ?? [];
}

export class FakeVlm implements DualEncoderVlm {
  readonly family = 'dual-encoder' as const;
  readonly fingerprint: string;
  readonly embeddingDim: number;
  readonly contextLength: number;
  textCalls = 0;
  imageCalls = 0;
  embeddedTexts = 0;
  /** Weight of per-file noise against the class vector; higher makes classification harder. */
  readonly imageNoise: number;

  constructor(options: { embeddingDim?: number; contextLength?: number; fingerprint?: string; imageNoise?: number } = {}) {
    this.imageNoise = options.imageNoise ?? 3;
    this.embeddingDim = options.embeddingDim ?? 32;
    this.contextLength = options.contextLength ?? 77;
    this.fingerprint = options.fingerprint ?? 'fake-vlm';
  }

  countTokens(text: string): number {
    return words(text).length + 2;
  }

  async embedTexts(texts: readonly string[]): Promise<Float32Array> {
    this.textCalls += 1;
    this.embeddedTexts += texts.length;
    const out = new Float32Array(texts.length * this.embeddingDim);
    texts.forEach((text, row) => {
      const sum = new Float32Array(this.embeddingDim);
      for (const word of words(text)) {
        wordVector(word, this.embeddingDim).forEach((value, i) => {
          sum[i] = (sum[i] as number) + value;
        });
      }
      out.set(normalize(sum), row * this.embeddingDim);
    });
    return out;
  }

  async embedImages(files: readonly string[]): Promise<Float32Array> {
    this.imageCalls += 1;
    const out = new Float32Array(files.length * this.embeddingDim);
    files.forEach((file, row) => {
      const classWord = path.basename(path.dirname(file));
      const classVector = wordVector(classWord, this.embeddingDim);
      const noise = wordVector(`file:${file}`, this.embeddingDim);
      const mixed = classVector.map((value, i) => value + this.imageNoise * (noise[i] as number));
      out.set(normalize(mixed), row * this.embeddingDim);
    });
    return out;
  }

  async dispose(): Promise<void> {}
}
