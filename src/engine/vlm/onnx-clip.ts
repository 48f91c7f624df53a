/**
 * A CLIP dual encoder run through ONNX Runtime (onnxruntime-node).
 *
 * Input and output names come from the sessions: `input_ids`,
 * `attention_mask` and `pixel_values` are fed when the graph declares them,
 * and the embedding is `text_embeds` / `image_embeds`, or else the first 2-D
 * output. Rows are L2-normalized here, whether or not the export does it.
 *
 * Execution providers: 'cpu' (default) and 'cuda'. CUDA needs onnxruntime-node's
 * CUDA 12 libraries, which its install script downloads only when asked
 * (ONNXRUNTIME_NODE_INSTALL=cuda12); the default CPU install skips them.
 */
import path from 'node:path';

import * as ort from 'onnxruntime-node';

import { decodeImageRgb } from '../data/image-decode.js';
import { GlovError } from '../errors.js';
import { createLogger } from '../log.js';
import { type ClipTokenizer, loadClipTokenizer } from './clip-tokenizer.js';
import { loadPreprocessConfig, normalizeToChw, type PreprocessConfig, preprocessHash, resizeAndCrop } from './image-preprocess.js';
import { type ClipOnnxFiles, findClipOnnxFiles, fingerprintFiles } from './onnx-model-folder.js';
import type { DualEncoderVlm } from './types.js';

const log = createLogger('vlm.onnx-clip');

export type ExecutionProvider = 'cpu' | 'cuda';

export interface OnnxClipOptions {
  /** Folder in the Hugging Face / transformers.js layout (see onnx-model-folder.ts). */
  modelDir: string;
  /** Where the graphs run; 'cuda' needs onnxruntime-node's CUDA 12 libraries. */
  executionProvider?: ExecutionProvider;
  /** Use the `_quantized.onnx` files instead of the full-precision ones. */
  quantized?: boolean;
  /** Threads of one graph run; ONNX Runtime picks the core count when unset. */
  intraOpThreads?: number;
  /** Texts per text-tower call. 256 keeps a real CLIP's activations at 77 tokens under about 1 GiB. */
  textBatchSize?: number;
  /** Images per vision-tower call; 50 is the reference implementation's batch size. */
  imageBatchSize?: number;
  /** Pad each text batch to 77 tokens ('context', like the original) or to its longest text ('longest', faster). */
  padTo?: 'context' | 'longest';
}

/** Divide each row by its L2 norm in place; all-zero rows stay zero. */
export function normalizeRows(data: Float32Array, dim: number): Float32Array {
  for (let offset = 0; offset < data.length; offset += dim) {
    let sum = 0;
    for (let j = 0; j < dim; j++) sum += (data[offset + j] as number) ** 2;
    const norm = Math.sqrt(sum);
    if (norm > 0) for (let j = 0; j < dim; j++) data[offset + j] = (data[offset + j] as number) / norm;
  }
  return data;
}

function pickEmbeddingOutput(outputs: ort.InferenceSession.OnnxValueMapType, preferred: string, file: string): ort.Tensor {
  const named = outputs[preferred];
  if (named) return named as ort.Tensor;
  for (const value of Object.values(outputs)) {
    const tensor = value as ort.Tensor;
    if (tensor.dims.length === 2) return tensor;
  }
  throw new GlovError(`ONNX model ${file} has no ${preferred} output and no 2-D output to use as the embedding.`, {
    code: 'model-invalid',
    hint: 'Export the tower with its projection head (for example CLIPTextModelWithProjection / CLIPVisionModelWithProjection).',
  });
}

function toFloat32(tensor: ort.Tensor, file: string): Float32Array {
  if (tensor.type !== 'float32') {
    throw new GlovError(`ONNX model ${file} returns ${tensor.type} embeddings; only float32 is supported.`, {
      code: 'model-unsupported',
      hint: 'Use a float32 or int8-quantized export (quantized exports keep float32 outputs).',
    });
  }
  return Float32Array.from(tensor.data as Float32Array);
}

export class OnnxClip implements DualEncoderVlm {
  readonly family = 'dual-encoder' as const;
  readonly contextLength: number;
  readonly preprocessHash: string;

  private constructor(
    readonly fingerprint: string,
    readonly embeddingDim: number,
    readonly tokenizer: ClipTokenizer,
    readonly preprocess: PreprocessConfig,
    private readonly textSession: ort.InferenceSession,
    private readonly visionSession: ort.InferenceSession,
    private readonly files: ClipOnnxFiles,
    private readonly options: Required<Pick<OnnxClipOptions, 'textBatchSize' | 'imageBatchSize' | 'padTo'>>,
  ) {
    this.contextLength = tokenizer.contextLength;
    this.preprocessHash = preprocessHash(preprocess);
  }

  /** Load tokenizer, preprocessing settings and ONNX sessions from a model folder. */
  static async load(options: OnnxClipOptions): Promise<OnnxClip> {
    const { modelDir, executionProvider = 'cpu', quantized = false, intraOpThreads, textBatchSize = 256, imageBatchSize = 50, padTo = 'longest' } = options;
    const files = findClipOnnxFiles(modelDir, { quantized });
    const tokenizer = loadClipTokenizer(modelDir);
    const preprocess = loadPreprocessConfig(modelDir);

    const sessionOptions: ort.InferenceSession.SessionOptions = {
      executionProviders: [executionProvider],
      graphOptimizationLevel: 'all',
      ...(intraOpThreads === undefined ? {} : { intraOpNumThreads: intraOpThreads }),
    };
    const open = async (file: string): Promise<ort.InferenceSession> => {
      try {
        return await ort.InferenceSession.create(file, sessionOptions);
      } catch (error) {
        const hint =
          executionProvider === 'cuda'
            ? 'CUDA needs an NVIDIA driver and the CUDA 12 libraries of onnxruntime-node (reinstall with ONNXRUNTIME_NODE_INSTALL=cuda12), or use executionProvider "cpu".'
            : 'Check that the file is a complete ONNX export; re-export it if it was truncated.';
        throw new GlovError(`Cannot load ONNX model ${file} on ${executionProvider}: ${(error as Error).message}`, { code: 'model-load-failed', hint, cause: error });
      }
    };

    let textSession: ort.InferenceSession;
    let visionSession: ort.InferenceSession;
    if (files.kind === 'separate') {
      textSession = await open(files.textModel);
      visionSession = await open(files.visionModel);
    } else {
      // NOTE: no test covers a combined model.onnx yet; the dummy inputs below follow the Hugging Face CLIPModel export.
      textSession = await open(files.model);
      visionSession = textSession;
    }

    const modelFiles = files.kind === 'separate' ? [files.textModel, files.visionModel] : [files.model];
    const fingerprint = fingerprintFiles(modelFiles, JSON.stringify({ pad: tokenizer.padId, context: tokenizer.contextLength, preprocess: preprocessHash(preprocess) }));

    const partial = new OnnxClip(fingerprint, 0, tokenizer, preprocess, textSession, visionSession, files, { textBatchSize, imageBatchSize, padTo });
    // The embedding width is read from one probe call, which works for every export whatever its metadata says.
    const probe = await partial.runText(['a']);
    const model = new OnnxClip(fingerprint, probe.length, tokenizer, preprocess, textSession, visionSession, files, { textBatchSize, imageBatchSize, padTo });
    log.info(`loaded ${path.resolve(modelDir)} (${files.kind} towers, ${executionProvider}, dim ${model.embeddingDim}, fingerprint ${fingerprint})`);
    return model;
  }

  countTokens(text: string): number {
    return this.tokenizer.countTokens(text);
  }

  async embedTexts(texts: readonly string[]): Promise<Float32Array> {
    const out = new Float32Array(texts.length * this.embeddingDim);
    for (let start = 0; start < texts.length; start += this.options.textBatchSize) {
      const rows = await this.runText(texts.slice(start, start + this.options.textBatchSize));
      out.set(rows, start * this.embeddingDim);
    }
    return normalizeRows(out, this.embeddingDim);
  }

  async embedImages(files: readonly string[], options: { onProgress?: (done: number, total: number) => void } = {}): Promise<Float32Array> {
    const { cropHeight, cropWidth } = this.preprocess;
    const imageSize = 3 * cropHeight * cropWidth;
    const out = new Float32Array(files.length * this.embeddingDim);

    for (let start = 0; start < files.length; start += this.options.imageBatchSize) {
      const batchFiles = files.slice(start, start + this.options.imageBatchSize);
      const pixels = new Float32Array(batchFiles.length * imageSize);
      // Decode one after another: sharp already uses its own thread pool per image.
      for (let i = 0; i < batchFiles.length; i++) {
        const image = await decodeImageRgb(batchFiles[i] as string);
        normalizeToChw(resizeAndCrop(image, this.preprocess), this.preprocess, pixels, i * imageSize);
      }
      const rows = await this.runVision(pixels, batchFiles.length);
      out.set(rows, start * this.embeddingDim);
      options.onProgress?.(start + batchFiles.length, files.length);
    }
    return normalizeRows(out, this.embeddingDim);
  }

  async dispose(): Promise<void> {
    await this.textSession.release();
    if (this.visionSession !== this.textSession) await this.visionSession.release();
  }

  private textFile(): string {
    return this.files.kind === 'separate' ? this.files.textModel : this.files.model;
  }

  private visionFile(): string {
    return this.files.kind === 'separate' ? this.files.visionModel : this.files.model;
  }

  private async runText(texts: readonly string[]): Promise<Float32Array> {
    const batch = this.tokenizer.encodeBatch(texts, { padTo: this.options.padTo });
    const dims = [batch.batchSize, batch.sequenceLength];
    const feeds: Record<string, ort.Tensor> = {};
    const inputs = this.textSession.inputNames;
    if (inputs.includes('input_ids')) feeds.input_ids = new ort.Tensor('int64', batch.inputIds, dims);
    if (inputs.includes('attention_mask')) feeds.attention_mask = new ort.Tensor('int64', batch.attentionMask, dims);
    if (inputs.includes('pixel_values')) {
      // A combined graph needs an image too; one blank image is the cheapest valid input.
      feeds.pixel_values = new ort.Tensor('float32', new Float32Array(3 * this.preprocess.cropHeight * this.preprocess.cropWidth), [1, 3, this.preprocess.cropHeight, this.preprocess.cropWidth]);
    }
    const outputs = await this.textSession.run(feeds);
    return toFloat32(pickEmbeddingOutput(outputs, 'text_embeds', this.textFile()), this.textFile());
  }

  private async runVision(pixels: Float32Array, count: number): Promise<Float32Array> {
    const { cropHeight, cropWidth } = this.preprocess;
    const feeds: Record<string, ort.Tensor> = { pixel_values: new ort.Tensor('float32', pixels, [count, 3, cropHeight, cropWidth]) };
    const inputs = this.visionSession.inputNames;
    if (inputs.includes('input_ids')) {
      // A combined graph needs a text too: the shortest valid one, start and end tokens.
      const ids = BigInt64Array.from([BigInt(this.tokenizer.startId), BigInt(this.tokenizer.endId)]);
      feeds.input_ids = new ort.Tensor('int64', ids, [1, 2]);
      if (inputs.includes('attention_mask')) feeds.attention_mask = new ort.Tensor('int64', BigInt64Array.from([1n, 1n]), [1, 2]);
    }
    const outputs = await this.visionSession.run(feeds);
    return toFloat32(pickEmbeddingOutput(outputs, 'image_embeds', this.visionFile()), this.visionFile());
  }
}

/** Load a CLIP model from a folder; see OnnxClipOptions for the settings. */
export function loadOnnxClip(options: OnnxClipOptions): Promise<OnnxClip> {
  return OnnxClip.load(options);
}
