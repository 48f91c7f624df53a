/**
 * CLIP image preprocessing: shorter side to the target size with PIL's
 * bicubic filter, center crop, scale to [0, 1], normalize per channel.
 *
 * This follows OpenAI CLIP's torchvision pipeline step by step: the longer
 * side becomes trunc(size * long / short), and the crop offset is
 * round((resized - crop) / 2) with round-half-to-even, as Python's round does.
 * Hugging Face's CLIPImageProcessor floors that offset instead, so it can sit
 * one pixel off for an odd margin. The float steps run in float32 like torch:
 * x / 255, then (x - mean) / std.
 *
 * Images are converted to RGB before resizing. For RGB and grayscale sources
 * that gives the same bytes as OpenAI's order (resize, then convert).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import type { RgbImage } from '../data/image-decode.js';
import { GlovError } from '../errors.js';
import { resizeBicubicPil } from './pil-resample.js';

/** Settings read from preprocessor_config.json. */
export interface PreprocessConfig {
  /** Target length of the shorter side after resizing, in pixels. */
  shortestEdge: number;
  cropHeight: number;
  cropWidth: number;
  /** Per-channel mean and standard deviation, RGB order, on the [0, 1] scale. */
  mean: [number, number, number];
  std: [number, number, number];
  /** Factor from 8-bit values to the model's scale (1/255 for CLIP). */
  rescaleFactor: number;
}

/** OpenAI CLIP's settings, used when a folder has no preprocessor_config.json. */
export const OPENAI_CLIP_PREPROCESS: PreprocessConfig = {
  shortestEdge: 224,
  cropHeight: 224,
  cropWidth: 224,
  mean: [0.48145466, 0.4578275, 0.40821073],
  std: [0.26862954, 0.26130258, 0.27577711],
  rescaleFactor: 1 / 255,
};

type SizeField = number | { shortest_edge?: number; height?: number; width?: number } | undefined;

/** Read preprocessor_config.json from a model folder; absent fields keep OpenAI CLIP's values. */
export function loadPreprocessConfig(modelDir: string): PreprocessConfig {
  const file = path.join(modelDir, 'preprocessor_config.json');
  if (!fs.existsSync(file)) return { ...OPENAI_CLIP_PREPROCESS };

  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    size?: SizeField;
    crop_size?: SizeField;
    image_mean?: number[];
    image_std?: number[];
    rescale_factor?: number;
    resample?: number;
    do_center_crop?: boolean;
    do_normalize?: boolean;
  };
  // PIL's resample codes: 3 is BICUBIC, the only filter implemented here.
  if (raw.resample !== undefined && raw.resample !== 3) {
    throw new GlovError(`Unsupported resample filter ${raw.resample} in ${file}.`, {
      code: 'preprocess-unsupported',
      hint: 'Only bicubic resizing (resample 3) is implemented, which every CLIP export uses.',
    });
  }
  if (raw.do_center_crop === false || raw.do_normalize === false) {
    throw new GlovError(`Preprocessing without center crop or normalization is not supported: ${file}.`, {
      code: 'preprocess-unsupported',
      hint: 'Use a CLIP export whose preprocessor_config.json enables do_center_crop and do_normalize.',
    });
  }

  const size = raw.size;
  const shortestEdge = typeof size === 'number' ? size : (size?.shortest_edge ?? size?.height ?? OPENAI_CLIP_PREPROCESS.shortestEdge);
  const crop = raw.crop_size;
  const cropHeight = typeof crop === 'number' ? crop : (crop?.height ?? shortestEdge);
  const cropWidth = typeof crop === 'number' ? crop : (crop?.width ?? shortestEdge);
  const mean = raw.image_mean ?? OPENAI_CLIP_PREPROCESS.mean;
  const std = raw.image_std ?? OPENAI_CLIP_PREPROCESS.std;
  if (mean.length !== 3 || std.length !== 3) {
    throw new GlovError(`image_mean and image_std in ${file} must have 3 values each.`, { code: 'preprocess-invalid' });
  }
  return {
    shortestEdge,
    cropHeight,
    cropWidth,
    mean: [mean[0], mean[1], mean[2]] as [number, number, number],
    std: [std[0], std[1], std[2]] as [number, number, number],
    rescaleFactor: raw.rescale_factor ?? 1 / 255,
  };
}

/** Short stable hash of the preprocessing, for image-embedding cache keys. */
export function preprocessHash(config: PreprocessConfig): string {
  const canonical = JSON.stringify({ version: 'pil-bicubic-torchvision-crop-1', ...config });
  return crypto.createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

/** Python's round(): halves go to the even neighbour. */
function roundHalfToEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Size after resizing the shorter side to `shortestEdge`, as torchvision's Resize(int) computes it. */
export function resizedSize(width: number, height: number, shortestEdge: number): { width: number; height: number } {
  if (width <= height) {
    return { width: shortestEdge, height: Math.trunc((shortestEdge * height) / width) };
  }
  return { width: Math.trunc((shortestEdge * width) / height), height: shortestEdge };
}

/** Resize and center-crop to 8-bit RGB, row-major [cropHeight, cropWidth, 3]. */
export function resizeAndCrop(image: RgbImage, config: PreprocessConfig): RgbImage {
  const target = resizedSize(image.width, image.height, config.shortestEdge);
  const resized = resizeBicubicPil(image.data, image.width, image.height, 3, target.width, target.height);
  if (target.width < config.cropWidth || target.height < config.cropHeight) {
    throw new GlovError(`Crop ${config.cropWidth}x${config.cropHeight} is larger than the resized image ${target.width}x${target.height}.`, {
      code: 'preprocess-invalid',
      hint: 'Set crop_size no larger than size.shortest_edge in preprocessor_config.json.',
    });
  }
  const top = roundHalfToEven((target.height - config.cropHeight) / 2);
  const left = roundHalfToEven((target.width - config.cropWidth) / 2);

  const cropped = new Uint8Array(config.cropWidth * config.cropHeight * 3);
  for (let y = 0; y < config.cropHeight; y++) {
    const from = ((top + y) * target.width + left) * 3;
    cropped.set(resized.subarray(from, from + config.cropWidth * 3), y * config.cropWidth * 3);
  }
  return { width: config.cropWidth, height: config.cropHeight, data: cropped };
}

/**
 * Convert a cropped RGB image to the model's float input, channel-first
 * [3, height, width], written into `out` at `offset` (so a batch fills one buffer).
 */
export function normalizeToChw(crop: RgbImage, config: PreprocessConfig, out: Float32Array, offset = 0): void {
  const plane = crop.width * crop.height;
  const f = Math.fround;
  for (let c = 0; c < 3; c++) {
    const mean = f(config.mean[c] as number);
    const std = f(config.std[c] as number);
    for (let i = 0; i < plane; i++) {
      // Three float32 roundings, as torch's div(255), sub(mean), div(std).
      const scaled = f((crop.data[i * 3 + c] as number) * config.rescaleFactor);
      out[offset + c * plane + i] = f(f(scaled - mean) / std);
    }
  }
}

/** Run the whole preprocessing on a decoded image; returns [3, cropHeight, cropWidth]. */
export function preprocessImage(image: RgbImage, config: PreprocessConfig): Float32Array {
  const out = new Float32Array(3 * config.cropHeight * config.cropWidth);
  normalizeToChw(resizeAndCrop(image, config), config, out);
  return out;
}
