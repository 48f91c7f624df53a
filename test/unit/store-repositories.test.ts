import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import Database from 'better-sqlite3';

import { runGlov } from '../../src/engine/optimizer/run.js';
import { openStore } from '../../src/engine/store/database.js';
import { getCachedTextEmbeddings, putTextEmbeddings } from '../../src/engine/store/embedding-cache.js';
import { migrations } from '../../src/engine/store/migrations.js';
import { compareRuns, getCandidates, getRun, leaderboard, listRuns } from '../../src/engine/store/queries.js';
import { markInterruptedRuns, setRunStatus } from '../../src/engine/store/runs.js';
import { syntheticDataset } from '../helpers/datasets.js';
import { FakeVlm } from '../helpers/fake-vlm.js';
import { ScriptedLlm, seededReplies } from '../helpers/scripted-llm.js';

const folder = mkdtempSync(path.join(tmpdir(), 'glov-store-'));
after(() => rmSync(folder, { recursive: true, force: true }));
const classes = ['banded', 'blotchy', 'braided', 'bubbly', 'bumpy', 'chequered', 'cobwebbed', 'cracked'];

test('store migrates to latest version', () => {
  const file = path.join(folder, 'migrate.sqlite');
  const store = openStore(file);
  assert.equal(store.pragma('user_version', { simple: true }), migrations.length);
  assert.equal(store.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(store.pragma('foreign_keys', { simple: true }), 1);
  store.close();
  const reopened = openStore(file);
  assert.equal(reopened.pragma('user_version', { simple: true }), migrations.length);
  reopened.close();
});

test('store rejects newer schema', () => {
  const file = path.join(folder, 'newer.sqlite');
  const raw = new Database(file);
  raw.pragma(`user_version = ${migrations.length + 1}`);
  raw.close();
  assert.throws(() => openStore(file), /newer than this build supports/);
});

test('store enforces foreign keys', () => {
  const store = openStore(path.join(folder, 'fk.sqlite'));
  assert.throws(() =>
    store.prepare("INSERT INTO candidates (run_id, step, sample_index, raw_text, template, fitness) VALUES (99, 0, 0, 'x', 'x', 1)").run(),
  /FOREIGN KEY/);
  store.close();
});

test('text cache round-trips floats', () => {
  const store = openStore(path.join(folder, 'cache.sqlite'));
  putTextEmbeddings(store, 'm', [['a photo of a cat.', Float32Array.from([0.5, -0.25, 1])]]);
  const found = getCachedTextEmbeddings(store, 'm', ['a photo of a cat.', 'missing']);
  assert.deepEqual(Array.from(found.get('a photo of a cat.') ?? []), [0.5, -0.25, 1]);
  assert.equal(found.has('missing'), false);
  assert.equal(getCachedTextEmbeddings(store, 'other', ['a photo of a cat.']).size, 0);
  store.close();
});

test('repositories list, rank and compare', async () => {
  const store = openStore(path.join(folder, 'repo.sqlite'));
  const vlm = new FakeVlm();
  const first = await runGlov({ config: { steps: 3, shots: 3, candidatesPerStep: 8 }, llm: new ScriptedLlm({ reply: seededReplies }), vlm, dataset: syntheticDataset(classes), store, label: 'a' });
  const textCallsAfterFirst = vlm.embeddedTexts;
  const second = await runGlov({ config: { steps: 3, shots: 3, candidatesPerStep: 8, guidance: 'none' }, llm: new ScriptedLlm({ reply: seededReplies }), vlm, dataset: syntheticDataset(classes), store, label: 'b' });
  assert.ok(vlm.embeddedTexts < textCallsAfterFirst * 2, 'second run reuses cached text embeddings');
  assert.equal(vlm.imageCalls, 2, 'train and test images embedded once for both runs');

  assert.deepEqual(listRuns(store).map((run) => run.id), [second.runId, first.runId]);
  const run = getRun(store, first.runId);
  assert.equal(run?.label, 'a');
  assert.equal(run?.config.steps, 3);
  assert.equal(run?.stepsDone, 3);
  assert.ok(run?.software.node);

  const board = leaderboard(store, first.runId);
  const fitnesses = board.map((row) => row.trainFitness);
  assert.deepEqual(fitnesses, [...fitnesses].sort((a, b) => b - a));
  assert.equal(new Set(board.map((row) => row.template)).size, board.length);
  const duplicates = getCandidates(store, first.runId).filter((row) => row.rejection === 'duplicate').length;
  const accepted = getCandidates(store, first.runId).filter((row) => row.fitness !== null).length;
  assert.equal(board.reduce((sum, row) => sum + row.occurrences, 0), accepted + duplicates);

  const comparison = compareRuns(store, [first.runId, second.runId, 999]);
  assert.equal(comparison.length, 2);
  assert.equal(comparison[0]?.bestFitnessPerStep.length, 3);
  const curve = comparison[0]?.bestFitnessPerStep ?? [];
  assert.deepEqual(curve, [...curve].sort((a, b) => a - b));

  setRunStatus(store, first.runId, 'running');
  assert.equal(markInterruptedRuns(store), 1);
  assert.equal(getRun(store, first.runId)?.status, 'interrupted');
  store.close();
});
