import assert from 'node:assert/strict';
import { test } from 'node:test';

import { clipTemplatesFor, IMAGENET_TEMPLATES } from '../../src/engine/baselines/clip-templates.js';
import {
  CSV_HEADER,
  exportCandidatesCsv,
  exportClipBenchmarkTemplates,
  exportRunJson,
  exportTemplateList,
} from '../../src/engine/export/formats.js';
import { runGlov } from '../../src/engine/optimizer/run.js';
import { openStore } from '../../src/engine/store/database.js';
import { getCandidates } from '../../src/engine/store/queries.js';
import { syntheticDataset } from '../helpers/datasets.js';
import { FakeVlm } from '../helpers/fake-vlm.js';
import { ScriptedLlm, seededReplies } from '../helpers/scripted-llm.js';

const classes = ['banded', 'blotchy', 'braided', 'bubbly', 'bumpy', 'chequered'];

async function storedRun() {
  const store = openStore(':memory:');
  const result = await runGlov({ config: { steps: 2, shots: 3, candidatesPerStep: 6 }, llm: new ScriptedLlm({ reply: seededReplies }), vlm: new FakeVlm(), dataset: syntheticDataset(classes), store });
  return { store, runId: result.runId };
}

test('json export uses acc1 fractions', async () => {
  const { store, runId } = await storedRun();
  const exported = exportRunJson(store, runId);
  assert.equal(exported.run.id, runId);
  assert.equal(exported.evaluations.length, 2);
  for (const evaluation of exported.evaluations) {
    assert.ok(evaluation.acc1 >= 0);
    assert.ok(evaluation.acc1 <= 1);
    assert.ok(Math.abs(evaluation.acc1 - evaluation.correct / evaluation.total) < 1e-12);
  }
  assert.deepEqual(exported.bestTemplates, exported.evaluations[0]?.templates);
  assert.equal(JSON.parse(JSON.stringify(exported)).format, 'glov-run');
  assert.throws(() => exportRunJson(store, 42), /Run 42 not found/);
  store.close();
});

test('csv export has header and rows', async () => {
  const { store, runId } = await storedRun();
  store.prepare("UPDATE candidates SET raw_text = 'say \"hi\", then\nstop' WHERE step = 0 AND sample_index = 0").run();
  const csv = exportCandidatesCsv(store, runId);
  const firstLine = csv.split('\n')[0];
  assert.equal(firstLine, CSV_HEADER.join(','));
  assert.ok(csv.includes('"say ""hi"", then\nstop"'));
  const candidateCount = getCandidates(store, runId).length;
  const rowStarts = csv.split('\n').filter((line) => line.startsWith(`${runId},`)).length;
  assert.equal(rowStarts, candidateCount);
  store.close();
});

test('template list and clip benchmark json', () => {
  assert.equal(exportTemplateList(['a {c}.', 'b\n{c}']), 'a {c}.\nb {c}\n');
  const parsed = JSON.parse(exportClipBenchmarkTemplates('dtd', ['a photo of a {c}.']));
  assert.deepEqual(parsed, { dtd: ['a photo of a {c}.'] });
});

test('clip template lists have known sizes', () => {
  assert.equal(IMAGENET_TEMPLATES.length, 80);
  assert.equal(new Set(IMAGENET_TEMPLATES).size, 80);
  assert.equal(clipTemplatesFor('dtd10')?.length, 8);
  assert.equal(clipTemplatesFor('caltech101')?.length, 34);
  assert.equal(clipTemplatesFor('cifar10')?.length, 18);
  assert.equal(clipTemplatesFor('flowers102')?.length, 1);
  assert.equal(clipTemplatesFor('unknown'), null);
  assert.ok(IMAGENET_TEMPLATES.every((template) => template.includes('{c}') && !template.includes('{}')));
});
