/**
 * Checks that a resolved path contains the kind of model its role needs, before
 * a runtime tries to load it and fails with a less helpful message.
 */
import fs from 'node:fs';
import path from 'node:path';

import { GlovError } from '../errors.js';

/** Bytes 0-3 of every GGUF file. */
const GGUF_MAGIC = 'GGUF';
/** GGUF container versions accepted here. Current llama.cpp converters write version 3. */
const SUPPORTED_GGUF_VERSIONS = [2, 3];
/** First line of a Git LFS pointer file, which replaces a large file in a clone made without LFS. */
const LFS_POINTER_PREFIX = 'version https://git-lfs';

/** ONNX files a CLIP folder must have, in the Hugging Face / transformers.js export layout. */
export const CLIP_ONNX_FILES = ['onnx/text_model.onnx', 'onnx/vision_model.onnx'] as const;
/** Tokenizer files: tokenizer.json alone, or vocab.json with merges.txt. */
const CLIP_TOKENIZER_JSON = 'tokenizer.json';
const CLIP_VOCAB_FILES = ['vocab.json', 'merges.txt'] as const;

export interface GgufHeader {
  version: number;
  sizeBytes: number;
}

/**
 * Check that `file` is a GGUF model: a regular file starting with the magic
 * 'GGUF' followed by a supported version. Returns the version and size.
 */
export function checkGgufFile(file: string): GgufHeader {
  const stats = statOrNull(file);
  if (stats === null) {
    throw new GlovError(`LLM file not found: ${file}.`, {
      code: 'model-not-found',
      hint: 'Pass the path of a .gguf file, an hf:ORG/REPO/FILE.gguf reference, or run scripts/fetch-models.sh for the default.',
    });
  }
  if (stats.isDirectory()) {
    const ggufFiles = listGgufFiles(file);
    const choice = ggufFiles.length > 0 ? ` It contains: ${ggufFiles.join(', ')}.` : ' It contains no .gguf file.';
    throw new GlovError(`LLM path is a folder, not a GGUF file: ${file}.${choice}`, {
      code: 'invalid-model-file',
      hint: 'Pass the path of the .gguf file itself.',
    });
  }

  const head = readHead(file, 64);
  if (startsWithLfsPointer(head)) {
    throw new GlovError(`LLM file is a Git LFS pointer, not the model: ${file}.`, {
      code: 'invalid-model-file',
      hint: 'Fetch the real file (git lfs pull, or download it again) and pass its path.',
    });
  }
  const magic = head.subarray(0, 4);
  if (head.length < 8 || magic.toString('latin1') !== GGUF_MAGIC) {
    throw new GlovError(
      `LLM file is not a GGUF model: ${file} starts with ${describeBytes(magic)}, expected "GGUF" (47 47 55 46).`,
      {
        code: 'invalid-model-file',
        hint: 'Pass a .gguf file. Convert other formats with llama.cpp (convert_hf_to_gguf.py) first.',
      },
    );
  }

  const version = head.readUInt32LE(4);
  if (!SUPPORTED_GGUF_VERSIONS.includes(version)) {
    throw new GlovError(
      `GGUF version ${version} of ${file} is not supported. Supported versions are ${SUPPORTED_GGUF_VERSIONS.join(' and ')}.`,
      { code: 'invalid-model-file', hint: 'Convert the model again with a current llama.cpp.' },
    );
  }
  return { version, sizeBytes: stats.size };
}

/**
 * Check that `folder` is a CLIP export in the Hugging Face / transformers.js
 * layout: both ONNX towers under onnx/ and a CLIP BPE tokenizer.
 * Every missing or unusable file is named in one error, so one fix is enough.
 */
export function checkClipFolder(folder: string): void {
  const stats = statOrNull(folder);
  if (stats === null) {
    throw new GlovError(`CLIP model folder not found: ${folder}.`, {
      code: 'model-not-found',
      hint: 'Pass a folder with onnx/text_model.onnx, onnx/vision_model.onnx and tokenizer files, or an hf:ORG/REPO reference such as hf:Xenova/clip-vit-base-patch32.',
    });
  }
  if (!stats.isDirectory()) {
    throw new GlovError(`CLIP model path is a file, not a folder: ${folder}.`, {
      code: 'invalid-model-folder',
      hint: 'Pass the folder that contains onnx/text_model.onnx and onnx/vision_model.onnx, not one of its files.',
    });
  }

  const problems: string[] = [];
  for (const relative of CLIP_ONNX_FILES) {
    const problem = describeOnnxProblem(path.join(folder, relative));
    if (problem !== null) {
      problems.push(`${relative} ${problem}`);
    }
  }

  const hasTokenizerJson = isNonEmptyFile(path.join(folder, CLIP_TOKENIZER_JSON));
  const hasVocabFiles = CLIP_VOCAB_FILES.every((name) => isNonEmptyFile(path.join(folder, name)));
  if (!hasTokenizerJson && !hasVocabFiles) {
    problems.push('tokenizer files are missing (tokenizer.json, or vocab.json with merges.txt)');
  }

  if (problems.length > 0) {
    throw new GlovError(`CLIP model folder ${folder} is incomplete: ${problems.join('; ')}.`, {
      code: 'invalid-model-folder',
      hint: 'Use a complete Hugging Face CLIP ONNX export (for example the layout of Xenova/clip-vit-base-patch32).',
    });
  }
}

/** Return why an ONNX file cannot be used, or null when it looks usable. */
function describeOnnxProblem(file: string): string | null {
  const stats = statOrNull(file);
  if (stats === null || !stats.isFile()) {
    return 'is missing';
  }
  if (stats.size === 0) {
    return 'is empty';
  }
  if (startsWithLfsPointer(readHead(file, 64))) {
    return 'is a Git LFS pointer, not the model';
  }
  return null;
}

function statOrNull(file: string): fs.Stats | null {
  try {
    return fs.statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return null;
    }
    throw error;
  }
}

function isNonEmptyFile(file: string): boolean {
  const stats = statOrNull(file);
  return stats !== null && stats.isFile() && stats.size > 0;
}

function readHead(file: string, length: number): Buffer {
  const handle = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const bytesRead = fs.readSync(handle, buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    fs.closeSync(handle);
  }
}

function startsWithLfsPointer(head: Buffer): boolean {
  return head.toString('latin1').startsWith(LFS_POINTER_PREFIX);
}

function listGgufFiles(folder: string): string[] {
  return fs
    .readdirSync(folder)
    .filter((name) => name.toLowerCase().endsWith('.gguf'))
    .sort();
}

/** Show bytes as hex and as printable text, for example `50 4b 03 04 ("PK..")`, or "no bytes" for an empty file. */
function describeBytes(bytes: Buffer): string {
  if (bytes.length === 0) {
    return 'no bytes (the file is empty)';
  }
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join(' ');
  const text = [...bytes].map((byte) => (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.')).join('');
  return `${hex} ("${text}")`;
}
