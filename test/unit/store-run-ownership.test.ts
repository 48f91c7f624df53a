/**
 * Run ownership: a run that a live process executes cannot be claimed by a
 * second one, a run whose owner died can, and startup marks only dead-owned
 * runs as interrupted. Real SQLite files; "another live process" is this test
 * process itself (its pid is alive), a dead owner is a child that has exited.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import { resolveConfig } from '../../src/engine/optimizer/config.js';
import { PAUSE_REASON, runGlov } from '../../src/engine/optimizer/run.js';
import { openStore, type Store } from '../../src/engine/store/database.js';
import { getRun } from '../../src/engine/store/queries.js';
import {
  claimRun,
  createRun,
  getRunOwner,
  isProcessAlive,
  markInterruptedRuns,
  setRunStatus,
  STALE_HEARTBEAT_MS,
} from '../../src/engine/store/runs.js';
import { syntheticDataset } from '../helpers/datasets.js';
import { FakeVlm } from '../helpers/fake-vlm.js';
import { ScriptedLlm, seededReplies } from '../helpers/scripted-llm.js';

const folder = mkdtempSync(path.join(tmpdir(), 'glov-owner-'));
after(() => rmSync(folder, { recursive: true, force: true }));
const classes = ['banded', 'blotchy', 'braided', 'bubbly'];

/** Spawn a child, wait until it has exited (and been reaped), and return its pid. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise<void>((resolve) => child.on('exit', () => resolve()));
  assert.ok(child.pid !== undefined);
  assert.equal(isProcessAlive(child.pid), false);
  return child.pid;
}

function newRun(store: Store): number {
  return createRun(store, {
    dataset: { name: 'dtd', fingerprint: 'fp-dtd', classNames: classes },
    llmFingerprint: 'llm',
    vlmFingerprint: 'vlm',
    config: resolveConfig({ datasetName: 'dtd' }, { layerCount: 4 }),
    software: { node: process.versions.node },
  });
}

function setOwner(store: Store, runId: number, owner: { pid: number; host?: string; heartbeatAt?: string }): void {
  store
    .prepare("UPDATE runs SET status = 'running', owner_pid = ?, owner_host = ?, heartbeat_at = ? WHERE id = ?")
    .run(owner.pid, owner.host ?? hostname(), owner.heartbeatAt ?? new Date().toISOString(), runId);
}

test('createRun records this process as owner', () => {
  const store = openStore(path.join(folder, 'create.sqlite'));
  const runId = newRun(store);
  const owner = getRunOwner(store, runId);
  assert.equal(owner?.pid, process.pid);
  assert.equal(owner?.host, hostname());
  assert.ok(owner?.heartbeatAt);
  store.close();
});

test('claim is rejected while the owner pid is alive', () => {
  const store = openStore(path.join(folder, 'live.sqlite'));
  const runId = newRun(store);
  let rejection: (Error & { code?: string; hint?: string }) | undefined;
  try {
    claimRun(store, runId);
  } catch (error) {
    rejection = error as Error & { code?: string; hint?: string };
  }
  assert.equal(rejection?.code, 'run-in-use');
  assert.match(rejection?.message ?? '', new RegExp(`Run ${runId} `));
  assert.match(rejection?.message ?? '', new RegExp(`process ${process.pid} `));
  assert.match(rejection?.hint ?? '', /wait for it to finish or stop that process/i);
  assert.equal(getRun(store, runId)?.status, 'running');
  store.close();
});

test('claim takes over a run whose owner pid is dead', async () => {
  const store = openStore(path.join(folder, 'dead.sqlite'));
  const runId = newRun(store);
  setOwner(store, runId, { pid: await deadPid() });
  claimRun(store, runId);
  assert.equal(getRun(store, runId)?.status, 'running');
  assert.equal(getRunOwner(store, runId)?.pid, process.pid);
  store.close();
});

test('another host owns a run until its heartbeat goes stale', () => {
  const store = openStore(path.join(folder, 'host.sqlite'));
  const runId = newRun(store);
  // A pid from another host means nothing here; only its heartbeat counts.
  setOwner(store, runId, { pid: 1, host: `${hostname()}-other` });
  assert.throws(() => claimRun(store, runId), { code: 'run-in-use' });
  setOwner(store, runId, {
    pid: 1,
    host: `${hostname()}-other`,
    heartbeatAt: new Date(Date.now() - STALE_HEARTBEAT_MS - 60_000).toISOString(),
  });
  claimRun(store, runId);
  assert.equal(getRunOwner(store, runId)?.host, hostname());
  store.close();
});

test('a stopped run has no owner and can be claimed', () => {
  const store = openStore(path.join(folder, 'paused.sqlite'));
  const runId = newRun(store);
  setRunStatus(store, runId, 'paused');
  assert.equal(getRunOwner(store, runId), null);
  claimRun(store, runId);
  assert.equal(getRun(store, runId)?.status, 'running');
  setRunStatus(store, runId, 'finished');
  assert.throws(() => claimRun(store, runId), { code: 'run-already-finished' });
  store.close();
});

test('markInterruptedRuns leaves live-owned runs alone', async () => {
  const store = openStore(path.join(folder, 'interrupt.sqlite'));
  const live = newRun(store);
  const dead = newRun(store);
  setOwner(store, dead, { pid: await deadPid() });
  const legacy = newRun(store);
  // A row from before migration 2 has no owner at all: nothing can be executing it.
  store.prepare('UPDATE runs SET owner_pid = NULL, owner_host = NULL, heartbeat_at = NULL WHERE id = ?').run(legacy);

  assert.equal(markInterruptedRuns(store), 2);
  assert.equal(getRun(store, live)?.status, 'running');
  assert.equal(getRunOwner(store, live)?.pid, process.pid);
  assert.equal(getRun(store, dead)?.status, 'interrupted');
  assert.equal(getRunOwner(store, dead), null);
  assert.equal(getRun(store, legacy)?.status, 'interrupted');
  store.close();
});

test('runGlov resume respects run owner', async () => {
  const store = openStore(path.join(folder, 'resume.sqlite'));
  const vlm = new FakeVlm();
  const dataset = syntheticDataset(classes);
  const config = { steps: 2, shots: 2, candidatesPerStep: 4 };
  const paused = new AbortController();
  paused.abort(PAUSE_REASON);
  const first = await runGlov({ config, llm: new ScriptedLlm({ reply: seededReplies }), vlm, dataset, store, signal: paused.signal });
  assert.equal(first.outcome, 'paused');

  // Another process (alive: it is this one) is executing the run.
  setOwner(store, first.runId, { pid: process.pid });
  await assert.rejects(
    runGlov({ resumeRunId: first.runId, llm: new ScriptedLlm({ reply: seededReplies }), vlm, dataset, store }),
    { code: 'run-in-use' },
  );
  const untouched = getRun(store, first.runId);
  assert.equal(untouched?.status, 'running', 'the rejected resume must not mark the run failed');
  assert.equal(untouched?.error ?? null, null);

  setOwner(store, first.runId, { pid: await deadPid() });
  const resumed = await runGlov({ resumeRunId: first.runId, llm: new ScriptedLlm({ reply: seededReplies }), vlm, dataset, store });
  assert.equal(resumed.outcome, 'finished');
  assert.equal(getRun(store, first.runId)?.stepsDone, 2);
  assert.equal(getRunOwner(store, first.runId), null, 'a finished run releases its owner');
  store.close();
});
