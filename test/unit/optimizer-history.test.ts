import assert from 'node:assert/strict';
import { test } from 'node:test';

import { History } from '../../src/engine/optimizer/history.js';
import { buildLlmOptMetaPrompt, buildMetaPrompt } from '../../src/engine/optimizer/meta-prompt.js';

function historyOf(fitnesses: number[]): History {
  const history = new History();
  fitnesses.forEach((fitness, index) => {
    history.add({ id: index + 1, template: `t${index} {c}`, fitness, step: index === 0 ? -1 : 0, sampleIndex: index });
  });
  return history;
}

test('history ranks stably with earlier first', () => {
  const history = historyOf([50, 70, 60, 70, 50]);
  assert.deepEqual(history.descending().map((entry) => entry.id), [2, 4, 3, 1, 5]);
  assert.deepEqual(history.ascending().map((entry) => entry.id), [5, 1, 3, 4, 2]);
});

test('examples use k = min(k, floor(n/2))', () => {
  const history = historyOf([10, 20, 30, 40, 50]);
  const { best, worst } = history.examples(5, 5);
  assert.deepEqual(best.map((entry) => entry.fitness), [40, 50]);
  assert.deepEqual(worst.map((entry) => entry.fitness), [10, 20]);
  assert.equal(historyOf([10]).examples(5, 5).best.length, 0);
});

test('guidance pair needs strict improvement', () => {
  const history = historyOf([50, 50, 40]);
  assert.equal(history.improvedPair(50), null);
});

test('guidance pair skips ties of the best', () => {
  const history = historyOf([50, 70, 70, 60]);
  const pair = history.improvedPair(50);
  assert.ok(pair);
  assert.equal(pair.best.id, 2);
  assert.equal(pair.second.id, 4);
});

test('meta-prompt orders blocks and truncates', () => {
  const history = historyOf([63.9, 10.2, 80.5, 45.99, 70.01, 20.7]);
  const prompt = buildMetaPrompt({ datasetName: 'DTD', datasetDescription: 'Textures.', history, step: 3, topK: 5, bottomK: 5 });
  const user = prompt.messages[1]?.content ?? '';
  const bestBlock = user.split('Best templates:\n')[1]?.split('\n\n')[0];
  const worstBlock = user.split('Worst templates:\n')[1]?.split('\n\n')[0];
  assert.equal(bestBlock, ['1: t0 <category> --- Accuracy: 63', '2: t4 <category> --- Accuracy: 70', '3: t2 <category> --- Accuracy: 80'].join('\n'));
  assert.equal(worstBlock, ['1: t1 <category> --- Accuracy: 10', '2: t5 <category> --- Accuracy: 20', '3: t3 <category> --- Accuracy: 45'].join('\n'));
  assert.match(user, /from the last 4 runs/);
  assert.match(user, /Dataset: DTD\nDescription: Textures\./);
  assert.doesNotMatch(user, /\{c\}/);
  assert.equal(prompt.messages[0]?.role, 'system');
});

test('meta-prompt step 0 shows initial', () => {
  const history = historyOf([61.7]);
  const prompt = buildMetaPrompt({ datasetName: 'DTD', datasetDescription: 'd', history, step: 0, topK: 5, bottomK: 5 });
  const user = prompt.messages[1]?.content ?? '';
  assert.match(user, /1: t0 <category> --- Accuracy: 61/);
  assert.doesNotMatch(user, /Worst templates/);
});

test('llm-opt meta-prompt uses pools', () => {
  const history = historyOf([10, 20, 30, 40, 50, 60, 70]);
  const prompt = buildLlmOptMetaPrompt({ datasetName: 'DTD', datasetDescription: 'd', history, step: 2, topK: 5, bottomK: 5, poolSize: 3 });
  const user = prompt.messages[1]?.content ?? '';
  assert.match(user, /Positive examples[^\n]*\n1: t4 <category> --- Accuracy: 50\n2: t5 <category> --- Accuracy: 60\n3: t6 <category> --- Accuracy: 70/);
  assert.match(user, /Negative examples[^\n]*\n1: t0 <category> --- Accuracy: 10/);
});
