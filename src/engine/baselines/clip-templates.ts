/**
 * CLIP's hand-written zero-shot template lists (DS-TEMP), as data.
 *
 * Source: openai/CLIP, data/prompts.md and the ImageNet notebook's 80
 * templates. Written out here from that public list, with `{}` rewritten to
 * this project's `{c}`.
 *
 * Licence of the source (MIT):
 *   Copyright (c) 2021 OpenAI
 *   Permission is hereby granted, free of charge, to any person obtaining a copy
 *   of this software and associated documentation files (the "Software"), to deal
 *   in the Software without restriction, including without limitation the rights
 *   to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
 *   copies of the Software, and to permit persons to whom the Software is
 *   furnished to do so, subject to the following conditions:
 *   The above copyright notice and this permission notice shall be included in all
 *   copies or substantial portions of the Software.
 *   THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
 *   IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
 *   FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
 *   AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
 *   LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
 *   OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
 *   SOFTWARE.
 *
 * NOTE: the lists were written from memory of the public file, not copied
 * from a checkout; the counts (80, 34, 18, 8, 1) match prompts.md, but a
 * word-level difference is possible. Compare with the source before quoting
 * DS-TEMP numbers.
 */

const imagenetRaw = [
  'a bad photo of a {}.', 'a photo of many {}.', 'a sculpture of a {}.', 'a photo of the hard to see {}.',
  'a low resolution photo of the {}.', 'a rendering of a {}.', 'graffiti of a {}.', 'a bad photo of the {}.',
  'a cropped photo of the {}.', 'a tattoo of a {}.', 'the embroidered {}.', 'a photo of a hard to see {}.',
  'a bright photo of a {}.', 'a photo of a clean {}.', 'a photo of a dirty {}.', 'a dark photo of the {}.',
  'a drawing of a {}.', 'a photo of my {}.', 'the plastic {}.', 'a photo of the cool {}.',
  'a close-up photo of a {}.', 'a black and white photo of the {}.', 'a painting of the {}.', 'a painting of a {}.',
  'a pixelated photo of the {}.', 'a sculpture of the {}.', 'a bright photo of the {}.', 'a cropped photo of a {}.',
  'a plastic {}.', 'a photo of the dirty {}.', 'a jpeg corrupted photo of a {}.', 'a blurry photo of the {}.',
  'a photo of the {}.', 'a good photo of the {}.', 'a rendering of the {}.', 'a {} in a video game.',
  'a photo of one {}.', 'a doodle of a {}.', 'a close-up photo of the {}.', 'a photo of a {}.',
  'the origami {}.', 'the {} in a video game.', 'a sketch of a {}.', 'a doodle of the {}.',
  'a origami {}.', 'a low resolution photo of a {}.', 'the toy {}.', 'a rendition of the {}.',
  'a photo of the clean {}.', 'a photo of a large {}.', 'a rendition of a {}.', 'a photo of a nice {}.',
  'a photo of a weird {}.', 'a blurry photo of a {}.', 'a cartoon {}.', 'art of a {}.',
  'a sketch of the {}.', 'a embroidered {}.', 'a pixelated photo of a {}.', 'itap of the {}.',
  'a jpeg corrupted photo of the {}.', 'a good photo of a {}.', 'a plushie {}.', 'a photo of the nice {}.',
  'a photo of the small {}.', 'a photo of the weird {}.', 'the cartoon {}.', 'art of the {}.',
  'a drawing of the {}.', 'a photo of the large {}.', 'a black and white photo of a {}.', 'the plushie {}.',
  'a dark photo of a {}.', 'itap of a {}.', 'graffiti of the {}.', 'a toy {}.',
  'itap of my {}.', 'a photo of a cool {}.', 'a photo of a small {}.', 'a tattoo of the {}.',
];

const caltech101Raw = [
  'a photo of a {}.', 'a painting of a {}.', 'a plastic {}.', 'a sculpture of a {}.', 'a sketch of a {}.',
  'a tattoo of a {}.', 'a toy {}.', 'a rendition of a {}.', 'a embroidered {}.', 'a cartoon {}.',
  'a {} in a video game.', 'a plushie {}.', 'a origami {}.', 'art of a {}.', 'graffiti of a {}.',
  'a drawing of a {}.', 'a doodle of a {}.', 'a photo of the {}.', 'a painting of the {}.', 'the plastic {}.',
  'a sculpture of the {}.', 'a sketch of the {}.', 'a tattoo of the {}.', 'the toy {}.', 'a rendition of the {}.',
  'the embroidered {}.', 'the cartoon {}.', 'the {} in a video game.', 'the plushie {}.', 'the origami {}.',
  'art of the {}.', 'graffiti of the {}.', 'a drawing of the {}.', 'a doodle of the {}.',
];

const cifar10Raw = [
  'a photo of a {}.', 'a blurry photo of a {}.', 'a black and white photo of a {}.', 'a low contrast photo of a {}.',
  'a high contrast photo of a {}.', 'a bad photo of a {}.', 'a good photo of a {}.', 'a photo of a small {}.',
  'a photo of a big {}.', 'a photo of the {}.', 'a blurry photo of the {}.', 'a black and white photo of the {}.',
  'a low contrast photo of the {}.', 'a high contrast photo of the {}.', 'a bad photo of the {}.',
  'a good photo of the {}.', 'a photo of the small {}.', 'a photo of the big {}.',
];

const dtdRaw = [
  'a photo of a {} texture.', 'a photo of a {} pattern.', 'a photo of a {} thing.', 'a photo of a {} object.',
  'a photo of the {} texture.', 'a photo of the {} pattern.', 'a photo of the {} thing.', 'a photo of the {} object.',
];

const flowersRaw = ['a photo of a {}, a type of flower.'];

function canonical(templates: readonly string[]): readonly string[] {
  return Object.freeze(templates.map((template) => template.replace(/\{\}/g, '{c}')));
}

/** The 80 templates CLIP ensembles for ImageNet. */
export const IMAGENET_TEMPLATES = canonical(imagenetRaw);

/** Dataset-specific lists, keyed by CLIP's dataset name in prompts.md. */
export const CLIP_DATASET_TEMPLATES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  imagenet: IMAGENET_TEMPLATES,
  caltech101: canonical(caltech101Raw),
  cifar10: canonical(cifar10Raw),
  dtd: canonical(dtdRaw),
  flowers102: canonical(flowersRaw),
});

/**
 * Which CLIP list serves a dataset of this project. Imagenette and Tiny
 * ImageNet are ImageNet subsets without a list of their own, so they use
 * ImageNet's 80; dtd10 is a 10-class subset of DTD.
 */
const datasetAliases: Readonly<Record<string, string>> = {
  dtd: 'dtd',
  dtd10: 'dtd',
  caltech101: 'caltech101',
  cifar10: 'cifar10',
  flowers102: 'flowers102',
  imagenet: 'imagenet',
  imagenette: 'imagenet',
  tinyimagenet200: 'imagenet',
};

/** CLIP's template list for a dataset name, or null when prompts.md has none for it. */
export function clipTemplatesFor(datasetName: string): readonly string[] | null {
  const key = datasetAliases[datasetName.toLowerCase()];
  return key ? (CLIP_DATASET_TEMPLATES[key] ?? null) : null;
}
