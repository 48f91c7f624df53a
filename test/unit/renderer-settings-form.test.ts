/**
 * Parsing of the New run form: each bad value gets a message that names the
 * setting and the typed text, and the specs' defaults parse back unchanged.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { RunSettingSpec } from '../../src/engine/api.js';
import { defaultRunSettings, runSettingSpecs } from '../../src/engine/service/settings.js';
import { defaultFormValues, parseSetting, parseSettingsForm } from '../../src/renderer/src/settings-form.js';

function spec(key: RunSettingSpec['key']): RunSettingSpec {
  const found = runSettingSpecs.find((entry) => entry.key === key);
  assert.ok(found, `spec ${key} exists`);
  return found;
}

test('defaults parse to the engine defaults', () => {
  const result = parseSettingsForm(runSettingSpecs, defaultFormValues(runSettingSpecs), { layerCount: 4 });
  assert.deepEqual(result.errors, {});
  assert.deepEqual(result.settings, defaultRunSettings);
});

test('form covers the method settings', () => {
  const keys = runSettingSpecs.map((entry) => entry.key);
  for (const key of [
    'mode',
    'datasetName',
    'datasetDescription',
    'pooling',
    'maxNewTokens',
    'temperature',
    'topKSampling',
    'topP',
  ] as const) {
    assert.ok(keys.includes(key), `${key} is in the form`);
  }
  assert.deepEqual(
    runSettingSpecs.filter((entry) => entry.advanced).map((entry) => entry.key),
    ['temperature', 'topKSampling', 'topP'],
  );
});

test('bad values are named with the fix', () => {
  const cases: [RunSettingSpec['key'], string, RegExp][] = [
    ['steps', 'abc', /^Steps: "abc" is not a whole number\. Enter a whole number of at least 1\.$/],
    ['steps', '2.5', /^Steps: "2\.5" is not a whole number/],
    ['steps', '0', /^Steps: 0 is out of range\. Enter a whole number of at least 1\.$/],
    ['steps', '', /^Steps: "" is not a whole number/],
    ['topP', '1.5', /^Sampling top-p: 1\.5 is out of range\. Enter a number from 0 to 1\.$/],
    ['temperature', '-1', /^Temperature: -1 is out of range\. Enter a number of at least 0\.$/],
    ['layer', '4', /^Layer: "4" is not a valid layer\. Enter auto or a block index from 0 to 3\.$/],
    ['layer', 'middle', /^Layer: "middle" is not a valid layer/],
    ['mode', 'grid', /^Mode: "grid" is not an option\. Choose one of glov, llm-opt\.$/],
  ];
  for (const [key, raw, expected] of cases) {
    const parsed = parseSetting(spec(key), raw, { layerCount: 4 });
    assert.ok('error' in parsed, `${key} = ${JSON.stringify(raw)} is rejected`);
    assert.match(parsed.error, expected);
  }
});

test('valid text parses to typed values', () => {
  assert.deepEqual(parseSetting(spec('layer'), ' auto ', { layerCount: 4 }), { value: 'auto' });
  assert.deepEqual(parseSetting(spec('layer'), '3', { layerCount: 4 }), { value: 3 });
  assert.deepEqual(parseSetting(spec('layer'), '30', { layerCount: null }), { value: 30 });
  assert.deepEqual(parseSetting(spec('topP'), '0.95', { layerCount: 4 }), { value: 0.95 });
  assert.deepEqual(parseSetting(spec('datasetDescription'), '  Close-up textures. ', { layerCount: 4 }), {
    value: 'Close-up textures.',
  });
});

test('one bad field withholds all settings', () => {
  const values = { ...defaultFormValues(runSettingSpecs), steps: 'many' };
  const result = parseSettingsForm(runSettingSpecs, values, { layerCount: 4 });
  assert.equal(result.settings, null);
  assert.deepEqual(Object.keys(result.errors), ['steps']);
});
