import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { createSampleRandom, sampleToken, topIndices, validateSampling } from '../../src/engine/llm/sampler.js';

const base = { temperature: 1, topK: 50, topP: 0.9, seed: 7 };

describe('createSampleRandom', () => {
  it('repeats a stream for the same seed and sample', () => {
    const first = createSampleRandom(7777, 3);
    const second = createSampleRandom(7777, 3);
    for (let i = 0; i < 100; i++) {
      assert.equal(first(), second());
    }
  });

  it('differs between sample indices', () => {
    const first = createSampleRandom(7777, 0);
    const second = createSampleRandom(7777, 1);
    const a = Array.from({ length: 8 }, () => first());
    const b = Array.from({ length: 8 }, () => second());
    assert.notDeepEqual(a, b);
  });

  it('stays in [0, 1)', () => {
    const random = createSampleRandom(1, 0);
    for (let i = 0; i < 10000; i++) {
      const value = random();
      assert.ok(value >= 0 && value < 1, `value ${value}`);
    }
  });
});

describe('topIndices', () => {
  it('returns largest first with lower index on ties', () => {
    const values = Float32Array.from([1, 5, 3, 5, -2, 4]);
    assert.deepEqual(topIndices(values, 3), [1, 3, 5]);
  });

  it('returns every index when count covers the array', () => {
    assert.deepEqual(topIndices(Float32Array.from([0, 2, 1]), 3), [1, 2, 0]);
  });
});

describe('sampleToken', () => {
  it('takes argmax at temperature zero', () => {
    const logits = Float32Array.from([0.1, 3, 2.9, -1]);
    assert.equal(sampleToken(logits, { ...base, temperature: 0 }, createSampleRandom(1, 0)), 1);
  });

  it('never leaves the top-k set', () => {
    const logits = Float32Array.from({ length: 100 }, (_, index) => index / 50);
    const random = createSampleRandom(3, 0);
    for (let i = 0; i < 2000; i++) {
      const token = sampleToken(logits, { ...base, topK: 5, topP: 1 }, random);
      assert.ok(token >= 95, `token ${token} outside the top 5`);
    }
  });

  it('applies top-p after top-k', () => {
    // Probabilities 0.5, 0.3, 0.2 (up to rounding): top-p 0.7 keeps the first two only.
    const logits = Float32Array.from([Math.log(0.5), Math.log(0.3), Math.log(0.2)]);
    const random = createSampleRandom(11, 0);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      seen.add(sampleToken(logits, { ...base, topK: 0, topP: 0.7 }, random));
    }
    assert.deepEqual([...seen].sort(), [0, 1]);
  });

  it('matches the softmax frequencies', () => {
    const logits = Float32Array.from([Math.log(0.6), Math.log(0.3), Math.log(0.1)]);
    const random = createSampleRandom(5, 0);
    const counts = [0, 0, 0];
    const draws = 20000;
    for (let i = 0; i < draws; i++) {
      counts[sampleToken(logits, { ...base, topK: 0, topP: 1 }, random)]!++;
    }
    assert.ok(Math.abs(counts[0]! / draws - 0.6) < 0.02, `share of token 0: ${counts[0]! / draws}`);
    assert.ok(Math.abs(counts[2]! / draws - 0.1) < 0.02, `share of token 2: ${counts[2]! / draws}`);
  });

  it('sharpens with low temperature', () => {
    const logits = Float32Array.from([1, 0.5]);
    const random = createSampleRandom(9, 0);
    let first = 0;
    for (let i = 0; i < 1000; i++) {
      if (sampleToken(logits, { ...base, temperature: 0.05, topK: 0, topP: 1 }, random) === 0) first++;
    }
    assert.ok(first > 990, `token 0 drawn ${first} of 1000 times`);
  });

  it('consumes one random number per token', () => {
    let calls = 0;
    const random = () => {
      calls++;
      return 0.5;
    };
    sampleToken(Float32Array.from([1, 2, 3]), base, random);
    sampleToken(Float32Array.from([1, 2, 3]), { ...base, temperature: 0 }, random);
    assert.equal(calls, 2);
  });
});

describe('validateSampling', () => {
  it('rejects invalid values', () => {
    assert.throws(() => validateSampling({ ...base, temperature: -1 }), /temperature/);
    assert.throws(() => validateSampling({ ...base, topK: 1.5 }), /topK/);
    assert.throws(() => validateSampling({ ...base, topP: 0 }), /topP/);
    assert.throws(() => validateSampling({ ...base, seed: 0.5 }), /seed/);
  });
});
