/**
 * A scripted stand-in for the optimizer LLM, in the spirit of DSPy's dummy
 * LMs: it returns queued or computed replies, records every request, and
 * returns deterministic hidden states (a hash of the text and layer).
 */
import { createRandom } from '../../src/engine/random.js';
import type {
  GenerationRequest,
  GenerationResult,
  HiddenStatePooling,
  OptimizerLlm,
} from '../../src/engine/llm/types.js';

export type ReplyFunction = (request: GenerationRequest, callIndex: number) => string[];

/** FNV-1a hash of a string, as an unsigned 32-bit seed. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** mulberry32, the engine's seeded generator, re-exported for the test helpers. */
export const seededRandom = createRandom;

export class ScriptedLlm implements OptimizerLlm {
  readonly fingerprint: string;
  readonly layerCount: number;
  readonly embeddingLength: number;
  readonly requests: GenerationRequest[] = [];
  readonly captures: Array<{ texts: string[]; layer: number; pooling: HiddenStatePooling }> = [];
  readonly #queue: string[][];
  readonly #reply: ReplyFunction | undefined;
  readonly #delayMs: number;

  constructor(options: {
    replies?: string[][];
    reply?: ReplyFunction;
    layerCount?: number;
    embeddingLength?: number;
    fingerprint?: string;
    /** Wait this long in every generate call, so a test can interrupt a step in flight. */
    delayMs?: number;
  }) {
    this.#delayMs = options.delayMs ?? 0;
    this.#queue = [...(options.replies ?? [])];
    this.#reply = options.reply;
    this.layerCount = options.layerCount ?? 8;
    this.embeddingLength = options.embeddingLength ?? 16;
    this.fingerprint = options.fingerprint ?? 'scripted-llm';
  }

  async generate(request: GenerationRequest): Promise<GenerationResult> {
    const callIndex = this.requests.length;
    this.requests.push(request);
    if (this.#delayMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, this.#delayMs));
    }
    const texts = this.#queue.shift() ?? this.#reply?.(request, callIndex);
    if (!texts) {
      throw new Error(`ScriptedLlm has no reply left for call ${callIndex}.`);
    }
    const promptTokens = request.messages.reduce((sum, message) => sum + message.content.split(/\s+/).length, 0);
    const generatedTokens = texts.reduce((sum, text) => sum + text.split(/\s+/).length, 0);
    return { texts, promptTokens, generatedTokens, seconds: 0 };
  }

  async captureMeanHiddenStates(
    texts: readonly string[],
    options: { layer: number; pooling: HiddenStatePooling },
  ): Promise<Float32Array[]> {
    this.captures.push({ texts: [...texts], ...options });
    return texts.map((text) => {
      const random = seededRandom(hashString(`${options.layer}|${options.pooling}|${text}`));
      return Float32Array.from({ length: this.embeddingLength }, () => random() * 2 - 1);
    });
  }

  async dispose(): Promise<void> {}
}

const subjects = ['photo', 'picture', 'close-up photo', 'texture photo', 'macro shot', 'sketch', 'scan', 'pattern'];
const qualifiers = ['', ' showing fine detail', ' in natural light', ' of a surface', ' with a clear texture', ' up close'];
const noise = ['Here is a template:', 'not a template', '{c} {c}', 'A rendering of {style} <category>'];

/**
 * Replies computed from the request's sampler seed and steering vector only,
 * so an interrupted and resumed run receives the same replies as an uninterrupted
 * one. About one reply in eight is unusable, to exercise rejections.
 */
export const seededReplies: ReplyFunction = (request) => {
  const steeringKey = request.steering ? Array.from(request.steering.vector.slice(0, 4), (v) => v.toFixed(4)).join(',') : 'none';
  const random = seededRandom(hashString(`${request.sampling.seed}|${steeringKey}`));
  return Array.from({ length: request.n }, () => {
    const roll = random();
    if (roll < 0.125) {
      return noise[Math.floor(random() * noise.length)] as string;
    }
    const subject = subjects[Math.floor(random() * subjects.length)] as string;
    const qualifier = qualifiers[Math.floor(random() * qualifiers.length)] as string;
    return `assistant\n\nA ${subject} of a <category>${qualifier}.`;
  });
};
