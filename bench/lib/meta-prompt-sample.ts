/**
 * A realistic GLOV meta-prompt for timing generation outside a run: the
 * project's own builder, fed with a history of plausible scored templates.
 */
import { History } from '../../src/engine/optimizer/history.js';
import { buildMetaPrompt, type MetaPrompt } from '../../src/engine/optimizer/meta-prompt.js';

// Hand-written templates with made-up fitness values: only their length and form matter for timing.
const sampleTemplates: ReadonlyArray<readonly [string, number]> = [
  ['a photo of a {c}.', 40.0],
  ['a close-up photo of a {c} texture.', 42.5],
  ['a photo of the {c} pattern on a surface.', 41.0],
  ['a blurry photo of a {c}.', 37.5],
  ['an image showing a {c} texture in detail.', 43.0],
  ['a cropped photo of a {c} material.', 39.0],
  ['a macro photograph of a {c} surface.', 44.5],
  ['a low-resolution photo of a {c}.', 36.0],
  ['a texture that looks {c}.', 45.0],
  ['a bright photo of a {c} fabric.', 38.5],
  ['{c} texture.', 35.0],
  ['a pattern described as {c}.', 43.5],
];

/** The meta-prompt of step `step` for a history of `size` scored templates (at most 12). */
export function sampleMetaPrompt(options: { datasetName: string; datasetDescription: string; step: number; size?: number }): MetaPrompt {
  const history = new History();
  sampleTemplates.slice(0, options.size ?? sampleTemplates.length).forEach(([template, fitness], index) => {
    history.add({ id: index + 1, template, fitness, step: index === 0 ? -1 : Math.floor((index - 1) / 4), sampleIndex: (index - 1) % 4 });
  });
  return buildMetaPrompt({
    datasetName: options.datasetName,
    datasetDescription: options.datasetDescription,
    history,
    step: options.step,
    topK: 5,
    bottomK: 5,
  });
}
