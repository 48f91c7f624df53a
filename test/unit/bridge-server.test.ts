import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { request } from 'node:http';

import { WebSocket } from 'ws';

import { startBridge, type RunningBridge } from '../../src/bridge/server.js';
import { tokensMatch } from '../../src/bridge/auth.js';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const datasetsRoot = path.resolve(repoRoot, '..', 'shared', 'datasets');

let bridge: RunningBridge;
let workDir: string;

/** POST an API call; returns the status and parsed body. */
async function callApi(method: string, args: unknown[], headers: Record<string, string> = {}) {
  const response = await fetch(`http://127.0.0.1:${bridge.port}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${bridge.token}`, ...headers },
    body: JSON.stringify({ args }),
  });
  return { status: response.status, body: (await response.json()) as { ok: boolean; result?: unknown; error?: Record<string, string> } };
}

/** Raw GET with a chosen Host header, which fetch does not allow to set. */
function getWithHost(pathname: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port: bridge.port, path: pathname, headers: { Host: host } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

before(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'glov-bridge-'));
  const staticDir = path.join(workDir, 'static');
  await mkdir(staticDir);
  await writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>test page</title>');
  await writeFile(path.join(workDir, 'secret.txt'), 'outside the static folder');
  bridge = await startBridge({ dbPath: path.join(workDir, 'bridge.sqlite'), staticDir, dataRoots: [datasetsRoot] });
});

after(async () => {
  await bridge.close();
  await rm(workDir, { recursive: true, force: true });
});

describe('bridge token', () => {
  test('url carries token in fragment', () => {
    assert.match(bridge.url, new RegExp(`^http://127\\.0\\.0\\.1:${bridge.port}/#token=[0-9a-f]{64}$`));
  });

  test('tokensMatch compares exactly', () => {
    assert.equal(tokensMatch('abc', 'abc'), true);
    assert.equal(tokensMatch('abc', 'abd'), false);
    assert.equal(tokensMatch('abc', 'abcd'), false);
    assert.equal(tokensMatch('abc', ''), false);
    assert.equal(tokensMatch('abc', undefined), false);
  });

  test('call without token is rejected', async () => {
    const response = await fetch(`http://127.0.0.1:${bridge.port}/api/listRuns`, { method: 'POST', body: '{}' });
    assert.equal(response.status, 401);
    const body = (await response.json()) as { error: { code: string } };
    assert.equal(body.error.code, 'bridge-unauthorized');
  });

  test('call with wrong token is rejected', async () => {
    const { status } = await callApi('listRuns', [], { Authorization: `Bearer ${'0'.repeat(64)}` });
    assert.equal(status, 401);
  });

  test('foreign Host header is rejected', async () => {
    assert.equal(await getWithHost('/', `evil.example:${bridge.port}`), 421);
    assert.equal(await getWithHost('/', `127.0.0.1:${bridge.port}`), 200);
  });
});

describe('bridge calls', () => {
  test('listRuns returns an empty list', async () => {
    const { status, body } = await callApi('listRuns', []);
    assert.equal(status, 200);
    assert.deepEqual(body, { ok: true, result: [] });
  });

  test('unknown method returns 404', async () => {
    const { status, body } = await callApi('close', []);
    assert.equal(status, 404);
    assert.equal(body.error?.code, 'bridge-unknown-method');
  });

  test('engine error arrives with hint, no stack', async () => {
    const { status, body } = await callApi('addDataset', [{ path: path.join(datasetsRoot, 'no-such-dataset') }]);
    assert.equal(status, 400);
    assert.equal(body.ok, false);
    assert.equal(body.error?.code, 'path-not-found');
    assert.ok(body.error?.hint, 'error carries a hint');
    assert.doesNotMatch(JSON.stringify(body), /\bat .+\.ts:\d+/);
  });

  test('path outside data roots is rejected', async () => {
    const { status, body } = await callApi('addDataset', [{ path: workDir }]);
    assert.equal(status, 400);
    assert.equal(body.error?.code, 'path-outside-roots');
  });

  test('dataset under a root is added', async () => {
    const { status, body } = await callApi('addDataset', [{ path: path.join(datasetsRoot, 'dtd10') }]);
    assert.equal(status, 200);
    const dataset = body.result as { classCount: number; trainImageCount: number };
    assert.equal(dataset.classCount, 10);
    assert.equal(dataset.trainImageCount, 40);
  });

  test('malformed body is rejected', async () => {
    const response = await fetch(`http://127.0.0.1:${bridge.port}/api/listRuns`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${bridge.token}` },
      body: '{not json',
    });
    assert.equal(response.status, 400);
  });
});

describe('bridge static files', () => {
  test('index served with CSP', async () => {
    const response = await fetch(`http://127.0.0.1:${bridge.port}/`);
    assert.equal(response.status, 200);
    assert.match(await response.text(), /test page/);
    assert.match(response.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  });

  test('path traversal is not served', async () => {
    assert.equal(await getWithHost('/../secret.txt', `127.0.0.1:${bridge.port}`), 404);
    assert.equal(await getWithHost('/%2e%2e/secret.txt', `127.0.0.1:${bridge.port}`), 404);
  });

  test('malformed percent-escape gives 400', async () => {
    assert.equal(await getWithHost('/%E0%A4%A', `127.0.0.1:${bridge.port}`), 400);
  });
});

describe('bridge events socket', () => {
  function firstMessageOrClose(socket: WebSocket): Promise<string> {
    return new Promise((resolve) => {
      socket.once('message', (data) => resolve(`message:${String(data)}`));
      socket.once('close', (code) => resolve(`close:${code}`));
    });
  }

  test('token in subprotocol admits', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${bridge.port}/api/events`, [`glov-token.${bridge.token}`]);
    assert.equal(await firstMessageOrClose(socket), 'message:{"type":"ready"}');
    socket.close();
  });

  test('token in first message admits', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${bridge.port}/api/events`);
    await new Promise((resolve) => socket.once('open', resolve));
    const reply = firstMessageOrClose(socket);
    socket.send(JSON.stringify({ token: bridge.token }));
    assert.equal(await reply, 'message:{"type":"ready"}');
    socket.close();
  });

  test('wrong token closes with 4401', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${bridge.port}/api/events`);
    await new Promise((resolve) => socket.once('open', resolve));
    const reply = firstMessageOrClose(socket);
    socket.send(JSON.stringify({ token: 'wrong' }));
    assert.equal(await reply, 'close:4401');
  });
});

describe('bridge host option', () => {
  test('non-loopback host is refused', async () => {
    await assert.rejects(startBridge({ host: '0.0.0.0', dbPath: path.join(workDir, 'other.sqlite') }), /loopback/);
  });
});
