/**
 * Typed loader for the native hook (native/build/glov_guidance.node, built by scripts/build-native.sh).
 *
 * The addon resolves llama.cpp symbols from the libllama that node-llama-cpp has already loaded, so it
 * must be attached after a model is loaded. See native/src/glov_guidance.cc for the contract.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { GlovError } from '../errors.js';

/** Our view of one llama_model owned by node-llama-cpp. */
export interface NativeModel {
  readonly embeddingLength: number;
  readonly layerCount: number;
  readonly vocabularySize: number;
  /** Path of the libllama the symbols were resolved from (CPU, CUDA or Vulkan build). */
  readonly libraryPath: string;
  /** llama_vocab_is_eog: true for EOS, EOT and every other end-of-generation token of the vocabulary. */
  isEog(token: number): boolean;
}

export interface NativeContextOptions {
  contextSize: number;
  /** Max tokens per decode call; also the micro-batch size. */
  batchSize: number;
  /** Max parallel sequences (n_seq_max). */
  sequences: number;
  threads: number;
  /** KV cache element type; llama.cpp's default is 'f16'. */
  kvCacheType?: 'f16' | 'f32';
  /**
   * Flash attention: 'auto' (llama.cpp's default) turns it on wherever the backend supports it, the
   * CPU included. On the CPU, decodes of >= 64 queries use a tiled kernel that rounds differently
   * (about 1e-3 relative), so contexts that must agree to rounding use 'off'. Default 'auto'.
   */
  flashAttention?: 'auto' | 'on' | 'off';
  /** Install the eval callback for hidden-state capture and last-position offsets. */
  probe: boolean;
}

/** Our own llama_context on a node-llama-cpp model. One call at a time: await each before the next. */
export interface NativeContext {
  /** Evaluate tokens; resolves the logits of the listed batch rows, concatenated (rows x vocabulary). */
  decode(tokens: Int32Array, positions: Int32Array, seqIds: Int32Array, logitRows: Int32Array): Promise<Float32Array>;
  /** Add `vector` to the output of block `layer` (1 .. layerCount-1) at every evaluated position; null clears. */
  setControlVector(layer: number | null, vector?: Float32Array): void;
  seqRemove(seqId: number, fromPosition: number, toPosition: number): boolean;
  seqCopy(sourceSeqId: number, targetSeqId: number, fromPosition: number, toPosition: number): void;
  clearMemory(): void;
  /** Probe contexts: record the output of block `layer` for every evaluated row; null stops. */
  setCapture(layer: number | null): void;
  /** Probe contexts: rows captured since the last call (rows x embeddingLength). */
  takeCaptured(): Float32Array;
  /** Probe contexts: add `vector` to block `layer`'s output at the last row of each decode; null clears. */
  setLastRowOffset(layer: number | null, vector?: Float32Array): void;
  /**
   * Add `vector` to block `layer`'s output at every row of each decode; null clears. The same sum as
   * setControlVector, but through the eval callback, so switching it costs no graph re-reservation.
   */
  setRowsOffset(layer: number | null, vector?: Float32Array): void;
  dispose(): void;
}

interface NativeAddon {
  Model: new (addonModel: object) => NativeModel;
  Context: new (model: NativeModel, options: NativeContextOptions) => NativeContext;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Default location of the built addon; GLOV_NATIVE_ADDON overrides it. */
export const nativeAddonPath = process.env.GLOV_NATIVE_ADDON ?? path.join(repoRoot, 'native', 'build', 'glov_guidance.node');

let addon: NativeAddon | undefined;

/** Load the addon once. */
export function loadNativeAddon(): NativeAddon {
  if (addon) {
    return addon;
  }
  if (!existsSync(nativeAddonPath)) {
    throw new GlovError(`Native guidance addon not found: ${nativeAddonPath}.`, {
      code: 'native-addon-missing',
      hint: 'Run scripts/build-native.sh to build it.',
    });
  }
  const require = createRequire(import.meta.url);
  addon = require(nativeAddonPath) as NativeAddon;
  return addon;
}

/** Attach to a node-llama-cpp LlamaModel through its internal AddonModel (`_model`, node-llama-cpp 3.22.1). */
export function attachNativeModel(llamaModel: object): NativeModel {
  const addonModel = (llamaModel as { _model?: object })._model;
  if (addonModel === undefined) {
    throw new GlovError('The LlamaModel has no _model field; node-llama-cpp internals changed.', {
      code: 'node-llama-cpp-mismatch',
      hint: 'Install node-llama-cpp 3.22.1, the version the guidance hook was written for.',
    });
  }
  return new (loadNativeAddon().Model)(addonModel);
}

export function createNativeContext(model: NativeModel, options: NativeContextOptions): NativeContext {
  return new (loadNativeAddon().Context)(model, options);
}
