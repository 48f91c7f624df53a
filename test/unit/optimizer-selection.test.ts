import assert from 'node:assert/strict';
import { test } from 'node:test';

import { selectStep, topTemplatesOfStep } from '../../src/engine/optimizer/selection.js';

test('top templates keep three best', () => {
  const top = topTemplatesOfStep([
    { template: 'a', fitness: 10, sampleIndex: 0 },
    { template: 'b', fitness: 30, sampleIndex: 1 },
    { template: 'c', fitness: 20, sampleIndex: 2 },
    { template: 'd', fitness: 30, sampleIndex: 3 },
  ]);
  assert.deepEqual(top.templates, ['b', 'd', 'c']);
  assert.equal(top.meanFitness, 80 / 3);
  assert.deepEqual(topTemplatesOfStep([]).templates, []);
});

test('selection prefers ensemble accuracy', () => {
  const chosen = selectStep([
    { step: 0, templates: ['a'], trainAccuracy: 50, meanFitness: 90 },
    { step: 1, templates: ['b'], trainAccuracy: 60, meanFitness: 10 },
  ]);
  assert.equal(chosen?.step, 1);
});

test('selection ties go to mean then later', () => {
  const byMean = selectStep([
    { step: 0, templates: ['a'], trainAccuracy: 60, meanFitness: 55 },
    { step: 1, templates: ['b'], trainAccuracy: 60, meanFitness: 50 },
  ]);
  assert.equal(byMean?.step, 0);
  const byStep = selectStep([
    { step: 0, templates: ['a'], trainAccuracy: 60, meanFitness: 55 },
    { step: 2, templates: ['b'], trainAccuracy: 60, meanFitness: 55 },
    { step: 1, templates: ['c'], trainAccuracy: 60, meanFitness: 55 },
  ]);
  assert.equal(byStep?.step, 2);
  assert.equal(selectStep([]), null);
});
