import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parseReply } from '../../src/engine/optimizer/parse.js';
import { checkTemplate, normalizeTemplate, type TemplateRules } from '../../src/engine/optimizer/template.js';

const rules = (seen: string[] = [], contextLength = 77): TemplateRules => ({
  seen: new Set(seen),
  countTokens: (text) => text.split(/\s+/).length + 2,
  contextLength,
  longestClassName: 'a very long class name',
});

test('parse strips list marker and label', () => {
  assert.equal(
    parseReply('1. Satellite view: a photo of <category>. It shows fields.'),
    'a photo of <category>. It shows fields.',
  );
});

test('parse takes first bullet', () => {
  assert.equal(parseReply('* A close-up photo of a <category>\n* An aerial image of <category>'), 'A close-up photo of a <category>');
});

test('parse takes first item of JSON list', () => {
  assert.equal(parseReply('["a photo of a <category>", "a sketch of a <category>"]'), 'a photo of a <category>');
});

test('parse skips bare preamble line', () => {
  assert.equal(parseReply('Here are 10 new templates:\n1) a blurry photo of a <category>.\n2) x'), 'a blurry photo of a <category>.');
});

test('parse drops assistant header and quotes', () => {
  assert.equal(parseReply('assistant\n\n"A macro photo of <category> fabric."'), 'A macro photo of <category> fabric.');
});

test('parse keeps colon after placeholder', () => {
  assert.equal(parseReply('<category>: a close view'), '<category>: a close view');
});

test('parse reference mode splits at last colon', () => {
  assert.equal(parseReply('assistant\n\nHere is one: "a photo of a <category>."', 'reference'), ' "a photo of a <category>."');
  assert.equal(parseReply('a <category>: close: view', 'reference'), ' view');
});

test('template checks reject with reasons', () => {
  const inTheWild = checkTemplate('A photo of a {c} {in the wild}', rules());
  assert.equal(inTheWild.ok, false);
  assert.equal(!inTheWild.ok && inTheWild.reason, 'other-field');
  assert.match(!inTheWild.ok ? inTheWild.detail : '', /\{in the wild\}/);

  const satellite = checkTemplate('A satellite photo.', rules());
  assert.equal(!satellite.ok && satellite.reason, 'no-placeholder');

  const empty = checkTemplate('   ', rules());
  assert.equal(!empty.ok && empty.reason, 'empty');
});

test('template checks normalize and allow repeats', () => {
  const braces = checkTemplate('A photo of a {}', rules());
  assert.deepEqual(braces, { ok: true, template: 'A photo of a {c}' });
  const twice = checkTemplate('{c}, a type of {c}', rules());
  assert.deepEqual(twice, { ok: true, template: '{c}, a type of {c}' });
});

test('template checks catch duplicate and length', () => {
  const duplicate = checkTemplate('a photo of a <category>.', rules(['a photo of a {c}.']));
  assert.equal(!duplicate.ok && duplicate.reason, 'duplicate');
  const long = checkTemplate('a photo of a {c} with many words', rules([], 10));
  assert.equal(!long.ok && long.reason, 'too-long');
});

test('normalize maps placeholder spellings', () => {
  for (const spelling of ['{}', '{c}', '{class}', '{Class_Name}', '<category>', '<CLASS>', '[class]', '{category}']) {
    assert.equal(normalizeTemplate(`a  photo of ${spelling}.`), 'a photo of {c}.', spelling);
  }
});

// Replies seen from Qwen2.5-0.5B-Instruct on dtd10: it copied the meta-prompt's example lines.
test('parse drops echoed numbering and accuracy', () => {
  assert.equal(parseReply('Template:\n2: a photo of a <category>. --- Accuracy: 10'), 'a photo of a <category>.');
  assert.equal(parseReply('1: a photo of a <category> texture. --- Accuracy: 9.5%'), 'a photo of a <category> texture.');
  assert.equal(parseReply('"a close-up of <category> fabric" --- Accuracy: 12'), 'a close-up of <category> fabric');
});
