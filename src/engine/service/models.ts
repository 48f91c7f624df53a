/**
 * Model files as the app shows them: size, architecture, layer count and default steering layer.
 *
 * GGUF metadata is read straight from the file header (GGUF v2/v3 layout,
 * github.com/ggml-org/ggml docs/gguf.md), so inspecting a model never loads
 * its weights. An ONNX VLM is a folder of `.onnx` files with an optional
 * `config.json`.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

import type { ModelInfo } from '../api.js';
import { GlovError } from '../errors.js';
import { defaultLayer } from '../optimizer/config.js';

/** GGUF value type ids. */
const ggufType = {
  uint8: 0,
  int8: 1,
  uint16: 2,
  int16: 3,
  uint32: 4,
  int32: 5,
  float32: 6,
  bool: 7,
  string: 8,
  array: 9,
  uint64: 10,
  int64: 11,
  float64: 12,
} as const;

const fixedSizes: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

/** Reads a file front to back in chunks, so large token arrays can be skipped without loading them. */
class FileCursor {
  private buffer = Buffer.alloc(0);
  private bufferStart = 0;
  position = 0;

  constructor(private readonly fd: number) {}

  private ensure(length: number): void {
    const end = this.position + length;
    if (this.position >= this.bufferStart && end <= this.bufferStart + this.buffer.length) {
      return;
    }
    const size = Math.max(length, 1 << 20);
    const chunk = Buffer.alloc(size);
    const bytesRead = readSync(this.fd, chunk, 0, size, this.position);
    if (bytesRead < length) {
      throw new Error('unexpected end of file');
    }
    this.buffer = chunk.subarray(0, bytesRead);
    this.bufferStart = this.position;
  }

  take(length: number): Buffer {
    this.ensure(length);
    const offset = this.position - this.bufferStart;
    this.position += length;
    return this.buffer.subarray(offset, offset + length);
  }

  uint32(): number {
    return this.take(4).readUInt32LE(0);
  }

  uint64(): number {
    return Number(this.take(8).readBigUInt64LE(0));
  }

  string(): string {
    return this.take(this.uint64()).toString('utf8');
  }
}

function readValue(cursor: FileCursor, type: number): unknown {
  switch (type) {
    case ggufType.uint8:
      return cursor.take(1).readUInt8(0);
    case ggufType.int8:
      return cursor.take(1).readInt8(0);
    case ggufType.uint16:
      return cursor.take(2).readUInt16LE(0);
    case ggufType.int16:
      return cursor.take(2).readInt16LE(0);
    case ggufType.uint32:
      return cursor.uint32();
    case ggufType.int32:
      return cursor.take(4).readInt32LE(0);
    case ggufType.float32:
      return cursor.take(4).readFloatLE(0);
    case ggufType.bool:
      return cursor.take(1).readUInt8(0) !== 0;
    case ggufType.string:
      return cursor.string();
    case ggufType.uint64:
      return cursor.uint64();
    case ggufType.int64:
      return Number(cursor.take(8).readBigInt64LE(0));
    case ggufType.float64:
      return cursor.take(8).readDoubleLE(0);
    case ggufType.array: {
      // Arrays (vocabularies, merges) are skipped, because the app shows only scalars.
      const itemType = cursor.uint32();
      const count = cursor.uint64();
      const itemSize = fixedSizes[itemType];
      if (itemSize !== undefined) {
        cursor.position += itemSize * count;
      } else {
        for (let index = 0; index < count; index += 1) {
          readValue(cursor, itemType);
        }
      }
      return undefined;
    }
    default:
      throw new Error(`unknown GGUF value type ${type}`);
  }
}

/** Read the scalar metadata of a GGUF file. */
export function readGgufMetadata(file: string): Map<string, unknown> {
  const fd = openSync(file, 'r');
  try {
    const cursor = new FileCursor(fd);
    if (cursor.take(4).toString('latin1') !== 'GGUF') {
      throw new Error('missing GGUF magic bytes');
    }
    const version = cursor.uint32();
    if (version < 2) {
      throw new Error(`GGUF version ${version} is not supported (need 2 or later)`);
    }
    cursor.uint64(); // tensor count
    const keyCount = cursor.uint64();
    const metadata = new Map<string, unknown>();
    for (let index = 0; index < keyCount; index += 1) {
      const key = cursor.string();
      const value = readValue(cursor, cursor.uint32());
      if (value !== undefined) {
        metadata.set(key, value);
      }
    }
    return metadata;
  } finally {
    closeSync(fd);
  }
}

/** Describe a GGUF LLM file. */
export async function inspectLlm(file: string): Promise<ModelInfo> {
  const resolved = path.resolve(file);
  const info = await stat(resolved).catch(() => null);
  if (!info?.isFile()) {
    throw new GlovError(`LLM file not found: ${resolved}.`, {
      code: 'llm-not-found',
      hint: 'Choose a .gguf file of an instruction-tuned model.',
    });
  }
  let metadata: Map<string, unknown>;
  try {
    metadata = readGgufMetadata(resolved);
  } catch (error) {
    throw new GlovError(`Not a readable GGUF file: ${resolved} (${(error as Error).message}).`, {
      code: 'llm-invalid-gguf',
      hint: 'Choose a .gguf file made by llama.cpp (GGUF version 2 or later).',
      cause: error,
    });
  }
  const architecture = String(metadata.get('general.architecture') ?? 'unknown');
  const blockCount = metadata.get(`${architecture}.block_count`);
  const embeddingLength = metadata.get(`${architecture}.embedding_length`);
  const layerCount = typeof blockCount === 'number' ? blockCount : null;
  const warnings: string[] = [];
  if (layerCount === null) {
    warnings.push(`The file has no ${architecture}.block_count key, so the steering layer must be set by hand.`);
  }
  if (metadata.get('tokenizer.chat_template') === undefined) {
    warnings.push('The file has no chat template; GLOV needs an instruction-tuned chat model.');
  }
  return {
    kind: 'llm',
    path: resolved,
    fileName: path.basename(resolved),
    sizeBytes: info.size,
    architecture,
    layerCount,
    defaultSteeringLayer: layerCount === null ? null : defaultLayer(layerCount),
    embeddingLength: typeof embeddingLength === 'number' ? embeddingLength : null,
    warnings,
  };
}

/** Describe an ONNX VLM folder (CLIP text and image towers). */
export async function inspectVlm(folder: string): Promise<ModelInfo> {
  const resolved = path.resolve(folder);
  const info = await stat(resolved).catch(() => null);
  const directory = info?.isDirectory() ? resolved : info?.isFile() ? path.dirname(resolved) : null;
  if (directory === null) {
    throw new GlovError(`VLM folder not found: ${resolved}.`, {
      code: 'vlm-not-found',
      hint: 'Choose the folder of a CLIP export with its .onnx files.',
    });
  }
  // Exports in the Hugging Face / transformers.js layout keep the graphs in an onnx/ subfolder.
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
  const onnxFiles = files.filter((file) => file.endsWith('.onnx')).map((file) => path.relative(directory, file));
  if (onnxFiles.length === 0) {
    throw new GlovError(`No .onnx files in ${directory} or its subfolders.`, {
      code: 'vlm-no-onnx',
      hint: 'Choose the folder of a CLIP export with its .onnx files (directly or in an onnx/ subfolder).',
    });
  }
  let sizeBytes = 0;
  for (const file of files) {
    sizeBytes += (await stat(file)).size;
  }
  const config = await readFile(path.join(directory, 'config.json'), 'utf8')
    .then((text) => JSON.parse(text) as Record<string, unknown>)
    .catch(() => null);
  const architectures = config?.architectures;
  const architecture =
    Array.isArray(architectures) && typeof architectures[0] === 'string'
      ? architectures[0]
      : typeof config?.model_type === 'string'
        ? config.model_type
        : `ONNX (${onnxFiles.join(', ')})`;
  const visionConfig = config?.vision_config as Record<string, unknown> | undefined;
  const layers = visionConfig?.num_hidden_layers;
  const projection = config?.projection_dim;
  return {
    kind: 'vlm',
    path: directory,
    fileName: path.basename(directory),
    sizeBytes,
    architecture,
    layerCount: typeof layers === 'number' ? layers : null,
    defaultSteeringLayer: null,
    embeddingLength: typeof projection === 'number' ? projection : null,
    warnings: config === null ? ['No config.json: architecture details are unknown.'] : [],
  };
}
