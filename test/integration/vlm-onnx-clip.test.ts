import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { GlovError } from '../../src/engine/errors.js';
import { InMemoryTextEmbeddingCache } from '../../src/engine/vlm/embedding-cache.js';
import { type OnnxClip, loadOnnxClip } from '../../src/engine/vlm/onnx-clip.js';
import { buildClassifiers, fillTemplate, predict, scoreTemplates, topOneAccuracy } from '../../src/engine/vlm/zero-shot.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const modelDir = path.join(repoRoot, 'test', 'fixtures', 'tiny-clip');
const referenceDir = path.join(repoRoot, 'test', 'fixtures', 'clip-reference');
const datasetsRoot = path.resolve(repoRoot, '..', 'shared', 'datasets');

interface Reference {
  embeddingDim: number;
  texts: string[];
  textEmbeddings: number[][];
  images: { file: string; inDatasets: boolean }[];
  imageEmbeddings: number[][];
}
const reference = JSON.parse(fs.readFileSync(path.join(referenceDir, 'embeddings.json'), 'utf8')) as Reference;
const imageFiles = reference.images.map((item) => (item.inDatasets ? path.join(datasetsRoot, item.file) : path.join(referenceDir, 'images', path.basename(item.file))));

// float32 ONNX Runtime against float32 PyTorch: differences come from operator order only.
const TOLERANCE = 1e-5;

function maxAbsDifference(actual: Float32Array, expected: number[][]): number {
  const flat = expected.flat();
  assert.equal(actual.length, flat.length);
  return flat.reduce((max, value, i) => Math.max(max, Math.abs(value - (actual[i] as number))), 0);
}

let clip: OnnxClip;
before(async () => {
  clip = await loadOnnxClip({ modelDir, intraOpThreads: 2 });
});
after(async () => {
  await clip.dispose();
});

test('model reads dim and context', () => {
  assert.equal(clip.embeddingDim, reference.embeddingDim);
  assert.equal(clip.contextLength, 77);
  assert.match(clip.fingerprint, /^[0-9a-f]{24}$/);
});

test('text embeddings match PyTorch', async () => {
  const embeddings = await clip.embedTexts(reference.texts);
  assert.ok(maxAbsDifference(embeddings, reference.textEmbeddings) < TOLERANCE);
});

test('context padding gives the same embeddings', async () => {
  const context = await loadOnnxClip({ modelDir, intraOpThreads: 2, padTo: 'context', textBatchSize: 2 });
  try {
    assert.ok(maxAbsDifference(await context.embedTexts(reference.texts), reference.textEmbeddings) < TOLERANCE);
  } finally {
    await context.dispose();
  }
});

test('image embeddings match PyTorch', async () => {
  const progress: [number, number][] = [];
  const embeddings = await clip.embedImages(imageFiles, { onProgress: (done, total) => progress.push([done, total]) });
  assert.ok(maxAbsDifference(embeddings, reference.imageEmbeddings) < TOLERANCE);
  assert.deepEqual(progress.at(-1), [imageFiles.length, imageFiles.length]);
});

test('image batches report progress per batch', async () => {
  const small = await loadOnnxClip({ modelDir, intraOpThreads: 2, imageBatchSize: 3 });
  try {
    const progress: [number, number][] = [];
    const embeddings = await small.embedImages(imageFiles, { onProgress: (done, total) => progress.push([done, total]) });
    assert.deepEqual(progress, [
      [3, 8],
      [6, 8],
      [8, 8],
    ]);
    assert.ok(maxAbsDifference(embeddings, reference.imageEmbeddings) < TOLERANCE);
  } finally {
    await small.dispose();
  }
});

test('corrupt image error names the file', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glov-clip-'));
  try {
    const broken = path.join(dir, 'broken.jpg');
    fs.writeFileSync(broken, fs.readFileSync(imageFiles[2] as string).subarray(0, 600));
    await assert.rejects(clip.embedImages([imageFiles[0] as string, broken]), (error: Error) => error instanceof GlovError && error.message.includes(broken));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('quantized flag selects quantized files', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glov-clip-'));
  try {
    for (const name of fs.readdirSync(modelDir)) {
      if (name !== 'onnx') fs.copyFileSync(path.join(modelDir, name), path.join(dir, name));
    }
    // Full-precision copies under the quantized names: only file selection is under test.
    fs.copyFileSync(path.join(modelDir, 'onnx', 'text_model.onnx'), path.join(dir, 'text_model_quantized.onnx'));
    fs.copyFileSync(path.join(modelDir, 'onnx', 'vision_model.onnx'), path.join(dir, 'vision_model_quantized.onnx'));
    await assert.rejects(loadOnnxClip({ modelDir: dir }), (error: Error) => error instanceof GlovError && error.message.includes('text_model.onnx'));
    const quantized = await loadOnnxClip({ modelDir: dir, quantized: true, intraOpThreads: 2 });
    try {
      assert.ok(maxAbsDifference(await quantized.embedTexts(reference.texts), reference.textEmbeddings) < TOLERANCE);
    } finally {
      await quantized.dispose();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('missing model folder is named', async () => {
  await assert.rejects(loadOnnxClip({ modelDir: '/nonexistent/clip' }), /CLIP model folder not found: \/nonexistent\/clip/);
});

test('ensemble averages normalized rows', async () => {
  const templates = ['a photo of a {c}.', 'a sketch of a {c}.'];
  const classNames = ['dog', 'cat'];
  const [single0, single1, ensemble] = await buildClassifiers(clip, [[templates[0] as string], [templates[1] as string], templates], classNames);
  const dim = clip.embeddingDim;
  for (let c = 0; c < classNames.length; c++) {
    const sum = Array.from({ length: dim }, (_, j) => (single0 as Float32Array)[c * dim + j]! + (single1 as Float32Array)[c * dim + j]!);
    const norm = Math.hypot(...sum);
    sum.forEach((value, j) => assert.ok(Math.abs(value / norm - (ensemble as Float32Array)[c * dim + j]!) < 1e-6));
  }
});

test('zero-shot accuracy equals manual argmax', async () => {
  const classNames = ['bird', 'dog', 'cat', 'texture'];
  const labels = [0, 1, 2, 3, 0, 1, 2, 3];
  const imageEmbeddings = await clip.embedImages(imageFiles);
  const cache = new InMemoryTextEmbeddingCache();
  const candidates = [['a photo of a {c}.'], ['a {c}, drawn by {c}.'], ['a photo of a {c}.', 'art of a {c}.']];
  const scores = await scoreTemplates(clip, { candidates, classNames, imageEmbeddings, labels, cache });

  const dim = clip.embeddingDim;
  for (const [k, templates] of candidates.entries()) {
    const texts = classNames.map((name) => fillTemplate(templates[0] as string, name));
    if (templates.length === 1) {
      const classTexts = await clip.embedTexts(texts);
      const expected = labels.filter((label, i) => {
        const scoresForImage = classNames.map((_, c) => Array.from({ length: dim }, (_, j) => imageEmbeddings[i * dim + j]! * classTexts[c * dim + j]!).reduce((a, b) => a + b));
        return scoresForImage.indexOf(Math.max(...scoresForImage)) === label;
      }).length / labels.length;
      assert.equal(scores[k], expected, `candidate ${k}`);
    }
  }
  // 3 distinct templates x 4 classes were embedded once each.
  assert.equal(cache.size, 12);
});

test('duplicate class names stay separate', async () => {
  const imageEmbeddings = await clip.embedImages(imageFiles.slice(0, 2));
  const [classifier] = await buildClassifiers(clip, [['a photo of a {c}.']], ['dog', 'dog']);
  const predictions = predict(imageEmbeddings, classifier as Float32Array, clip.embeddingDim);
  assert.equal((classifier as Float32Array).length, 2 * clip.embeddingDim);
  assert.deepEqual(Array.from(predictions), [0, 0], 'ties go to the lower index');
  assert.equal(topOneAccuracy(predictions, [0, 1]), 0.5);
});

test('template without placeholder is rejected', () => {
  assert.throws(() => fillTemplate('a photo of a thing.', 'dog'), /no \{c\} placeholder/);
});
