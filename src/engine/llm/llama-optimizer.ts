/**
 * OptimizerLlm on a GGUF chat model: node-llama-cpp loads the weights, renders the chat template and
 * tokenizes; the native hook (native-binding.ts) runs our own contexts on that same llama_model for
 * batched sampling, control vectors and hidden-state capture.
 */
import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';

import { getLlama, resolveChatWrapper, type ChatHistoryItem, type Llama, type LlamaModel, type Token } from 'node-llama-cpp';

import { GlovError } from '../errors.js';
import { createLogger } from '../log.js';
import {
  generateBatched,
  generateNaiveReference,
  teacherForcedReferenceLogits,
  type DecodeLoopOptions, type LayerOffset, type SampleTokens } from './decoding.js';
import { arrangeForPooling, captureBlockOutputs, meanRows } from './hidden-states.js';
import { attachNativeModel, createNativeContext, type NativeContext, type NativeModel } from './native-binding.js';
import { validateSampling } from './sampler.js';
import type {
  ChatMessage,
  GenerationRequest,
  GenerationResult,
  HiddenStatePooling,
  OptimizerLlm,
  SteeringRequest,
} from './types.js';

const log = createLogger('llm.llama');

/**
 * Where the assistant header of the reply comes from.
 * - 'prompted': the prompt ends with the chat template's generation header (default: the reply starts
 *   with content, so stop tokens and the token budget need no header detection).
 * - 'model-writes': the prompt ends after the user turn's end-of-turn token and the model writes the
 *   header itself, as in the reference. The steered position at the first step is then that
 *   end-of-turn token. The header tokens get their own budget and are stripped from the reply.
 */
export type GenerationHeader = 'prompted' | 'model-writes';

export interface LlamaOptimizerOptions {
  modelPath: string;
  /** CPU threads for llama.cpp. Set it explicitly: llama.cpp's default is tuned for larger machines. */
  threads: number;
  /** node-llama-cpp backend: 'auto' picks CUDA, Vulkan or Metal when available; false is CPU only. */
  gpu?: 'auto' | 'cuda' | 'vulkan' | false;
  /** KV cache cells shared by all samples of a step: prompt + n * maxNewTokens must fit. Default 4096. */
  contextSize?: number;
  /** Max samples per generate call (llama.cpp n_seq_max). Default 16. */
  maxSequences?: number;
  /** Max tokens per decode call. Default 512. */
  batchSize?: number;
  /** Token capacity of the probe context used for hidden states and the naive reference. Default 1024. */
  probeContextSize?: number;
  generationHeader?: GenerationHeader;
  /**
   * KV cache element type. 'f16' (llama.cpp's default) halves cache memory. 'f32' keeps attention in
   * fp32; together with flash attention off, batched and naive decoding then agree to float rounding
   * (docs/guidance.md, "Batched versus naive numerics").
   */
  kvCacheType?: 'f16' | 'f32';
  /**
   * Flash attention in both contexts. Default: 'off' with kvCacheType 'f32' (the setting for exact
   * comparisons: llama.cpp's CPU flash attention uses a different kernel for decodes of >= 64 queries,
   * about 1e-3 relative apart), else 'auto' (on wherever the backend supports it).
   */
  flashAttention?: 'auto' | 'on' | 'off';
}

/** Per-step logits of a batched run, for teacher-forced comparison with the naive reference. */
export interface GenerationTrace {
  /** Generated token ids per sample, end-of-generation token excluded, self-written header included. */
  samples: number[][];
  /** logits[sample][step]: the row each draw was made from (the end-of-generation step included). */
  logits: Float32Array[][];
}

interface ChatPrompt {
  promptTokens: number[];
  /** Header tokens the model is expected to write first ('model-writes' only). */
  headerTokens: number[];
}

export class LlamaOptimizer implements OptimizerLlm {
  readonly fingerprint: string;
  readonly layerCount: number;
  readonly embeddingLength: number;

  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly llama: Llama,
    private readonly model: LlamaModel,
    private readonly native: NativeModel,
    private readonly generation: NativeContext,
    private readonly probe: NativeContext,
    private readonly settings: Required<Omit<LlamaOptimizerOptions, 'gpu'>>,
    fingerprint: string,
  ) {
    this.fingerprint = fingerprint;
    this.layerCount = native.layerCount;
    this.embeddingLength = native.embeddingLength;
  }

  /** Load a GGUF model and create the generation and probe contexts. */
  static async load(options: LlamaOptimizerOptions): Promise<LlamaOptimizer> {
    const settings = {
      modelPath: options.modelPath,
      threads: options.threads,
      contextSize: options.contextSize ?? 4096,
      maxSequences: options.maxSequences ?? 16,
      batchSize: options.batchSize ?? 512,
      probeContextSize: options.probeContextSize ?? 1024,
      generationHeader: options.generationHeader ?? 'prompted',
      kvCacheType: options.kvCacheType ?? 'f16',
      flashAttention: options.flashAttention ?? (options.kvCacheType === 'f32' ? 'off' : 'auto'),
    };
    if (!Number.isInteger(settings.threads) || settings.threads < 1) {
      throw new GlovError(`Invalid thread count: ${options.threads}.`, { code: 'invalid-threads', hint: 'Pass threads as an integer >= 1, for example the number of physical cores.' });
    }
    const fileStat = await stat(settings.modelPath).catch(() => null);
    if (!fileStat?.isFile()) {
      throw new GlovError(`Model file not found: ${settings.modelPath}.`, { code: 'model-not-found', hint: 'Pass --llm-model with the path of a GGUF chat model.' });
    }

    const llama = await getLlama({ gpu: options.gpu ?? 'auto', logLevel: 'warn' as never });
    const model = await llama.loadModel({ modelPath: settings.modelPath });
    const native = attachNativeModel(model);
    // Both contexts share every numeric setting (threads, KV type, flash attention), so that the naive
    // reference in the probe computes what the generation context computes, up to batch shape.
    const contextOptions = {
      threads: settings.threads,
      batchSize: settings.batchSize,
      kvCacheType: settings.kvCacheType,
      flashAttention: settings.flashAttention,
    };
    const generation = createNativeContext(native, {
      ...contextOptions,
      contextSize: settings.contextSize,
      sequences: settings.maxSequences,
      probe: false,
    });
    const probe = createNativeContext(native, {
      ...contextOptions,
      contextSize: settings.probeContextSize,
      batchSize: settings.probeContextSize,
      sequences: 1,
      probe: true,
    });
    const fingerprint = await fingerprintFile(settings.modelPath, fileStat.size);
    log.info(
      `loaded ${path.basename(settings.modelPath)}: ${native.layerCount} blocks, width ${native.embeddingLength}, ` +
        `gpu=${String(llama.gpu)}, threads=${settings.threads}, libllama=${native.libraryPath}`,
    );
    return new LlamaOptimizer(llama, model, native, generation, probe, settings, fingerprint);
  }

  generate(request: GenerationRequest): Promise<GenerationResult> {
    return this.exclusive(() => this.runGeneration(request, (options) => generateBatched(this.generation, options)));
  }

  /** Same request through the full-recompute reference loop (batch 1, samples in turn); slow. */
  generateNaiveReference(request: GenerationRequest): Promise<GenerationResult> {
    return this.exclusive(() =>
      this.runGeneration(request, (options) =>
        generateNaiveReference(this.probe, { ...options, batchSize: this.settings.probeContextSize }),
      ),
    );
  }

  /** Batched generation that also returns the logits of every draw (tests and diagnostics). */
  traceGeneration(request: GenerationRequest): Promise<GenerationTrace> {
    return this.exclusive(async () => {
      this.checkRequest(request);
      const options = this.loopOptions(request, this.renderChat(request.messages));
      const logits: Float32Array[][] = Array.from({ length: request.n }, () => []);
      const samples = await generateBatched(this.generation, {
        ...options,
        onStepLogits: (sampleIndex, _step, row) => logits[sampleIndex]!.push(row.slice()),
      });
      return { samples, logits };
    });
  }

  /**
   * Teacher forcing: the naive reference's logits at every step of `trace`, computed on the traced
   * tokens instead of its own draws (same prompt and steering as `request`).
   */
  teacherForcedReferenceLogits(request: GenerationRequest, trace: GenerationTrace): Promise<Float32Array[][]> {
    return this.exclusive(async () => {
      this.checkRequest(request);
      const prompt = this.renderChat(request.messages);
      return teacherForcedReferenceLogits(this.probe, {
        promptTokens: prompt.promptTokens,
        samples: trace.samples,
        steps: trace.logits.map((steps) => steps.length),
        steering: toLayerOffset(request.steering),
        batchSize: this.settings.probeContextSize,
      });
    });
  }

  captureMeanHiddenStates(
    texts: readonly string[],
    options: { layer: number; pooling: HiddenStatePooling },
  ): Promise<Float32Array[]> {
    return this.exclusive(async () => {
      this.checkLayer(options.layer, 0);
      const padToken = this.model.tokens.eot ?? this.model.tokens.eos;
      if (padToken === null) {
        throw new GlovError('The model has neither an end-of-turn nor an end-of-sequence token to pad with.', {
          code: 'no-pad-token',
          hint: "Use pooling 'own-length' with this model.",
        });
      }
      const sequences = arrangeForPooling(
        texts.map((text) => this.tokenizePlainText(text)),
        options.pooling,
        padToken,
      );
      const means: Float32Array[] = [];
      for (const tokens of sequences) {
        const rows = await captureBlockOutputs(this.probe, tokens, options.layer, this.captureShape());
        means.push(meanRows(rows, this.embeddingLength));
      }
      return means;
    });
  }

  /** Block `layer`'s output for given token ids, one row per token (tests and diagnostics). */
  captureBlockOutputsForTokens(tokens: readonly number[], layer: number): Promise<Float32Array> {
    return this.exclusive(() => {
      this.checkLayer(layer, 0);
      return captureBlockOutputs(this.probe, tokens, layer, this.captureShape());
    });
  }

  /** Generate with a control vector set for every evaluated position, prompt included (tests). */
  generateWithConstantVector(
    request: GenerationRequest,
    vector: { layer: number; offset: Float32Array },
  ): Promise<GenerationResult> {
    return this.exclusive(() => {
      this.checkLayer(vector.layer, 1);
      return this.runGeneration(request, (options) =>
        generateBatched(this.generation, { ...options, constantVector: vector }),
      );
    });
  }

  /** Render chat messages with the model's template into prompt tokens. */
  renderChat(messages: readonly ChatMessage[]): ChatPrompt {
    const chatWrapper = resolveChatWrapper(this.model);
    const history: ChatHistoryItem[] = messages.map((message) => {
      if (message.role === 'system') return { type: 'system', text: message.content };
      if (message.role === 'user') return { type: 'user', text: message.content };
      return { type: 'model', response: [message.content] };
    });
    // An empty model turn at the end makes the wrapper emit the assistant generation header.
    history.push({ type: 'model', response: [] });
    const { contextText } = chatWrapper.generateContextState({ chatHistory: history });
    const tokens = contextText.tokenize(this.model.tokenizer) as number[];
    if (this.settings.generationHeader === 'prompted') {
      return { promptTokens: tokens, headerTokens: [] };
    }
    // Cut after the last end-of-turn token: what follows is the header the model should write.
    let cut = tokens.length - 1;
    while (cut >= 0 && !this.native.isEog(tokens[cut]!)) {
      cut--;
    }
    if (cut < 0) {
      return { promptTokens: tokens, headerTokens: [] };
    }
    return { promptTokens: tokens.slice(0, cut + 1), headerTokens: tokens.slice(cut + 1) };
  }

  async dispose(): Promise<void> {
    await this.queue.catch(() => undefined);
    this.generation.dispose();
    this.probe.dispose();
    await this.model.dispose();
    await this.llama.dispose();
  }

  private async runGeneration(
    request: GenerationRequest,
    loop: (options: DecodeLoopOptions) => Promise<SampleTokens>,
  ): Promise<GenerationResult> {
    this.checkRequest(request);
    const started = performance.now();
    const prompt = this.renderChat(request.messages);
    const { promptTokens, headerTokens } = prompt;
    const samples = await loop(this.loopOptions(request, prompt));
    const texts = samples.map((sample) => this.decodeReply(sample, headerTokens, request.maxNewTokens));
    const generatedTokens = samples.reduce((sum, sample) => sum + sample.length, 0);
    const seconds = (performance.now() - started) / 1000;
    log.debug(`generated ${request.n} samples, ${generatedTokens} tokens in ${seconds.toFixed(2)} s (steering: ${request.steering?.mode ?? 'none'})`);
    return { texts, promptTokens: promptTokens.length, generatedTokens, seconds };
  }

  private loopOptions(request: GenerationRequest, { promptTokens, headerTokens }: ChatPrompt): DecodeLoopOptions {
    if (promptTokens.length + request.n * (request.maxNewTokens + headerTokens.length) > this.settings.contextSize) {
      throw new GlovError(
        `The prompt (${promptTokens.length} tokens) plus ${request.n} x ${request.maxNewTokens} new tokens exceeds the context size ${this.settings.contextSize}.`,
        { code: 'context-too-small', hint: 'Raise contextSize, or lower n or maxNewTokens.' },
      );
    }
    return {
      promptTokens,
      n: request.n,
      maxNewTokens: request.maxNewTokens + headerTokens.length,
      sampling: request.sampling,
      steering: toLayerOffset(request.steering),
      isEog: (token) => this.native.isEog(token),
      vocabularySize: this.native.vocabularySize,
      batchSize: this.settings.batchSize,
    };
  }

  /** Strip a self-written header, apply the budget after it, and detokenize without special tokens. */
  private decodeReply(sample: number[], headerTokens: number[], maxNewTokens: number): string {
    let body = sample;
    if (headerTokens.length > 0 && headerTokens.every((token, index) => sample[index] === token)) {
      body = sample.slice(headerTokens.length);
    }
    return this.model.detokenize(body.slice(0, maxNewTokens) as Token[], false);
  }

  private tokenizePlainText(text: string): number[] {
    const tokens = this.model.tokenize(text, false) as number[];
    const bos = this.model.tokens.bos;
    return this.model.tokens.shouldPrependBosToken && bos !== null ? [bos, ...tokens] : tokens;
  }

  private captureShape() {
    return { layerCount: this.layerCount, embeddingLength: this.embeddingLength, batchSize: this.settings.probeContextSize };
  }

  private checkLayer(layer: number, minimum: number): void {
    if (!Number.isInteger(layer) || layer < minimum || layer >= this.layerCount) {
      throw new GlovError(`Layer ${layer} is out of range for a model with ${this.layerCount} blocks.`, {
        code: 'layer-out-of-range',
        hint: `Pass a 0-based block index from ${minimum} to ${this.layerCount - 1}.`,
      });
    }
  }

  private checkRequest(request: GenerationRequest): void {
    validateSampling(request.sampling);
    if (!Number.isInteger(request.n) || request.n < 1 || request.n > this.settings.maxSequences) {
      throw new GlovError(`Invalid sample count n=${request.n}.`, {
        code: 'invalid-sample-count',
        hint: `Pass n from 1 to maxSequences (${this.settings.maxSequences}).`,
      });
    }
    if (!Number.isInteger(request.maxNewTokens) || request.maxNewTokens < 1) {
      throw new GlovError(`Invalid maxNewTokens=${request.maxNewTokens}.`, { code: 'invalid-token-budget', hint: 'Pass an integer >= 1 (default 50).' });
    }
    const steering = request.steering;
    if (steering) {
      this.checkLayer(steering.layer, 1);
      if (steering.vector.length !== this.embeddingLength) {
        throw new GlovError(`Steering vector length ${steering.vector.length} does not match the model width ${this.embeddingLength}.`, {
          code: 'steering-vector-length',
          hint: 'Compute the vector with captureMeanHiddenStates on the same model.',
        });
      }
    }
  }

  /** Run `task` after every earlier call: each native context takes one call at a time. */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task, task);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

function toLayerOffset(steering: SteeringRequest | null | undefined): LayerOffset | null {
  if (!steering || steering.alpha === 0) {
    return null;
  }
  const offset = steering.vector.map((value) => value * steering.alpha);
  return { layer: steering.layer, offset, mode: steering.mode };
}

/** sha256 of the file size and its first 16 MiB: stable per weights file, cheap for multi-GB models. */
async function fingerprintFile(filePath: string, size: number): Promise<string> {
  const handle = await open(filePath, 'r');
  try {
    const head = Buffer.alloc(Math.min(size, 16 * 1024 * 1024));
    await handle.read(head, 0, head.length, 0);
    return createHash('sha256').update(String(size)).update(head).digest('hex').slice(0, 16);
  } finally {
    await handle.close();
  }
}

/** Load a GGUF chat model as the GLOV optimizer LLM. */
export function loadLlamaOptimizer(options: LlamaOptimizerOptions): Promise<LlamaOptimizer> {
  return LlamaOptimizer.load(options);
}
