/**
 * The desktop app's IPC dispatch (src/main/ipc.ts) against a real service.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { dispatchCall } from '../../src/main/ipc.js';
import { createWorkbenchService, type WorkbenchService } from '../../src/engine/service/service.js';

let workDir: string;
let service: WorkbenchService;

before(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'glov-ipc-'));
  service = await createWorkbenchService({
    transport: 'ipc',
    dbPath: path.join(workDir, 'ipc.sqlite'),
    dataRoots: [workDir],
    pickPath: async () => null,
  });
});

after(async () => {
  await service.close();
  await rm(workDir, { recursive: true, force: true });
});

test('known method returns result', async () => {
  const reply = await dispatchCall(service, 'getAppInfo', []);
  assert.equal(reply.ok, true);
  assert.equal(reply.ok && (reply.result as { canPickPaths: boolean }).canPickPaths, true);
});

test('unknown method is rejected', async () => {
  const reply = await dispatchCall(service, 'close', []);
  assert.deepEqual(reply, { ok: false, error: { message: 'Unknown API method: close.', code: 'ipc-unknown-method' } });
});

test('non-array arguments are rejected', async () => {
  const reply = await dispatchCall(service, 'listRuns', 'x');
  assert.equal(reply.ok, false);
  assert.equal(!reply.ok && reply.error.code, 'ipc-invalid-args');
});

test('cancelled dialog returns null', async () => {
  const reply = await dispatchCall(service, 'addDataset', [{}]);
  assert.deepEqual(reply, { ok: true, result: null });
});

test('engine error becomes readable payload', async () => {
  const reply = await dispatchCall(service, 'getRun', ['999']);
  assert.equal(reply.ok, false);
  assert.equal(!reply.ok && reply.error.code, 'run-not-found');
  assert.equal(!reply.ok && reply.error.message, 'Run not found: 999.');
});
