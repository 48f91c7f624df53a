import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { GlovError } from '../../src/engine/errors.js';
import { resolveModel } from '../../src/engine/models/resolve.js';

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'glov-models-resolve-'));

function ggufBytes(): Buffer {
  const header = Buffer.alloc(24);
  header.write('GGUF', 0, 'latin1');
  header.writeUInt32LE(3, 4);
  return header;
}

function writeFile(file: string, content: string | Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

/**
 * A stand-in for the Hugging Face Hub on 127.0.0.1: it serves `files` under
 * /ORG/REPO/resolve/REVISION/PATH and a repository listing under /api/models/.
 * The real hub cannot be reached from tests.
 */
const files = new Map<string, Buffer>([
  ['/acme/tiny-gguf/resolve/main/model.gguf', ggufBytes()],
  ['/acme/tiny-gguf/resolve/v2/model.gguf', ggufBytes()],
  ['/acme/clip/resolve/main/onnx/text_model.onnx', Buffer.from([0x08, 0x07])],
  ['/acme/clip/resolve/main/onnx/vision_model.onnx', Buffer.from([0x08, 0x07])],
  ['/acme/clip/resolve/main/tokenizer.json', Buffer.from('{"model": {"type": "BPE"}}')],
  ['/acme/clip/resolve/main/config.json', Buffer.from('{}')],
]);
const listings = new Map<string, string[]>([
  ['/api/models/acme/tiny-gguf/revision/main', ['README.md', 'model.gguf']],
  ['/api/models/acme/two-ggufs/revision/main', ['a-q4.gguf', 'a-q8.gguf']],
]);
const requests: string[] = [];
const authorizations: Array<string | undefined> = [];
let server: http.Server;
let endpoint = '';

before(async () => {
  server = http.createServer((request, response) => {
    const url = request.url ?? '';
    requests.push(url);
    authorizations.push(request.headers.authorization);
    const body = files.get(url);
    const listing = listings.get(url);
    if (body !== undefined) {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.end(body);
    } else if (listing !== undefined) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ siblings: listing.map((rfilename) => ({ rfilename })) }));
    } else if (url.startsWith('/acme/gated/')) {
      response.writeHead(401);
      response.end();
    } else {
      response.writeHead(404);
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  fs.rmSync(workDir, { recursive: true, force: true });
});

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

test('default llm missing says to fetch', async () => {
  const modelsDir = path.join(workDir, 'empty-models');
  await assert.rejects(
    resolveModel('default', { role: 'llm', modelsDir }),
    assertGlovError('default-model-missing', /empty-models\/llm\/default\.gguf/, /scripts\/fetch-models\.sh/),
  );
});

test('default clip missing explains the gap', async () => {
  const modelsDir = path.join(workDir, 'empty-models');
  await assert.rejects(
    resolveModel('default-clip', { role: 'clip', modelsDir }),
    assertGlovError('default-model-missing', /clip\/default/, /No package ships CLIP weights/, /hf:Xenova\/clip-vit-base-patch32/),
  );
});

test('default llm resolves when present', async () => {
  const modelsDir = path.join(workDir, 'models');
  writeFile(path.join(modelsDir, 'llm', 'default.gguf'), ggufBytes());
  for (const reference of ['default', 'default-llm']) {
    const resolved = await resolveModel(reference, { role: 'llm', modelsDir });
    assert.equal(resolved.path, path.join(modelsDir, 'llm', 'default.gguf'));
    assert.deepEqual(resolved.reference, { source: 'default', role: reference === 'default' ? null : 'llm' });
  }
});

test('default of another role is rejected', async () => {
  await assert.rejects(
    resolveModel('default-clip', { role: 'llm', modelsDir: workDir }),
    assertGlovError('model-role-mismatch', /default-clip/, /default-llm/),
  );
});

test('local path is validated for its role', async () => {
  const notGguf = path.join(workDir, 'local', 'weights.bin');
  writeFile(notGguf, 'PK\u0003\u0004rest');
  await assert.rejects(
    resolveModel('local/weights.bin', { role: 'llm', baseDir: workDir }),
    assertGlovError('invalid-model-file', /weights\.bin/, /expected "GGUF"/),
  );
  await assert.rejects(
    resolveModel(path.join(workDir, 'local'), { role: 'clip' }),
    assertGlovError('invalid-model-folder', /onnx\/text_model\.onnx is missing/),
  );
});

test('hf gguf downloads once into cache', async () => {
  const cacheDir = path.join(workDir, 'hf-cache-1');
  const before = requests.length;
  const first = await resolveModel('hf:acme/tiny-gguf/model.gguf', { role: 'llm', endpoint, cacheDir, token: 'secret' });
  assert.equal(first.path, path.join(cacheDir, 'acme--tiny-gguf', 'main', 'model.gguf'));
  assert.deepEqual(fs.readFileSync(first.path), ggufBytes());
  assert.equal(authorizations.at(-1), 'Bearer secret');

  const second = await resolveModel('hf:acme/tiny-gguf/model.gguf', { role: 'llm', endpoint, cacheDir });
  assert.equal(second.path, first.path);
  assert.equal(requests.length - before, 1, 'the second resolve must use the cache');
  assert.equal(fs.existsSync(`${first.path}.partial`), false);
});

test('hf gguf honours revision', async () => {
  const cacheDir = path.join(workDir, 'hf-cache-rev');
  const resolved = await resolveModel('hf:acme/tiny-gguf@v2/model.gguf', { role: 'llm', endpoint, cacheDir });
  assert.equal(resolved.path, path.join(cacheDir, 'acme--tiny-gguf', 'v2', 'model.gguf'));
  assert.equal(requests.at(-1), '/acme/tiny-gguf/resolve/v2/model.gguf');
});

test('hf repo without file picks the one gguf', async () => {
  const cacheDir = path.join(workDir, 'hf-cache-2');
  const resolved = await resolveModel('hf:acme/tiny-gguf', { role: 'llm', endpoint, cacheDir });
  assert.equal(path.basename(resolved.path), 'model.gguf');
});

test('hf repo with two ggufs asks for one', async () => {
  await assert.rejects(
    resolveModel('hf:acme/two-ggufs', { role: 'llm', endpoint, cacheDir: path.join(workDir, 'hf-cache-3') }),
    assertGlovError('ambiguous-model-reference', /a-q4\.gguf, a-q8\.gguf/, /hf:acme\/two-ggufs\/a-q4\.gguf/),
  );
});

test('hf missing file and gated repo', async () => {
  const cacheDir = path.join(workDir, 'hf-cache-4');
  await assert.rejects(
    resolveModel('hf:acme/tiny-gguf/absent.gguf', { role: 'llm', endpoint, cacheDir }),
    assertGlovError('model-not-found', /absent\.gguf/, /HTTP 404/),
  );
  await assert.rejects(
    resolveModel('hf:acme/gated/model.gguf', { role: 'llm', endpoint, cacheDir }),
    assertGlovError('model-download-denied', /HTTP 401/, /HF_TOKEN/),
  );
  assert.equal(fs.existsSync(path.join(cacheDir, 'acme--tiny-gguf', 'main', 'absent.gguf')), false);
});

test('hf clip downloads the export files', async () => {
  const cacheDir = path.join(workDir, 'hf-cache-clip');
  const resolved = await resolveModel('hf:acme/clip', { role: 'clip', endpoint, cacheDir });
  assert.equal(resolved.path, path.join(cacheDir, 'acme--clip', 'main'));
  assert.ok(fs.existsSync(path.join(resolved.path, 'onnx', 'vision_model.onnx')));
  assert.ok(fs.existsSync(path.join(resolved.path, 'tokenizer.json')));
  // Optional files that the repository lacks are skipped, not fatal.
  assert.equal(fs.existsSync(path.join(resolved.path, 'merges.txt')), false);
});

test('hf offline error says to pass a local path', async () => {
  // Bind and close a server to get a loopback port that refuses connections.
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));

  await assert.rejects(
    resolveModel('hf:acme/tiny-gguf/model.gguf', {
      role: 'llm',
      endpoint: `http://127.0.0.1:${closedPort}`,
      cacheDir: path.join(workDir, 'hf-cache-offline'),
    }),
    assertGlovError('model-download-failed', /acme\/tiny-gguf\/model\.gguf/, /ECONNREFUSED/, /pass its local path/),
  );
});
