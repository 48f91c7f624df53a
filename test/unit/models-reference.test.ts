import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';

import { GlovError } from '../../src/engine/errors.js';
import { formatModelReference, parseModelReference } from '../../src/engine/models/reference.js';

test('reference parses default names', () => {
  assert.deepEqual(parseModelReference('default'), { source: 'default', role: null });
  assert.deepEqual(parseModelReference('default-llm'), { source: 'default', role: 'llm' });
  assert.deepEqual(parseModelReference(' default-clip '), { source: 'default', role: 'clip' });
});

test('reference resolves relative local paths', () => {
  assert.deepEqual(parseModelReference('models/x.gguf', { baseDir: '/data' }), {
    source: 'local',
    path: path.resolve('/data', 'models/x.gguf'),
  });
  assert.deepEqual(parseModelReference('/abs/clip'), { source: 'local', path: '/abs/clip' });
});

test('reference parses hf forms', () => {
  const cases: Array<[string, { repo: string; revision: string; pathInRepo: string | null }]> = [
    ['hf:Xenova/clip-vit-base-patch32', { repo: 'Xenova/clip-vit-base-patch32', revision: 'main', pathInRepo: null }],
    ['hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf', {
      repo: 'Qwen/Qwen2.5-0.5B-Instruct-GGUF',
      revision: 'main',
      pathInRepo: 'qwen2.5-0.5b-instruct-q4_k_m.gguf',
    }],
    ['hf:org/repo@v1.0/sub/dir/model.gguf', { repo: 'org/repo', revision: 'v1.0', pathInRepo: 'sub/dir/model.gguf' }],
    ['hf:org/repo/', { repo: 'org/repo', revision: 'main', pathInRepo: null }],
  ];
  for (const [input, expected] of cases) {
    assert.deepEqual(parseModelReference(input), { source: 'huggingface', ...expected }, input);
    assert.equal(formatModelReference(parseModelReference(input)), input.replace(/\/$/, ''), input);
  }
});

test('reference rejects malformed input', () => {
  const invalid = ['', '   ', 'hf:', 'hf:onlyorg', 'hf:org/re po', 'hf:org/repo/../secret', 'hf:org/repo/a//b', 'hf:org/repo@/x'];
  for (const input of invalid) {
    assert.throws(
      () => parseModelReference(input),
      (error: unknown) => error instanceof GlovError && error.code === 'invalid-model-reference' && error.hint !== undefined,
      JSON.stringify(input),
    );
  }
});

test('reference error names the bad input', () => {
  assert.throws(() => parseModelReference('hf:org/repo/../x'), /hf:org\/repo\/\.\.\/x/);
});
