/**
 * Locate the ONNX files of a CLIP export in the Hugging Face /
 * transformers.js layout:
 *
 *   config.json, preprocessor_config.json, tokenizer.json or vocab.json + merges.txt
 *   onnx/text_model.onnx and onnx/vision_model.onnx   (separate towers), or
 *   onnx/model.onnx                                     (both towers in one graph)
 *
 * The same names without the onnx/ folder are accepted too. With `quantized`,
 * the `_quantized` variants (for example text_model_quantized.onnx) are used.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { GlovError } from '../errors.js';

export type ClipOnnxFiles =
  | { kind: 'separate'; textModel: string; visionModel: string }
  | { kind: 'combined'; model: string };

export function findClipOnnxFiles(modelDir: string, { quantized = false }: { quantized?: boolean } = {}): ClipOnnxFiles {
  if (!fs.existsSync(modelDir) || !fs.statSync(modelDir).isDirectory()) {
    throw new GlovError(`CLIP model folder not found: ${modelDir}.`, {
      code: 'model-not-found',
      hint: 'Pass a folder in the Hugging Face layout with onnx/text_model.onnx, onnx/vision_model.onnx and the tokenizer files.',
    });
  }
  const suffix = quantized ? '_quantized' : '';
  const candidates = (name: string): string[] => [path.join(modelDir, 'onnx', `${name}${suffix}.onnx`), path.join(modelDir, `${name}${suffix}.onnx`)];
  const first = (name: string): string | undefined => candidates(name).find((file) => fs.existsSync(file));

  const textModel = first('text_model');
  const visionModel = first('vision_model');
  if (textModel && visionModel) return { kind: 'separate', textModel, visionModel };

  const model = first('model');
  if (model) return { kind: 'combined', model };

  throw new GlovError(`No CLIP ONNX files in ${modelDir} (looked for text_model${suffix}.onnx with vision_model${suffix}.onnx, or model${suffix}.onnx, in onnx/ and the folder itself).`, {
    code: 'model-not-found',
    hint: quantized
      ? 'Drop the quantized option to use the full-precision files, or export quantized towers.'
      : 'Export both towers to ONNX, for example with Hugging Face Optimum, into the onnx/ subfolder.',
  });
}

const FINGERPRINT_SAMPLE_BYTES = 1 << 20;

/**
 * Fingerprint model files from their names, sizes and the sha256 of their
 * first and last MiB. Reading whole files of several hundred MB on every load
 * would be slow.
 * NOTE: an edit that keeps the size and leaves both ends untouched goes
 * unnoticed; re-exported weights change the ends in practice.
 */
export function fingerprintFiles(files: readonly string[], extra: string): string {
  const hash = crypto.createHash('sha256');
  hash.update(extra);
  for (const file of files) {
    const size = fs.statSync(file).size;
    hash.update(`\u0000${path.basename(file)}\u0000${size}\u0000`);
    const descriptor = fs.openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(Math.min(FINGERPRINT_SAMPLE_BYTES, size));
      fs.readSync(descriptor, buffer, 0, buffer.length, 0);
      hash.update(buffer);
      fs.readSync(descriptor, buffer, 0, buffer.length, Math.max(0, size - buffer.length));
      hash.update(buffer);
    } finally {
      fs.closeSync(descriptor);
    }
  }
  return hash.digest('hex').slice(0, 24);
}
