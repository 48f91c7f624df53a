// Hidden-state capture and control vectors on the tiny GGUF from scripts/make-tiny-gguf.py.
// Needs the native addon: run scripts/build-native.sh first.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { loadLlamaOptimizer, type LlamaOptimizer } from '../../src/engine/llm/index.js';
import type { GenerationRequest } from '../../src/engine/llm/types.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'tiny-gguf');

interface Reference {
  steeredLayer: number;
  steeringVector: number[];
  hiddenStates: { tokens: number[]; blockOutputs: number[][][] }[];
}
const reference = JSON.parse(readFileSync(path.join(fixtures, 'reference.json'), 'utf8')) as Reference;

const request: GenerationRequest = {
  messages: [
    { role: 'system', content: 'You write prompt templates.' },
    { role: 'user', content: 'a photo of a <category>. Accuracy: 63' },
  ],
  n: 4,
  maxNewTokens: 24,
  sampling: { temperature: 1, topK: 50, topP: 0.9, seed: 7777 },
};

describe('tiny GGUF through the native hook', () => {
  let llm: LlamaOptimizer;
  let biased: LlamaOptimizer;

  before(async () => {
    llm = await loadLlamaOptimizer({ modelPath: path.join(fixtures, 'tiny-chat.gguf'), threads: 2, gpu: false, contextSize: 512, probeContextSize: 256, kvCacheType: 'f32' });
    biased = await loadLlamaOptimizer({ modelPath: path.join(fixtures, 'tiny-chat-biased.gguf'), threads: 2, gpu: false, contextSize: 512, probeContextSize: 256, kvCacheType: 'f32' });
  });

  after(async () => {
    await llm?.dispose();
    await biased?.dispose();
  });

  it('reports model shape', () => {
    assert.equal(llm.layerCount, 4);
    assert.equal(llm.embeddingLength, 64);
    assert.notEqual(llm.fingerprint, biased.fingerprint);
  });

  it('captures block outputs equal to numpy forward', async () => {
    for (const { tokens, blockOutputs } of reference.hiddenStates) {
      for (let layer = 0; layer < llm.layerCount; layer++) {
        const rows = await llm.captureBlockOutputsForTokens(tokens, layer);
        const expected = blockOutputs[layer]!.flat();
        assert.equal(rows.length, expected.length);
        let maxError = 0;
        expected.forEach((value, index) => {
          maxError = Math.max(maxError, Math.abs(rows[index]! - value));
        });
        // NOTE: errors near 3e-3 are seen (fp32 llama.cpp vs float64 numpy); a wrong block is off by O(1).
        assert.ok(maxError < 1e-2, `layer ${layer}, ${tokens.length} tokens: max abs error ${maxError}`);
      }
    }
  });

  it('pools padded and own-length means', async () => {
    const texts = ['a photo of a <category>.', 'the texture'];
    const [ownLong, ownShort] = await llm.captureMeanHiddenStates(texts, { layer: 1, pooling: 'own-length' });
    const [paddedLong, paddedShort] = await llm.captureMeanHiddenStates(texts, { layer: 1, pooling: 'padded' });
    // The longer text needs no padding, so both poolings agree on it; the shorter one differs.
    assert.deepEqual(paddedLong, ownLong);
    assert.notDeepEqual(paddedShort, ownShort);
    assert.equal(ownShort!.length, 64);
  });

  it('control vector equals a baked ffn_down bias', async () => {
    const vector = { layer: reference.steeredLayer, offset: Float32Array.from(reference.steeringVector) };
    const steered = await llm.generateWithConstantVector(request, vector);
    const baked = await biased.generate(request);
    const plain = await llm.generate(request);
    assert.deepEqual(steered.texts, baked.texts);
    assert.notDeepEqual(steered.texts, plain.texts, 'the vector should change the output');
  });

  it('clearing the vector restores plain output', async () => {
    const before = await llm.generate(request);
    const steeringRequest = { vector: Float32Array.from(reference.steeringVector), layer: 2, alpha: 1 };
    await llm.generate({ ...request, steering: { ...steeringRequest, mode: 'cached' } });
    await llm.generate({ ...request, steering: { ...steeringRequest, mode: 'faithful' } });
    const afterSteering = await llm.generate(request);
    assert.deepEqual(afterSteering.texts, before.texts);
  });

  it('stops every sample at end of turn or budget', async () => {
    const result = await llm.generate({ ...request, n: 8, maxNewTokens: 16 });
    assert.equal(result.texts.length, 8);
    assert.ok(result.generatedTokens <= 8 * 16);
    assert.ok(result.promptTokens > 5);
  });

  it('rejects block 0 and wrong vector length', async () => {
    const vector = new Float32Array(64);
    await assert.rejects(llm.generate({ ...request, steering: { vector, layer: 0, alpha: 1, mode: 'faithful' } }), /Layer 0 is out of range/);
    await assert.rejects(
      llm.generate({ ...request, steering: { vector: new Float32Array(3), layer: 2, alpha: 1, mode: 'faithful' } }),
      /length 3 does not match/,
    );
  });
});
