import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import { GlovError } from '../../src/engine/errors.js';
import { checkClipFolder, checkGgufFile } from '../../src/engine/models/validate.js';

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'glov-models-validate-'));
after(() => fs.rmSync(workDir, { recursive: true, force: true }));

/** Write a GGUF header: magic, version, zero tensors, zero metadata entries. */
function writeGgufHeader(file: string, version = 3): void {
  const header = Buffer.alloc(24);
  header.write('GGUF', 0, 'latin1');
  header.writeUInt32LE(version, 4);
  writeFile(file, header);
}

function writeFile(file: string, content: string | Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

/** Build a folder with the files of a CLIP export. The checks read only the ONNX headers, so two bytes suffice. */
function makeClipFolder(name: string): string {
  const folder = path.join(workDir, name);
  writeFile(path.join(folder, 'onnx', 'text_model.onnx'), Buffer.from([0x08, 0x07]));
  writeFile(path.join(folder, 'onnx', 'vision_model.onnx'), Buffer.from([0x08, 0x07]));
  writeFile(path.join(folder, 'vocab.json'), '{"a": 0}');
  writeFile(path.join(folder, 'merges.txt'), '#version: 0.2\n');
  return folder;
}

function assertGlovError(code: string, ...patterns: RegExp[]): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.ok(error instanceof GlovError, `expected GlovError, got ${String(error)}`);
    assert.equal(error.code, code);
    for (const pattern of patterns) {
      assert.match(`${error.message}\n${error.hint ?? ''}`, pattern);
    }
    return true;
  };
}

test('gguf check accepts versions 2 and 3', () => {
  for (const version of [2, 3]) {
    const file = path.join(workDir, `ok-v${version}.gguf`);
    writeGgufHeader(file, version);
    assert.deepEqual(checkGgufFile(file), { version, sizeBytes: 24 });
  }
});

test('gguf check names missing file and fix', () => {
  const file = path.join(workDir, 'absent.gguf');
  assert.throws(() => checkGgufFile(file), assertGlovError('model-not-found', /absent\.gguf/, /fetch-models\.sh/));
});

test('gguf check reports the bytes it found', () => {
  const file = path.join(workDir, 'model.zip');
  writeFile(file, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]));
  assert.throws(() => checkGgufFile(file), assertGlovError('invalid-model-file', /model\.zip/, /50 4b 03 04 \("PK\.\."\)/));
});

test('gguf check rejects an empty file', () => {
  const file = path.join(workDir, 'empty.gguf');
  writeFile(file, '');
  assert.throws(() => checkGgufFile(file), assertGlovError('invalid-model-file', /empty\.gguf/, /file is empty/));
});

test('gguf check rejects a truncated header', () => {
  const file = path.join(workDir, 'short.gguf');
  writeFile(file, 'GGUF');
  assert.throws(() => checkGgufFile(file), assertGlovError('invalid-model-file', /short\.gguf/));
});

test('gguf check detects git lfs pointers', () => {
  const file = path.join(workDir, 'pointer.gguf');
  writeFile(file, 'version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n');
  assert.throws(() => checkGgufFile(file), assertGlovError('invalid-model-file', /Git LFS pointer/, /pointer\.gguf/));
});

test('gguf check rejects unsupported versions', () => {
  const file = path.join(workDir, 'v1.gguf');
  writeGgufHeader(file, 1);
  assert.throws(() => checkGgufFile(file), assertGlovError('invalid-model-file', /version 1/, /v1\.gguf/));
});

test('gguf check lists gguf files of a folder', () => {
  const folder = path.join(workDir, 'llm-folder');
  writeGgufHeader(path.join(folder, 'b.gguf'));
  writeGgufHeader(path.join(folder, 'a.gguf'));
  assert.throws(() => checkGgufFile(folder), assertGlovError('invalid-model-file', /a\.gguf, b\.gguf/));
});

test('clip check accepts both tokenizer forms', () => {
  const withVocab = makeClipFolder('clip-vocab');
  assert.doesNotThrow(() => checkClipFolder(withVocab));

  const withTokenizerJson = makeClipFolder('clip-tokenizer-json');
  fs.rmSync(path.join(withTokenizerJson, 'vocab.json'));
  fs.rmSync(path.join(withTokenizerJson, 'merges.txt'));
  writeFile(path.join(withTokenizerJson, 'tokenizer.json'), '{"model": {"type": "BPE"}}');
  assert.doesNotThrow(() => checkClipFolder(withTokenizerJson));
});

test('clip check names every missing file', () => {
  const folder = makeClipFolder('clip-incomplete');
  fs.rmSync(path.join(folder, 'onnx', 'vision_model.onnx'));
  fs.rmSync(path.join(folder, 'merges.txt'));
  assert.throws(
    () => checkClipFolder(folder),
    assertGlovError('invalid-model-folder', /clip-incomplete/, /onnx\/vision_model\.onnx is missing/, /tokenizer files are missing/),
  );
});

test('clip check detects lfs pointer and empty onnx', () => {
  const folder = makeClipFolder('clip-pointer');
  writeFile(path.join(folder, 'onnx', 'text_model.onnx'), 'version https://git-lfs.github.com/spec/v1\n');
  writeFile(path.join(folder, 'onnx', 'vision_model.onnx'), '');
  assert.throws(
    () => checkClipFolder(folder),
    assertGlovError('invalid-model-folder', /text_model\.onnx is a Git LFS pointer/, /vision_model\.onnx is empty/),
  );
});

test('clip check rejects missing folder and file', () => {
  assert.throws(
    () => checkClipFolder(path.join(workDir, 'no-such-clip')),
    assertGlovError('model-not-found', /no-such-clip/, /hf:Xenova\/clip-vit-base-patch32/),
  );
  const folder = makeClipFolder('clip-file');
  assert.throws(
    () => checkClipFolder(path.join(folder, 'onnx', 'text_model.onnx')),
    assertGlovError('invalid-model-folder', /is a file, not a folder/),
  );
});
