/**
 * The workbench service on the real engine: tiny GGUF LLM, tiny CLIP and DTD images.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import type { RunEvent, RunSettings } from '../../src/engine/api.js';
import { createWorkbenchService, type WorkbenchService } from '../../src/engine/service/service.js';
import { defaultRunSettings } from '../../src/engine/service/settings.js';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const datasetsRoot = path.resolve(repoRoot, '..', 'shared', 'datasets');
const fixtures = path.join(repoRoot, 'test', 'fixtures');

/** Small enough for a CPU test: 3 steps of 2 candidates. */
const smallSettings: RunSettings = { ...defaultRunSettings, steps: 3, candidatesPerStep: 2 };

let workDir: string;
let dbPath: string;

async function openService(): Promise<WorkbenchService> {
  return createWorkbenchService({ transport: 'bridge', dbPath, dataRoots: [datasetsRoot, fixtures], threads: 2 });
}

function nextEvent(service: WorkbenchService, matches: (event: RunEvent) => boolean): Promise<RunEvent> {
  return new Promise((resolve) => {
    const unsubscribe = service.onRunEvent((event) => {
      if (matches(event)) {
        unsubscribe();
        resolve(event);
      }
    });
  });
}

before(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'glov-service-'));
  dbPath = path.join(workDir, 'runs.sqlite');
});

after(async () => {
  await rm(workDir, { recursive: true, force: true });
});

test('run pauses, resumes and finishes', async () => {
  const service = await openService();
  try {
    const dataset = await service.addDataset({ path: path.join(datasetsRoot, 'dtd10') });
    assert.ok(dataset);
    await service.selectModel({ kind: 'llm', path: path.join(fixtures, 'tiny-gguf', 'tiny-chat.gguf') });
    await service.selectModel({ kind: 'vlm', path: path.join(fixtures, 'tiny-clip') });

    await assert.rejects(service.startRun({ datasetId: dataset.id, settings: { ...smallSettings, topP: 1.5 } }), {
      code: 'invalid-config',
      message: /"topP": 1\.5/,
    });

    const firstStep = nextEvent(service, (event) => event.type === 'step-finished');
    const run = await service.startRun({ datasetId: dataset.id, settings: smallSettings, label: 'pause test' });
    assert.equal(run.status, 'running');
    await firstStep;

    const paused = await service.pauseRun(run.id);
    assert.equal(paused.status, 'paused');
    assert.ok(paused.stepsDone >= 1, `paused after ${paused.stepsDone} steps`);
    assert.ok(paused.stepsDone < 3, `paused after ${paused.stepsDone} steps`);

    const finished = nextEvent(service, (event) => event.type === 'run-finished');
    const resumed = await service.resumeRun(run.id);
    assert.equal(resumed.status, 'running');
    await finished;

    const detail = await service.getRun(run.id);
    assert.equal(detail.status, 'finished');
    assert.deepEqual(detail.steps.map((step) => step.step), [0, 1, 2]);
    assert.ok(detail.steps.every((step) => step.metaPrompt.length > 0));
    assert.ok(detail.steps.every((step) => step.candidates.length === 2));
    assert.equal(detail.settings.datasetName, 'dtd10', 'an empty dataset name falls back to the folder name');
    assert.match(detail.steps[0]?.metaPrompt ?? '', /Dataset: dtd10\n/);
    assert.notEqual(detail.testAccuracy, null);

    const leaderboard = await service.getLeaderboard(run.id);
    assert.ok(leaderboard.some((entry) => entry.template === 'a photo of a {c}.'));

    const compared = await service.compareRuns([run.id]);
    assert.equal(compared[0]?.bestFitnessPerStep.length, 3);

    const csv = await service.exportRun({ runId: run.id, format: 'csv' });
    assert.match(csv.content, /^run_id,step,sample_index,template/);
    const clipBenchmark = JSON.parse((await service.exportRun({ runId: run.id, format: 'clip-benchmark' })).content) as Record<string, string[]>;
    assert.ok(Array.isArray(clipBenchmark.dtd10));
  } finally {
    await service.close();
  }
});

test('run left running is interrupted on reopen', async () => {
  const first = await openService();
  const [dataset] = await first.listDatasets();
  assert.ok(dataset, 'dataset list survives a restart');
  const run = await first.startRun({ datasetId: dataset.id, settings: { ...smallSettings, steps: 50 } });
  await first.close();

  const second = await openService();
  try {
    const info = await second.getAppInfo();
    assert.equal(info.llm?.layerCount, 4, 'model choice survives a restart');
    const reopened = (await second.listRuns()).find((entry) => entry.id === run.id);
    assert.equal(reopened?.status, 'interrupted');
    const cancelled = await second.cancelRun(run.id);
    assert.equal(cancelled.status, 'cancelled');
    await assert.rejects(second.resumeRun(run.id), { code: 'run-not-resumable' });
  } finally {
    await second.close();
  }
});

test('start without models names the fix', async () => {
  const service = await createWorkbenchService({ transport: 'bridge', dbPath: path.join(workDir, 'empty.sqlite'), dataRoots: [datasetsRoot] });
  try {
    const dataset = await service.addDataset({ path: path.join(datasetsRoot, 'dtd10') });
    assert.ok(dataset);
    await assert.rejects(service.startRun({ datasetId: dataset.id, settings: smallSettings }), {
      code: 'models-missing',
      hint: /Models screen/,
    });
  } finally {
    await service.close();
  }
});
