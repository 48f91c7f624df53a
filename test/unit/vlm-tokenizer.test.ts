import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { ClipTokenizer, loadBpeVocabulary, loadClipTokenizer, resolvePadId } from '../../src/engine/vlm/clip-tokenizer.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const modelDir = path.join(fixtures, 'tiny-clip');

interface TokenCase {
  text: string;
  ids: number[];
  context77: number[];
}
const reference = JSON.parse(fs.readFileSync(path.join(fixtures, 'clip-reference', 'tokens.json'), 'utf8')) as { cases: TokenCase[] };
const vocabulary = loadBpeVocabulary(modelDir);
// The original tokenizer pads with 0; the fixture's ids come from it.
const originalTokenizer = new ClipTokenizer({ vocabulary, padId: 0 });

test('tokenizer matches original ids', () => {
  for (const { text, ids } of reference.cases) {
    assert.deepEqual([originalTokenizer.startId, ...originalTokenizer.encode(text), originalTokenizer.endId], ids, `text: ${JSON.stringify(text)}`);
  }
});

test('tokenizer truncates and pads to 77', () => {
  for (const { text, context77 } of reference.cases) {
    assert.deepEqual(originalTokenizer.encodeForModel(text), context77, `text: ${JSON.stringify(text)}`);
  }
});

test('countTokens does not truncate', () => {
  const long = reference.cases.find((c) => c.ids.length > 77);
  assert.ok(long, 'fixture has a text longer than 77 tokens');
  assert.equal(originalTokenizer.countTokens(long.text), long.ids.length);
  assert.equal(originalTokenizer.countTokens(''), 2);
});

test('special token ids are CLIP ones', () => {
  assert.equal(originalTokenizer.startId, 49406);
  assert.equal(originalTokenizer.endId, 49407);
});

test('encodeBatch pads to longest row', () => {
  const batch = originalTokenizer.encodeBatch(['a photo of a dog.', 'a'], { padTo: 'longest' });
  assert.equal(batch.sequenceLength, 8);
  assert.deepEqual(Array.from(batch.inputIds.slice(8, 16), Number), [49406, 320, 49407, 0, 0, 0, 0, 0]);
  assert.deepEqual(Array.from(batch.attentionMask.slice(8, 16), Number), [1, 1, 1, 0, 0, 0, 0, 0]);
  assert.deepEqual(batch.untruncatedLengths, [8, 3]);
});

test('pad id comes from tokenizer_config', () => {
  assert.equal(resolvePadId(modelDir, vocabulary), 49407);
  assert.equal(loadClipTokenizer(modelDir).padId, 49407);
});

test('tokenizer.json loads like vocab and merges', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glov-tokenizer-'));
  try {
    const vocab = Object.fromEntries(vocabulary.vocab);
    // Newer tokenizers files write merges as pairs; both forms must load.
    const merges = vocabulary.merges.map((merge, i) => (i % 2 === 0 ? merge : merge.split(' ')));
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify({ model: { type: 'BPE', vocab, merges } }));
    const fromJson = loadClipTokenizer(dir);
    assert.equal(fromJson.padId, 0, 'no pad token configured means the original pad id 0');
    for (const { text, ids } of reference.cases) {
      assert.deepEqual([fromJson.startId, ...fromJson.encode(text), fromJson.endId], ids, `text: ${JSON.stringify(text)}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('missing tokenizer files name the folder', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glov-tokenizer-'));
  try {
    assert.throws(() => loadClipTokenizer(dir), (error: Error) => error.message.includes(dir) && /tokenizer/i.test(error.message));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
