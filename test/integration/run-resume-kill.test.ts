import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';

import { runGlov } from '../../src/engine/optimizer/run.js';
import { openStore } from '../../src/engine/store/database.js';
import { getCandidates, getEvaluations, getGuidancePairs, getRun, getSteps } from '../../src/engine/store/queries.js';
import { loadRunState, markInterruptedRuns } from '../../src/engine/store/runs.js';
import { folderDataset, repoRoot } from '../helpers/datasets.js';
import { FakeVlm } from '../helpers/fake-vlm.js';
import { ScriptedLlm, seededReplies } from '../helpers/scripted-llm.js';

const folder = mkdtempSync(path.join(tmpdir(), 'glov-kill-'));
after(() => rmSync(folder, { recursive: true, force: true }));
const childScript = path.join(repoRoot, 'test', 'integration', 'run-resume-child.ts');
const childConfig = { steps: 6, candidatesPerStep: 6, shots: 2, datasetDescription: 'Ten texture classes.' };

/** Run the child until it emits `step-started` for `killAtStep`, then SIGKILL it. */
async function runChildUntilKilled(storeFile: string, killAtStep: number): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, storeFile, 'start'], {
    cwd: repoRoot,
    env: { ...process.env, GLOV_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  let runId = -1;
  for await (const line of createInterface({ input: child.stdout })) {
    const event = JSON.parse(line) as { type: string; runId: number; step?: number };
    runId = event.runId;
    if (event.type === 'step-started' && event.step === killAtStep) {
      child.kill('SIGKILL');
      break;
    }
    assert.notEqual(event.type, 'run-finished', 'child finished before it could be killed');
  }
  assert.equal(await exited, 'SIGKILL');
  return runId;
}

test('run resumes after SIGKILL without loss', async () => {
  const killedFile = path.join(folder, 'killed.sqlite');
  const runId = await runChildUntilKilled(killedFile, 3);

  const store = openStore(killedFile);
  const state = loadRunState(store, runId);
  assert.equal(state?.status, 'running');
  assert.equal(state?.completedSteps, 3, 'steps 0-2 committed, step 3 in flight and absent');
  assert.equal(Math.max(...(state?.candidates.map((row) => row.step) ?? [])), 2);
  assert.equal(markInterruptedRuns(store), 1);
  assert.equal(getRun(store, runId)?.status, 'interrupted');

  const llm = new ScriptedLlm({ reply: seededReplies });
  const resumed = await runGlov({ resumeRunId: runId, llm, vlm: new FakeVlm(), dataset: folderDataset('dtd10'), store });
  assert.equal(resumed.outcome, 'finished');
  assert.equal(llm.requests.length, 3, 'only steps 3-5 are generated again');

  const referenceStore = openStore(path.join(folder, 'reference.sqlite'));
  const reference = await runGlov({
    config: childConfig,
    llm: new ScriptedLlm({ reply: seededReplies }),
    vlm: new FakeVlm(),
    dataset: folderDataset('dtd10'),
    store: referenceStore,
  });

  const strip = <T extends { id: number }>(rows: T[]) => rows.map(({ id: _id, ...rest }) => rest);
  assert.deepEqual(strip(getCandidates(store, runId)), strip(getCandidates(referenceStore, reference.runId)));
  assert.ok(getGuidancePairs(referenceStore, reference.runId).length > 0, 'the run steers, so resume must restore a pair');
  assert.deepEqual(strip(getGuidancePairs(store, runId)), strip(getGuidancePairs(referenceStore, reference.runId)));
  const stepShape = (rows: ReturnType<typeof getSteps>) =>
    rows.map((row) => [row.step, row.seed, row.metaPrompt, row.rejections, row.ensembleTemplates, row.guidancePairId !== null]);
  assert.deepEqual(stepShape(getSteps(store, runId)), stepShape(getSteps(referenceStore, reference.runId)));
  assert.deepEqual(strip(getEvaluations(store, runId)), strip(getEvaluations(referenceStore, reference.runId)));
  assert.equal(getRun(store, runId)?.status, 'finished');
  store.close();
  referenceStore.close();
});
