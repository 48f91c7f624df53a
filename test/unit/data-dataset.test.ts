import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { loadDataset } from '../../src/engine/data/dataset.js';
import { readFewShotManifest, sampleFewShot, writeFewShotManifest } from '../../src/engine/data/few-shot.js';
import { inspectDataset } from '../../src/engine/data/inspect.js';
import { GlovError } from '../../src/engine/errors.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const datasetsRoot = path.resolve(repoRoot, '..', 'shared', 'datasets');
const sampleImage = path.join(datasetsRoot, 'cifar10', 'train', 'bird', 'bird_0000.jpg');

const tempDirs: string[] = [];
afterEach(() => {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** Build a dataset folder from relative paths mapped to a source image to copy, or to text content. */
function makeDataset(files: Record<string, string | { text: string }>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'glov-data-'));
  tempDirs.push(root);
  for (const [relative, source] of Object.entries(files)) {
    const target = path.join(root, relative);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (typeof source === 'string') fs.copyFileSync(source, target);
    else fs.writeFileSync(target, source.text);
  }
  return root;
}

function assertGlovError(run: () => unknown, code: string, ...fragments: string[]): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof GlovError, 'a GlovError');
    assert.equal(error.code, code);
    for (const fragment of fragments) assert.ok(error.message.includes(fragment), `message ${JSON.stringify(error.message)} names ${fragment}`);
    return true;
  });
}

test('shared dtd10 loads with class names', () => {
  const dataset = loadDataset(path.join(datasetsRoot, 'dtd10'));
  assert.equal(dataset.layout, 'train-test');
  assert.equal(dataset.classes.length, 10);
  assert.equal(dataset.classes[0]?.name, 'banded');
  assert.ok(dataset.splits.train.length > 0);
  assert.ok(dataset.splits.test.length > 0);
});

test('missing folder names the path', () => {
  assertGlovError(() => loadDataset('/nonexistent/data'), 'dataset-not-found', '/nonexistent/data');
});

test('file given as dataset is named', () => {
  const root = makeDataset({ 'notes.txt': { text: 'x' } });
  const file = path.join(root, 'notes.txt');
  assertGlovError(() => loadDataset(file), 'dataset-not-folder', `is a file, not a folder: ${file}`);
});

test('empty class folder is named', () => {
  const root = makeDataset({ 'train/cat/a.jpg': sampleImage, 'test/cat/b.jpg': sampleImage, 'train/dog/a.jpg': sampleImage, 'test/dog/readme.txt': { text: 'x' } });
  assertGlovError(() => loadDataset(root), 'class-empty', path.join(root, 'test', 'dog'));
});

test('train without test is rejected', () => {
  const root = makeDataset({ 'train/cat/a.jpg': sampleImage });
  assertGlovError(() => loadDataset(root), 'dataset-invalid', 'no test/');
});

test('split class folders must match', () => {
  const root = makeDataset({ 'train/cat/a.jpg': sampleImage, 'train/dog/a.jpg': sampleImage, 'test/cat/a.jpg': sampleImage, 'test/owl/a.jpg': sampleImage });
  assertGlovError(() => loadDataset(root), 'dataset-invalid', 'missing in test/: dog', 'missing in train/: owl');
});

test('classnames mismatch names keys', () => {
  const root = makeDataset({
    'train/cat/a.jpg': sampleImage,
    'train/dog/a.jpg': sampleImage,
    'test/cat/a.jpg': sampleImage,
    'test/dog/a.jpg': sampleImage,
    'classnames.json': { text: JSON.stringify({ cat: 'cat', wolf: 'wolf' }) },
  });
  assertGlovError(() => loadDataset(root), 'classnames-mismatch', 'missing keys for folders: dog', 'keys with no folder: wolf');
});

test('invalid classnames JSON is named', () => {
  const root = makeDataset({ 'train/cat/a.jpg': sampleImage, 'test/cat/a.jpg': sampleImage, 'classnames.json': { text: '{"cat": ' } });
  assertGlovError(() => loadDataset(root), 'classnames-invalid', path.join(root, 'classnames.json'));
});

test('classnames mismatch lists at most ten', () => {
  const keys = Object.fromEntries(Array.from({ length: 5000 }, (_, index) => [`class_${index}`, `name ${index}`]));
  const root = makeDataset({ 'train/cat/a.jpg': sampleImage, 'test/cat/a.jpg': sampleImage, 'classnames.json': { text: JSON.stringify(keys) } });
  assertGlovError(() => loadDataset(root), 'classnames-mismatch', 'missing keys for folders: cat', 'class_9 and 4990 more');
  assert.throws(() => loadDataset(root), (error: Error) => {
    assert.ok(error.message.length < 400, `message has ${error.message.length} characters`);
    assert.ok(!error.message.includes('class_10,'), 'message stops after ten keys');
    return true;
  });
});

test('non-image files are counted', () => {
  const root = makeDataset({ 'train/cat/a.jpg': sampleImage, 'train/cat/notes.txt': { text: 'x' }, 'train/cat/.DS_Store': { text: 'x' }, 'test/cat/a.JPG': sampleImage });
  const dataset = loadDataset(root);
  assert.equal(dataset.ignoredFiles, 2);
  assert.equal(dataset.splits.test.length, 1);
  assert.ok(dataset.warnings.some((warning) => warning.includes('Skipped 2 file(s)')));
});

test('nested class subfolders are reported', () => {
  const root = makeDataset({ 'train/cat/a.jpg': sampleImage, 'train/cat/more/b.jpg': sampleImage, 'train/dog/a.jpg': sampleImage, 'test/cat/a.jpg': sampleImage, 'test/dog/a.jpg': sampleImage });
  const dataset = loadDataset(root);
  assert.equal(dataset.splits.train.length, 2);
  assert.ok(
    dataset.warnings.some((warning) => warning.includes('subfolders of 1 class folder(s) (train/cat)')),
    JSON.stringify(dataset.warnings),
  );
});

test('single folder splits by seed', () => {
  const files: Record<string, string> = {};
  for (const name of ['cat', 'dog']) for (let i = 0; i < 10; i++) files[`${name}/${i}.jpg`] = sampleImage;
  const root = makeDataset(files);
  const first = loadDataset(root, { testFraction: 0.3, splitSeed: 1 });
  const again = loadDataset(root, { testFraction: 0.3, splitSeed: 1 });
  const other = loadDataset(root, { testFraction: 0.3, splitSeed: 2 });
  assert.equal(first.layout, 'single-folder');
  assert.equal(first.splits.test.length, 6);
  assert.equal(first.splits.train.length, 14);
  assert.deepEqual(first.splits, again.splits);
  assert.notDeepEqual(first.splits.test, other.splits.test);
  assert.notEqual(first.fingerprint, other.fingerprint);
  const trainFiles = new Set(first.splits.train.map((sample) => sample.file));
  assert.ok(first.splits.test.every((sample) => !trainFiles.has(sample.file)), 'splits are disjoint');
});

test('fingerprint changes with a file', () => {
  const root = makeDataset({ 'train/cat/a.jpg': sampleImage, 'test/cat/a.jpg': sampleImage });
  const before = loadDataset(root).fingerprint;
  assert.equal(loadDataset(root).fingerprint, before);
  fs.appendFileSync(path.join(root, 'test', 'cat', 'a.jpg'), Buffer.from([0]));
  assert.notEqual(loadDataset(root).fingerprint, before);
});

test('few-shot sampling is deterministic', () => {
  const dataset = loadDataset(path.join(datasetsRoot, 'caltech101'));
  const first = sampleFewShot(dataset, { shots: 1, seed: 7777 });
  const again = sampleFewShot(dataset, { shots: 1, seed: 7777 });
  const other = sampleFewShot(dataset, { shots: 1, seed: 1 });
  assert.deepEqual(first.samples, again.samples);
  assert.notDeepEqual(first.samples, other.samples);
  assert.equal(first.samples.length, dataset.classes.length, 'one image per class, none dropped');
  assert.deepEqual(first.samples.map((sample) => sample.classIndex), dataset.classes.map((info) => info.index));
});

test('few-shot takes all when short', () => {
  const root = makeDataset({ 'train/cat/a.jpg': sampleImage, 'train/cat/b.jpg': sampleImage, 'train/dog/a.jpg': sampleImage, 'test/cat/a.jpg': sampleImage, 'test/dog/a.jpg': sampleImage });
  const selection = sampleFewShot(loadDataset(root), { shots: 2, seed: 3 });
  assert.equal(selection.samples.length, 3);
  assert.equal(selection.warnings.length, 1);
  assert.ok(selection.warnings[0]?.includes('"dog"'));
  assertGlovError(() => sampleFewShot(loadDataset(root), { shots: 0 }), 'shots-invalid', '0');
});

test('few-shot manifest round-trips', () => {
  const root = makeDataset({ 'train/cat/a.jpg': sampleImage, 'train/cat/b.jpg': sampleImage, 'test/cat/a.jpg': sampleImage });
  const dataset = loadDataset(root);
  const selection = sampleFewShot(dataset, { shots: 1, seed: 5 });
  const manifest = path.join(root, 'out', 'shots.json');
  writeFewShotManifest(manifest, dataset, selection);
  assert.deepEqual(readFewShotManifest(manifest, dataset).samples, selection.samples);
  fs.copyFileSync(sampleImage, path.join(root, 'train', 'cat', 'c.jpg'));
  assertGlovError(() => readFewShotManifest(manifest, loadDataset(root)), 'manifest-stale', manifest);
});

test('inspection counts per split', () => {
  const inspection = inspectDataset(path.join(datasetsRoot, 'imagenette'));
  assert.equal(inspection.classes.length, 10);
  assert.equal(inspection.totals.train + inspection.totals.test, 400);
  assert.equal(inspection.classes.reduce((sum, info) => sum + info.train, 0), inspection.totals.train);
  assert.ok(inspection.classes.every((info) => info.name.length > 0 && info.test > 0));
});
