/**
 * The SVG line chart on long runs: round 1-based step ticks, no per-step dots
 * past 40 steps, gaps kept, and a legend entry per series.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';

import { LineChart, niceTickStep } from '../../src/renderer/src/charts.js';

function tickLabels(markup: string): string[] {
  return [...markup.matchAll(/<text[^>]*class="tick"[^>]*>([^<]*)<\/text>/g)].map((match) => match[1] ?? '');
}

function render(values: (number | null)[]): string {
  return renderToStaticMarkup(
    createElement(LineChart, {
      title: 'Train fitness per step',
      xLabel: 'step',
      yLabel: 'fitness (%)',
      series: [
        { label: 'best so far', values },
        { label: 'mean of this step', values: values.map((value) => (value === null ? null : value - 5)) },
      ],
    }),
  );
}

test('tick spacing is round', () => {
  assert.equal(niceTickStep(100, 10), 10);
  assert.equal(niceTickStep(37, 10), 5);
  assert.equal(niceTickStep(12, 5), 2.5);
  assert.equal(niceTickStep(0.8, 5), 0.2);
});

test('100 steps get 1-based round ticks', () => {
  const values = Array.from({ length: 100 }, (_, step) => 40 + step * 0.3);
  const markup = render(values);
  const labels = tickLabels(markup);
  const stepLabels = ['1', '10', '20', '30', '40', '50', '60', '70', '80', '90', '100'];
  assert.deepEqual(labels.slice(-stepLabels.length), stepLabels);
  assert.ok(!labels.includes('0'), 'no step 0 on the axis');
  assert.equal((markup.match(/<circle/g) ?? []).length, 0, 'no dots on a 100-step line');
  assert.equal((markup.match(/<polyline/g) ?? []).length, 2, 'one line per series');
});

test('short runs get dots and titled axes', () => {
  const markup = render([10, null, 30]);
  assert.equal((markup.match(/<circle/g) ?? []).length, 4, 'a dot per value, gaps skipped');
  assert.equal((markup.match(/<polyline/g) ?? []).length, 0, 'values around a gap are not joined');
  assert.match(markup, /best so far, step 3: 30\.0 %/);
  assert.match(markup, />fitness \(%\)</);
  assert.match(markup, />step</);
  const legend = [...markup.matchAll(/<li class="legend-item">.*?<span>([^<]*)<\/span><\/li>/g)].map(
    (match) => match[1],
  );
  assert.deepEqual(legend, ['best so far', 'mean of this step']);
});
