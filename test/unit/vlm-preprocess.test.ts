import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

import { decodeImageRgb } from '../../src/engine/data/image-decode.js';
import { loadPreprocessConfig, preprocessImage, resizeAndCrop, resizedSize } from '../../src/engine/vlm/image-preprocess.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
const fixtures = path.join(repoRoot, 'test', 'fixtures');
const datasetsRoot = path.resolve(repoRoot, '..', 'shared', 'datasets');
const referenceDir = path.join(fixtures, 'clip-reference');

interface ImageCase {
  file: string;
  inDatasets: boolean;
  mode: string;
  size: [number, number];
  resized: [number, number];
  decodedSha256: string;
  cropSha256: string;
  crop: string;
  pixelSum: number;
  pixelSample: number[];
}
const reference = JSON.parse(fs.readFileSync(path.join(referenceDir, 'embeddings.json'), 'utf8')) as { images: ImageCase[] };
const config = loadPreprocessConfig(path.join(fixtures, 'tiny-clip'));

function sourcePath(item: ImageCase): string {
  return item.inDatasets ? path.join(datasetsRoot, item.file) : path.join(referenceDir, 'images', path.basename(item.file));
}

const sha256 = (data: Uint8Array): string => crypto.createHash('sha256').update(data).digest('hex');

for (const item of reference.images) {
  const label = `${path.basename(item.file)} (${item.mode} ${item.size.join('x')})`;

  test(`decode equals PIL: ${label}`, async () => {
    const image = await decodeImageRgb(sourcePath(item));
    assert.deepEqual([image.width, image.height], item.size);
    assert.equal(sha256(image.data), item.decodedSha256);
  });

  test(`resize and crop equal PIL: ${label}`, async () => {
    const image = await decodeImageRgb(sourcePath(item));
    const target = resizedSize(image.width, image.height, config.shortestEdge);
    assert.deepEqual([target.width, target.height], item.resized);

    const crop = resizeAndCrop(image, config);
    const expected = zlib.gunzipSync(fs.readFileSync(path.join(referenceDir, 'images', item.crop)));
    let maxDifference = 0;
    for (let i = 0; i < expected.length; i++) {
      maxDifference = Math.max(maxDifference, Math.abs((crop.data[i] as number) - (expected[i] as number)));
    }
    assert.equal(maxDifference, 0, 'largest per-byte difference to PIL');
    assert.equal(sha256(crop.data), item.cropSha256);
  });

  test(`normalized pixels equal torch: ${label}`, async () => {
    const pixels = preprocessImage(await decodeImageRgb(sourcePath(item)), config);
    const plane = 224 * 224;
    const samples = [
      [0, 0, 0],
      [1, 100, 57],
      [2, 223, 223],
      [0, 111, 112],
    ] as const;
    samples.forEach(([c, y, x], i) => {
      assert.equal(pixels[c * plane + y * 224 + x], item.pixelSample[i], `pixel c=${c} y=${y} x=${x}`);
    });
    const sum = pixels.reduce((total, value) => total + value, 0);
    assert.ok(Math.abs(sum - item.pixelSum) < 1e-6 * plane, `sum ${sum} vs ${item.pixelSum}`);
  });
}
