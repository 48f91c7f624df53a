/**
 * Zero-shot classification with a CLIP dual encoder, the fitness of a template.
 *
 * A template's class embedding is the L2-normalized text embedding of the
 * template with every `{c}` replaced by the class name. An ensemble of
 * templates averages those normalized embeddings per class and normalizes
 * again. The prediction for an image is the argmax over classes of
 * image · class (CLIP's temperature does not change the argmax), and the
 * fitness is top-1 accuracy.
 *
 * Classes are columns by index, never by name: two classes with the same
 * prompt name stay two columns (with a warning), and ties go to the lower index.
 */
import { GlovError } from '../errors.js';
import { createLogger } from '../log.js';
import type { TextEmbeddingCache } from './embedding-cache.js';
import { normalizeRows } from './onnx-clip.js';
import type { DualEncoderVlm } from './types.js';

const log = createLogger('vlm.zero-shot');

/** The class-name placeholder in a template. */
export const CLASS_PLACEHOLDER = '{c}';

/** Replace every placeholder in a template with the class name; throws when the template has none. */
export function fillTemplate(template: string, className: string): string {
  if (!template.includes(CLASS_PLACEHOLDER)) {
    throw new GlovError(`Template has no ${CLASS_PLACEHOLDER} placeholder: ${JSON.stringify(template)}.`, {
      code: 'template-invalid',
      hint: `Write the class name's position as ${CLASS_PLACEHOLDER}, for example "a photo of a ${CLASS_PLACEHOLDER}.".`,
    });
  }
  return template.split(CLASS_PLACEHOLDER).join(className);
}

/** Log a warning for class names used by more than one class index. */
export function warnDuplicateClassNames(classNames: readonly string[]): string[] {
  const seen = new Map<string, number[]>();
  classNames.forEach((name, index) => seen.set(name, [...(seen.get(name) ?? []), index]));
  const warnings: string[] = [];
  for (const [name, indices] of seen) {
    if (indices.length > 1) {
      const warning = `Class name "${name}" is used by classes ${indices.join(', ')}; they get identical text embeddings, and ties go to the lowest index.`;
      log.warn(warning);
      warnings.push(warning);
    }
  }
  return warnings;
}

/** Embed texts, taking rows from the cache where present and storing the new ones. */
export async function embedTextsCached(vlm: DualEncoderVlm, texts: readonly string[], cache?: TextEmbeddingCache): Promise<Float32Array> {
  const dim = vlm.embeddingDim;
  const out = new Float32Array(texts.length * dim);
  const cached = cache ? cache.getMany(vlm.fingerprint, texts) : texts.map(() => undefined);

  // Embed each missing text once, even when it repeats in the request.
  const missing = [...new Set(texts.filter((_, i) => cached[i] === undefined))];
  const fresh = new Map<string, Float32Array>();
  if (missing.length > 0) {
    const rows = await vlm.embedTexts(missing);
    missing.forEach((text, i) => fresh.set(text, rows.subarray(i * dim, (i + 1) * dim)));
    cache?.putMany(vlm.fingerprint, missing, missing.map((text) => fresh.get(text) as Float32Array));
  }
  texts.forEach((text, i) => out.set(cached[i] ?? (fresh.get(text) as Float32Array), i * dim));
  return out;
}

/**
 * Build one classifier per candidate in a single text-encoder request.
 * A candidate is one template or an ensemble of templates. Returns row-major
 * [classNames.length, dim] weights per candidate, rows L2-normalized.
 */
export async function buildClassifiers(
  vlm: DualEncoderVlm,
  candidates: readonly (readonly string[])[],
  classNames: readonly string[],
  { cache }: { cache?: TextEmbeddingCache } = {},
): Promise<Float32Array[]> {
  const dim = vlm.embeddingDim;
  const texts: string[] = [];
  for (const templates of candidates) {
    if (templates.length === 0) {
      throw new GlovError('A candidate has no templates.', { code: 'template-invalid', hint: 'Pass at least one template per candidate.' });
    }
    for (const template of templates) for (const name of classNames) texts.push(fillTemplate(template, name));
  }
  const embeddings = await embedTextsCached(vlm, texts, cache);

  const classifiers: Float32Array[] = [];
  let row = 0;
  for (const templates of candidates) {
    const weights = new Float32Array(classNames.length * dim);
    for (let t = 0; t < templates.length; t++) {
      for (let c = 0; c < classNames.length; c++) {
        const source = embeddings.subarray(row * dim, (row + 1) * dim);
        for (let j = 0; j < dim; j++) weights[c * dim + j] = (weights[c * dim + j] as number) + (source[j] as number);
        row += 1;
      }
    }
    // The mean of normalized rows, normalized again; dividing by the count first would not change the direction.
    classifiers.push(normalizeRows(weights, dim));
  }
  return classifiers;
}

/** Predict a class index per image: argmax of image · class, ties to the lower index. */
export function predict(imageEmbeddings: Float32Array, classifier: Float32Array, dim: number): Int32Array {
  const imageCount = imageEmbeddings.length / dim;
  const classCount = classifier.length / dim;
  const predictions = new Int32Array(imageCount);
  for (let i = 0; i < imageCount; i++) {
    let best = -Infinity;
    let bestClass = 0;
    for (let c = 0; c < classCount; c++) {
      let score = 0;
      for (let j = 0; j < dim; j++) score += (imageEmbeddings[i * dim + j] as number) * (classifier[c * dim + j] as number);
      if (score > best) {
        best = score;
        bestClass = c;
      }
    }
    predictions[i] = bestClass;
  }
  return predictions;
}

/** Share of predictions equal to the labels, in [0, 1]. */
export function topOneAccuracy(predictions: Int32Array, labels: readonly number[]): number {
  if (predictions.length !== labels.length) {
    throw new GlovError(`Got ${predictions.length} predictions for ${labels.length} labels.`, { code: 'labels-mismatch' });
  }
  if (labels.length === 0) return 0;
  let correct = 0;
  labels.forEach((label, i) => {
    if (predictions[i] === label) correct += 1;
  });
  return correct / labels.length;
}

export interface ScoreTemplatesRequest {
  /** Each candidate is one template or an ensemble of templates. */
  candidates: readonly (readonly string[])[];
  /** Prompt names by class index. */
  classNames: readonly string[];
  /** Row-major [labels.length, dim], rows L2-normalized. */
  imageEmbeddings: Float32Array;
  /** Class index of each image row. */
  labels: readonly number[];
  cache?: TextEmbeddingCache;
}

/** Score candidates by zero-shot top-1 accuracy in [0, 1], one number per candidate. */
export async function scoreTemplates(vlm: DualEncoderVlm, request: ScoreTemplatesRequest): Promise<number[]> {
  const { candidates, classNames, imageEmbeddings, labels, cache } = request;
  if (imageEmbeddings.length !== labels.length * vlm.embeddingDim) {
    throw new GlovError(`Image embeddings hold ${imageEmbeddings.length / vlm.embeddingDim} rows for ${labels.length} labels.`, { code: 'labels-mismatch' });
  }
  const classifiers = await buildClassifiers(vlm, candidates, classNames, cache ? { cache } : {});
  return classifiers.map((classifier) => topOneAccuracy(predict(imageEmbeddings, classifier, vlm.embeddingDim), labels));
}
