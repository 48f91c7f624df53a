import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { accuracyCsvTable, accuracyTable, fitnessSeries, meanRowSummary, type MethodResult, type MethodSpec } from '../../bench/lib/accuracy-report.js';
import { parseDatasetList, ALL_DATASETS } from '../../bench/lib/datasets.js';
import { cpuModelName } from '../../bench/lib/machine.js';
import { formatMeanStd, formatRatio, mean, sampleStd, summarize } from '../../bench/lib/stats.js';
import { escapeXml, lineChart, ticks } from '../../bench/lib/svg-plot.js';
import { csvField, markdownCell, toCsv, toMarkdown } from '../../bench/lib/table.js';

describe('bench stats', () => {
  it('mean and sample std of known values', () => {
    assert.equal(mean([2, 4, 4, 4, 5, 5, 7, 9]), 5);
    // Sum of squared deviations is 32, divided by n - 1 = 7.
    assert.ok(Math.abs(sampleStd([2, 4, 4, 4, 5, 5, 7, 9]) - Math.sqrt(32 / 7)) < 1e-12);
  });

  it('std of one value is zero, of none NaN', () => {
    assert.equal(sampleStd([3]), 0);
    assert.ok(Number.isNaN(sampleStd([])));
    assert.ok(Number.isNaN(mean([])));
  });

  it('formats mean ± std and missing cells', () => {
    assert.equal(formatMeanStd(summarize([10, 12, 14])), '12.0 ± 2.0');
    assert.equal(formatMeanStd(null), '—');
    assert.equal(formatMeanStd(summarize([])), '—');
  });

  it('formats ratios and rejects a zero denominator', () => {
    assert.equal(formatRatio(30, 2), '15.0x');
    assert.equal(formatRatio(1, 0), '—');
    assert.equal(formatRatio(Number.NaN, 2), '—');
  });
});

describe('bench tables', () => {
  const table = { header: ['Dataset', 'A'], rows: [['x|y', '1.0'], ['line\nbreak', '2.0']] };

  it('renders Markdown with escaped pipes', () => {
    const text = toMarkdown(table);
    const lines = text.trimEnd().split('\n');
    assert.equal(lines[0], '| Dataset | A |');
    assert.equal(lines[1], '|---|---:|');
    assert.equal(lines[2], '| x\\|y | 1.0 |');
    assert.equal(lines[3], '| line break | 2.0 |');
    assert.equal(markdownCell('a|b'), 'a\\|b');
  });

  it('renders RFC 4180 CSV with quoting', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(toCsv({ header: ['a', 'b'], rows: [['1', 'x,y']] }), 'a,b\r\n1,"x,y"\r\n');
  });

  it('rejects rows of the wrong width', () => {
    assert.throws(() => toMarkdown({ header: ['a', 'b'], rows: [['1']] }), RangeError);
    assert.throws(() => toCsv({ header: ['a'], rows: [['1', '2']] }), RangeError);
  });
});

describe('bench accuracy report', () => {
  const methods: MethodSpec[] = [
    { id: 's-temp', label: 'S-TEMP', kind: 'fixed' },
    { id: 'glov', label: 'GLOV', kind: 'loop' },
  ];
  const result = (dataset: string, method: string, seed: number | null, testAccuracy: number | null, curve: number[] = []): MethodResult => ({
    dataset,
    method,
    seed,
    testAccuracy,
    bestFitnessPerStep: curve,
    steeredSteps: 0,
    generationSeconds: 0,
    scoringSeconds: 0,
    wallSeconds: 0,
  });
  const results = [
    result('a', 's-temp', null, 40),
    result('b', 's-temp', null, 60),
    result('a', 'glov', 1, 41, [10, 20]),
    result('a', 'glov', 2, 43, [10, 30]),
    result('b', 'glov', 1, 61, [5, 5]),
    result('b', 'glov', 2, 65, [5, 15]),
  ];

  it('mean row averages datasets per seed first', () => {
    // Seed 1 has mean (41 + 61) / 2 = 51, and seed 2 has (43 + 65) / 2 = 54.
    const summary = meanRowSummary(results, ['a', 'b'], 'glov');
    assert.equal(summary?.mean, 52.5);
    assert.ok(Math.abs((summary?.std ?? 0) - Math.sqrt(4.5)) < 1e-12);
  });

  it('table has dataset rows and a mean row', () => {
    const table = accuracyTable(results, ['a', 'b'], methods);
    assert.deepEqual(table.header, ['Dataset', 'S-TEMP', 'GLOV']);
    assert.deepEqual(table.rows[0], ['a', '40.0', '42.0 ± 1.4']);
    assert.deepEqual(table.rows[2], ['Mean', '50.0', '52.5 ± 2.1']);
  });

  it('missing values print as a dash', () => {
    const table = accuracyTable([...results, result('c', 's-temp', null, null)], ['a', 'c'], methods);
    assert.deepEqual(table.rows[1], ['c', '—', '—']);
    const csv = accuracyCsvTable([result('c', 's-temp', null, null)], ['c'], methods);
    assert.deepEqual(csv.rows[0], ['c', '', '', '', '']);
  });

  it('CSV has a mean and std column per method', () => {
    const csv = accuracyCsvTable(results, ['a', 'b'], methods);
    assert.deepEqual(csv.header, ['dataset', 's-temp_mean', 's-temp_std', 'glov_mean', 'glov_std']);
    assert.equal(csv.rows[0]?.[3], '42.0000');
  });

  it('fitness series average seeds per step', () => {
    const series = fitnessSeries(results, 'a', methods);
    assert.equal(series.length, 1);
    assert.deepEqual(series[0]?.points, [
      [0, 10],
      [1, 25],
    ]);
  });
});

describe('bench plot and inputs', () => {
  it('ticks use steps of 1, 2 or 5', () => {
    assert.deepEqual(ticks(0, 10), [0, 2, 4, 6, 8, 10]);
    assert.deepEqual(ticks(3, 3), [3]);
    assert.deepEqual(ticks(Number.NaN, 1), []);
  });

  it('line chart escapes text and draws every series', () => {
    const svg = lineChart({
      title: 'a < b & c',
      xLabel: 'step',
      yLabel: 'fitness',
      series: [
        { name: 'one', points: [[0, 1], [1, 2]] },
        { name: 'two', points: [[0, 2], [1, 2]], dashed: true },
      ],
    });
    assert.ok(svg.startsWith('<svg '));
    assert.ok(svg.includes('a &lt; b &amp; c'));
    assert.equal((svg.match(/<polyline /g) ?? []).length, 2);
    assert.ok(svg.includes('stroke-dasharray'));
    assert.equal(escapeXml('"x"'), '&quot;x&quot;');
  });

  it('parses dataset lists', () => {
    assert.deepEqual(parseDatasetList('dtd10, imagenette'), ['dtd10', 'imagenette']);
    assert.deepEqual(parseDatasetList('all'), ALL_DATASETS);
    assert.throws(() => parseDatasetList(' , '), /Invalid --datasets/);
  });

  it('reads the CPU model from cpuinfo text', () => {
    assert.equal(cpuModelName('processor\t: 0\nmodel name\t: AMD EPYC 7B13\n'), 'AMD EPYC 7B13');
    assert.equal(cpuModelName('processor\t: 0\n'), 'unknown');
  });
});
