/**
 * Image decoding to raw 8-bit RGB through sharp (libvips).
 *
 * sharp only decodes here. Resizing happens in vlm/pil-resample.ts so that it
 * matches PIL bit for bit. Grayscale, grayscale+alpha, CMYK and palette images
 * are converted to RGB, and an alpha channel is dropped.
 */
import sharp from 'sharp';

import { GlovError } from '../errors.js';

/** An image as interleaved 8-bit RGB, row-major. */
export interface RgbImage {
  width: number;
  height: number;
  /** Length width * height * 3. */
  data: Uint8Array;
}

/** Decode an image file to RGB; throws a GlovError naming the file when it cannot be read or decoded. */
export async function decodeImageRgb(file: string): Promise<RgbImage> {
  try {
    // failOn 'error' rejects truncated or corrupt files instead of returning partly grey pixels.
    const { data, info } = await sharp(file, { failOn: 'error' })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) {
      throw new Error(`decoded to ${info.channels} channels, expected 3`);
    }
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (error) {
    throw new GlovError(`Cannot decode image ${file}: ${(error as Error).message}.`, {
      code: 'image-unreadable',
      hint: 'Replace or delete the file; the dataset must contain only readable JPEG, PNG, WebP, GIF or TIFF images.',
      cause: error,
    });
  }
}
