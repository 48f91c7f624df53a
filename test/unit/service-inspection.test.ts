import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { classThumbnails, inspectDataset } from '../../src/engine/service/datasets.js';
import { inspectLlm, inspectVlm } from '../../src/engine/service/models.js';
import { resolveUnderRoots } from '../../src/engine/service/paths.js';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const datasetsRoot = path.resolve(repoRoot, '..', 'shared', 'datasets');
const tinyGguf = path.join(repoRoot, 'test', 'fixtures', 'tiny-gguf', 'tiny-chat.gguf');
const tinyClip = path.join(repoRoot, 'test', 'fixtures', 'tiny-clip');

let workDir: string;

before(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'glov-inspect-'));
});

after(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('dataset inspection', () => {
  test('dtd10 counts and names', async () => {
    const detail = await inspectDataset(path.join(datasetsRoot, 'dtd10'));
    assert.equal(detail.classCount, 10);
    assert.equal(detail.trainImageCount, 40);
    assert.equal(detail.testImageCount, 260);
    assert.deepEqual(detail.warnings, []);
    assert.equal(detail.classes[0]?.promptName, 'banded');
    assert.match(detail.description ?? '', /Describable Textures/);
  });

  test('flowers102 prompt names from classnames.json', async () => {
    const detail = await inspectDataset(path.join(datasetsRoot, 'flowers102'));
    const primrose = detail.classes.find((entry) => entry.folder === '001_pink_primrose');
    assert.equal(primrose?.promptName, 'pink primrose');
  });

  test('broken dataset yields each warning', async () => {
    const root = path.join(workDir, 'broken');
    const source = path.join(datasetsRoot, 'dtd10');
    await cp(path.join(source, 'train', 'banded'), path.join(root, 'train', 'banded'), { recursive: true });
    await cp(path.join(source, 'test', 'banded'), path.join(root, 'test', 'banded'), { recursive: true });
    await mkdir(path.join(root, 'train', 'empty'), { recursive: true });
    await writeFile(path.join(root, 'train', 'banded', 'not-an-image.jpg'), 'plain text');
    await writeFile(path.join(root, 'classnames.json'), JSON.stringify({ banded: 'banded', ghost: 'ghost' }));

    const detail = await inspectDataset(root);
    const kinds = detail.warnings.map((warning) => warning.kind);
    assert.ok(kinds.includes('unreadable-image'), 'flags the text file');
    assert.ok(kinds.includes('empty-class'), 'flags the empty class');
    assert.equal(kinds.filter((kind) => kind === 'classnames-mismatch').length, 2, 'missing and extra names');
    assert.equal(detail.classes.find((entry) => entry.folder === 'banded')?.trainCount, 4);
    assert.equal(detail.description, null, 'an unknown folder name has no built-in description');

    const thumbnails = await classThumbnails(detail, { classFolder: 'banded', split: 'train', limit: 10 });
    assert.equal(thumbnails.length, 5);
    assert.equal(thumbnails.filter((thumbnail) => thumbnail.dataUrl === null).length, 1);
    assert.match(thumbnails[0]?.dataUrl ?? '', /^data:image\/jpeg;base64,/);
  });

  test('missing folder names the fix', async () => {
    await assert.rejects(inspectDataset(path.join(workDir, 'nope')), /Dataset folder not found: .*nope/);
  });
});

describe('model inspection', () => {
  test('tiny GGUF header', async () => {
    const info = await inspectLlm(tinyGguf);
    assert.equal(info.architecture, 'llama');
    assert.equal(info.layerCount, 4);
    assert.equal(info.embeddingLength, 64);
    assert.equal(info.defaultSteeringLayer, 2);
    assert.ok(info.sizeBytes > 0);
  });

  test('non-GGUF file is rejected', async () => {
    await assert.rejects(inspectLlm(path.join(tinyClip, 'config.json')), { name: 'GlovError', code: 'llm-invalid-gguf' });
  });

  test('tiny CLIP folder', async () => {
    const info = await inspectVlm(tinyClip);
    assert.equal(info.kind, 'vlm');
    assert.ok(info.sizeBytes > 0);
    assert.equal(info.embeddingLength, 16);
  });
});

describe('data roots', () => {
  test('path under root accepted', async () => {
    const resolved = await resolveUnderRoots(path.join(datasetsRoot, 'dtd10'), [datasetsRoot], 'dataset folder');
    assert.ok(resolved.endsWith('dtd10'));
  });

  test('path outside roots rejected', async () => {
    await assert.rejects(resolveUnderRoots(workDir, [datasetsRoot], 'dataset folder'), { code: 'path-outside-roots' });
  });

  test('symlink escaping a root rejected', async () => {
    const root = path.join(workDir, 'root');
    await mkdir(root);
    await symlink(workDir, path.join(root, 'escape'));
    await assert.rejects(resolveUnderRoots(path.join(root, 'escape'), [root], 'dataset folder'), { code: 'path-outside-roots' });
  });

  test('relative path rejected', async () => {
    await assert.rejects(resolveUnderRoots('dtd10', [datasetsRoot], 'dataset folder'), { code: 'path-not-absolute' });
  });
});
