import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { GlovEvent } from '../../src/engine/optimizer/events.js';
import { PAUSE_REASON, runGlov } from '../../src/engine/optimizer/run.js';
import { stepSeed } from '../../src/engine/optimizer/seeds.js';
import { openStore } from '../../src/engine/store/database.js';
import { getCandidates, getEvaluations, getGuidancePairs, getRun, getSteps } from '../../src/engine/store/queries.js';
import { syntheticDataset } from '../helpers/datasets.js';
import { FakeVlm } from '../helpers/fake-vlm.js';
import { ScriptedLlm, seededReplies } from '../helpers/scripted-llm.js';

const classes = ['banded', 'blotchy', 'braided', 'bubbly', 'bumpy', 'chequered', 'cobwebbed', 'cracked', 'crosshatched', 'crystalline'];

test('run steers after first improvement', async () => {
  const store = openStore(':memory:');
  const llm = new ScriptedLlm({ reply: seededReplies });
  const events: GlovEvent[] = [];
  const eventsSeenStored: boolean[] = [];
  const result = await runGlov({
    config: { steps: 6, shots: 3, candidatesPerStep: 8, datasetDescription: 'Textures.' },
    llm,
    vlm: new FakeVlm(),
    dataset: syntheticDataset(classes),
    store,
    onEvent: (event) => {
      events.push(event);
      if (event.type === 'candidate-scored') {
        eventsSeenStored.push(getCandidates(store, event.runId, { step: event.step }).some((row) => row.id === event.candidateId));
      }
    },
  });
  assert.equal(result.outcome, 'finished');
  assert.ok(eventsSeenStored.length > 0);
  assert.ok(eventsSeenStored.every(Boolean), 'candidate events follow the commit');

  const pairs = getGuidancePairs(store, result.runId);
  assert.ok(pairs.length > 0, 'at least one improvement in 6 steps');
  const firstPairStep = pairs[0]?.step as number;
  llm.requests.forEach((request, step) => {
    assert.equal(request.sampling.seed, stepSeed(7777, step));
    assert.equal(request.maxNewTokens, 50);
    assert.equal(request.steering != null, step > firstPairStep, `steering at step ${step}`);
  });
  for (const pair of pairs) {
    assert.ok(pair.secondFitness < pair.bestFitness);
    assert.ok(pair.vectorNorm > 0);
  }
  assert.equal(llm.captures[0]?.texts.every((text) => text.includes('<category>')), true);

  const steps = getSteps(store, result.runId);
  assert.equal(steps.length, 6);
  const candidates = getCandidates(store, result.runId);
  assert.equal(candidates.length, 1 + 6 * 8);
  const rejected = candidates.filter((row) => row.rejection !== null).length;
  assert.equal(steps.reduce((sum, step) => sum + step.rejectedCount, 0), rejected);

  const evaluations = getEvaluations(store, result.runId);
  assert.deepEqual(evaluations.map((row) => row.kind), ['glov-ensemble', 'baseline']);
  assert.equal(evaluations[1]?.templates[0], 'a photo of a {c}.');
  assert.equal(getRun(store, result.runId)?.status, 'finished');
  const types = events.map((event) => event.type);
  assert.equal(types[0], 'run-started');
  assert.equal(types.at(-1), 'run-finished');
  store.close();
});

test('run without guidance never steers', async () => {
  const store = openStore(':memory:');
  const llm = new ScriptedLlm({ reply: seededReplies });
  const result = await runGlov({
    config: { steps: 4, shots: 3, candidatesPerStep: 6, guidance: 'none' },
    llm,
    vlm: new FakeVlm(),
    dataset: syntheticDataset(classes),
    store,
  });
  assert.equal(result.outcome, 'finished');
  assert.ok(llm.requests.every((request) => request.steering == null));
  assert.equal(llm.captures.length, 0);
  assert.equal(getGuidancePairs(store, result.runId).length, 0);
  store.close();
});

test('llm-opt mode uses pools unsteered', async () => {
  const store = openStore(':memory:');
  const llm = new ScriptedLlm({ reply: seededReplies });
  await runGlov({ config: { steps: 3, shots: 3, candidatesPerStep: 6, mode: 'llm-opt' }, llm, vlm: new FakeVlm(), dataset: syntheticDataset(classes), store });
  assert.ok(llm.requests.every((request) => request.steering == null));
  assert.match(llm.requests[2]?.messages[1]?.content ?? '', /Positive examples/);
  store.close();
});

test('run pauses and resumes identically', async () => {
  const reference = openStore(':memory:');
  const full = await runGlov({ config: { steps: 5, shots: 3, candidatesPerStep: 6 }, llm: new ScriptedLlm({ reply: seededReplies }), vlm: new FakeVlm(), dataset: syntheticDataset(classes), store: reference });

  const store = openStore(':memory:');
  const controller = new AbortController();
  const paused = await runGlov({
    config: { steps: 5, shots: 3, candidatesPerStep: 6 },
    llm: new ScriptedLlm({ reply: seededReplies }),
    vlm: new FakeVlm(),
    dataset: syntheticDataset(classes),
    store,
    signal: controller.signal,
    onEvent: (event) => {
      if (event.type === 'step-finished' && event.step === 1) {
        controller.abort(PAUSE_REASON);
      }
    },
  });
  assert.equal(paused.outcome, 'paused');
  assert.equal(getRun(store, paused.runId)?.status, 'paused');
  assert.equal(getSteps(store, paused.runId).length, 2);

  const resumed = await runGlov({ resumeRunId: paused.runId, llm: new ScriptedLlm({ reply: seededReplies }), vlm: new FakeVlm(), dataset: syntheticDataset(classes), store });
  assert.equal(resumed.outcome, 'finished');
  const strip = (rows: ReturnType<typeof getCandidates>) => rows.map(({ id: _id, ...rest }) => rest);
  assert.deepEqual(strip(getCandidates(store, resumed.runId)), strip(getCandidates(reference, full.runId)));
  assert.equal(resumed.testAccuracy, full.testAccuracy);
  reference.close();
  store.close();
});

test('run rejects invalid initial template', async () => {
  const store = openStore(':memory:');
  await assert.rejects(
    runGlov({ config: { steps: 1, initialTemplate: 'a photo' }, llm: new ScriptedLlm({ reply: seededReplies }), vlm: new FakeVlm(), dataset: syntheticDataset(classes), store }),
    /no class-name placeholder/,
  );
  const runs = store.prepare('SELECT status, error FROM runs').all() as Array<{ status: string; error: string }>;
  assert.equal(runs[0]?.status, 'failed');
  store.close();
});
