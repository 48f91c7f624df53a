import assert from 'node:assert/strict';
import { test } from 'node:test';

import { GlovError } from '../../src/engine/errors.js';
import { defaultConfig, defaultLayer, resolveConfig } from '../../src/engine/optimizer/config.js';

test('config defaults resolve layer 17 of 32', () => {
  const config = resolveConfig({}, { layerCount: 32 });
  assert.equal(config.layer, 17);
  assert.equal(config.steps, 100);
  assert.equal(config.candidatesPerStep, 10);
  assert.equal(config.seed, 7777);
  assert.equal(config.maxNewTokens, 50);
  assert.equal(config.initialTemplate, 'a photo of a {c}.');
  assert.equal(defaultConfig.guidance, 'faithful');
});

test('default layer scales relative depth', () => {
  assert.equal(defaultLayer(32), 17);
  assert.equal(defaultLayer(28), 15);
  assert.equal(defaultLayer(16), 9);
  assert.equal(defaultLayer(1), 0);
});

test('config rejects unknown key by name', () => {
  assert.throws(
    () => resolveConfig({ stepz: 5 }, { layerCount: 32 }),
    (error: unknown) => error instanceof GlovError && error.code === 'unknown-config-key' && error.message.includes('"stepz"'),
  );
});

test('config rejects wrong types by name', () => {
  const cases: Array<[string, unknown]> = [
    ['steps', '5'],
    ['steps', 2.5],
    ['alpha', -1],
    ['topP', 1.5],
    ['guidance', 'always'],
    ['initialTemplate', 3],
    ['layer', 'middle'],
  ];
  for (const [key, value] of cases) {
    assert.throws(
      () => resolveConfig({ [key]: value }, { layerCount: 32 }),
      (error: unknown) => error instanceof GlovError && error.message.includes(`"${key}"`),
      `${key}=${JSON.stringify(value)} should be rejected`,
    );
  }
});

test('config rejects out-of-range layer with range', () => {
  assert.throws(
    () => resolveConfig({ layer: 32 }, { layerCount: 32 }),
    (error: unknown) => error instanceof GlovError && error.code === 'layer-out-of-range' && (error.hint ?? '').includes('[0, 31]'),
  );
  assert.equal(resolveConfig({ layer: 31 }, { layerCount: 32 }).layer, 31);
});
