import assert from 'node:assert/strict';
import { test } from 'node:test';

import { describeDataset } from '../../src/engine/data/descriptions.js';

test('descriptions cover shared dataset folders', () => {
  for (const folder of ['dtd10', 'caltech101', 'flowers102', 'imagenette', 'cifar10', 'tinyimagenet200']) {
    const description = describeDataset(folder);
    assert.ok(description, `no description for ${folder}`);
    assert.ok(description.length > 40, `description of ${folder} is too short to help the LLM`);
  }
});

test('descriptions accept common spellings', () => {
  assert.equal(describeDataset('DescribableTextures'), describeDataset('dtd'));
  assert.equal(describeDataset('Oxford_Flowers'), describeDataset('flowers102'));
});

test('descriptions return undefined for unknown names', () => {
  assert.equal(describeDataset('my-own-photos'), undefined);
});
