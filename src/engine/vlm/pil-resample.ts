/**
 * PIL's separable resampling for 8-bit images, ported to TypeScript.
 *
 * CLIP was trained on images resized by `PIL.Image.resize(..., BICUBIC)`, so
 * the workbench reproduces that routine (Pillow's libImaging/Resample.c):
 * one horizontal pass into an 8-bit intermediate image, then one vertical
 * pass. Each output pixel is a weighted sum over a window whose width grows
 * with the downscale factor, which is PIL's antialiasing. Weights are
 * normalized, then rounded to fixed point with 22 fraction bits, and sums are
 * rounded and clamped to 0..255 after each pass. Keeping those integer steps
 * gives the same bytes as PIL.
 */

/** Fraction bits of PIL's 8-bit fixed-point weights: 32 - 8 - 2. */
const PRECISION_BITS = 22;
const FIXED_ONE = 2 ** PRECISION_BITS;
const ROUNDING_OFFSET = 2 ** (PRECISION_BITS - 1);

/** Keys's cubic convolution with a = -0.5, PIL's BICUBIC filter; its support is 2 input pixels. */
function bicubicFilter(x: number): number {
  const a = -0.5;
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
}
const BICUBIC_SUPPORT = 2;

/** Per-output-pixel source window (first index, length) and fixed-point weights. */
interface Coefficients {
  windowSize: number;
  starts: Int32Array;
  lengths: Int32Array;
  weights: Int32Array;
}

function precomputeCoefficients(inSize: number, outSize: number): Coefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = BICUBIC_SUPPORT * filterScale;
  const windowSize = Math.ceil(support) * 2 + 1;

  const starts = new Int32Array(outSize);
  const lengths = new Int32Array(outSize);
  const weights = new Int32Array(outSize * windowSize);
  const row = new Float64Array(windowSize);

  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    // PIL truncates toward zero after adding 0.5 (a C cast), then clamps.
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;

    let total = 0;
    for (let x = 0; x < xmax; x++) {
      const w = bicubicFilter((x + xmin - center + 0.5) / filterScale);
      row[x] = w;
      total += w;
    }
    for (let x = 0; x < windowSize; x++) {
      const normalized = x < xmax && total !== 0 ? (row[x] as number) / total : 0;
      // C's (int) cast truncates toward zero, hence the symmetric rounding.
      weights[xx * windowSize + x] = normalized < 0 ? Math.trunc(-0.5 + normalized * FIXED_ONE) : Math.trunc(0.5 + normalized * FIXED_ONE);
    }
    starts[xx] = xmin;
    lengths[xx] = xmax;
  }
  return { windowSize, starts, lengths, weights };
}

function clampToByte(sum: number): number {
  // Math.floor equals C's arithmetic right shift, also for negative sums.
  const value = Math.floor(sum / FIXED_ONE);
  return value < 0 ? 0 : value > 255 ? 255 : value;
}

/** Resample interleaved 8-bit pixels (any channel count) with PIL's BICUBIC filter. */
export function resizeBicubicPil(
  data: Uint8Array,
  width: number,
  height: number,
  channels: number,
  outWidth: number,
  outHeight: number,
): Uint8Array {
  let current = data;
  let currentWidth = width;

  if (outWidth !== width) {
    const { windowSize, starts, lengths, weights } = precomputeCoefficients(width, outWidth);
    const next = new Uint8Array(outWidth * height * channels);
    for (let y = 0; y < height; y++) {
      const rowOffset = y * width * channels;
      for (let xx = 0; xx < outWidth; xx++) {
        const start = starts[xx] as number;
        const length = lengths[xx] as number;
        const weightOffset = xx * windowSize;
        for (let c = 0; c < channels; c++) {
          let sum = ROUNDING_OFFSET;
          for (let x = 0; x < length; x++) {
            sum += (current[rowOffset + (start + x) * channels + c] as number) * (weights[weightOffset + x] as number);
          }
          next[(y * outWidth + xx) * channels + c] = clampToByte(sum);
        }
      }
    }
    current = next;
    currentWidth = outWidth;
  }

  if (outHeight !== height) {
    const { windowSize, starts, lengths, weights } = precomputeCoefficients(height, outHeight);
    const next = new Uint8Array(currentWidth * outHeight * channels);
    const stride = currentWidth * channels;
    for (let yy = 0; yy < outHeight; yy++) {
      const start = starts[yy] as number;
      const length = lengths[yy] as number;
      const weightOffset = yy * windowSize;
      for (let i = 0; i < stride; i++) {
        let sum = ROUNDING_OFFSET;
        for (let y = 0; y < length; y++) {
          sum += (current[(start + y) * stride + i] as number) * (weights[weightOffset + y] as number);
        }
        next[yy * stride + i] = clampToByte(sum);
      }
    }
    current = next;
  }

  return current === data ? data.slice() : current;
}
