/**
 * Fitness: top-1 zero-shot accuracy x100 of a template (or a template
 * ensemble) on a labelled image set, with text and image embeddings cached
 * in the store.
 *
 * The classifier follows CLIP's template ensembling: per class, fill every
 * template, embed, average the L2-normalized rows and re-normalize. The
 * prediction is the class with the largest dot product; ties go to the lower
 * class index.
 */
import type { Store } from '../store/database.js';
import {
  getCachedImageEmbeddings,
  getCachedTextEmbeddings,
  putImageEmbeddings,
  putTextEmbeddings,
  type ImageEmbeddingKey,
} from '../store/embedding-cache.js';
import type { DualEncoderVlm } from '../vlm/types.js';
import { fillTemplate } from './template.js';

/** Image files with their class indexes. */
export interface LabelledImages {
  files: readonly string[];
  labels: readonly number[];
}

/** Embedded images: row-major [labels.length, dim], rows L2-normalized. */
export interface EmbeddedImages {
  embeddings: Float32Array;
  labels: readonly number[];
  dim: number;
}

export interface Accuracy {
  /** Top-1 accuracy x100. */
  top1: number;
  correct: number;
  total: number;
  perClass: Array<{ correct: number; total: number }>;
}

function normalizeInPlace(row: Float32Array): void {
  let sumSquares = 0;
  for (const value of row) {
    sumSquares += value * value;
  }
  const norm = Math.sqrt(sumSquares);
  if (norm > 0) {
    for (let i = 0; i < row.length; i += 1) {
      row[i] = (row[i] as number) / norm;
    }
  }
}

/** Embed `images` once per cache key; later calls read the store. */
export async function embedImagesCached(options: {
  vlm: DualEncoderVlm;
  store: Store;
  key: Omit<ImageEmbeddingKey, 'modelFingerprint'>;
  images: LabelledImages;
}): Promise<EmbeddedImages> {
  const { vlm, store, images } = options;
  const key: ImageEmbeddingKey = { ...options.key, modelFingerprint: vlm.fingerprint };
  const cached = getCachedImageEmbeddings(store, key);
  // A cache row counts only if it covers exactly the same files, so a
  // changed folder behind an unchanged fingerprint is re-embedded.
  if (cached && JSON.stringify(cached.files) === JSON.stringify(images.files)) {
    return { embeddings: cached.embeddings, labels: cached.labels, dim: cached.dim };
  }
  const embeddings = await vlm.embedImages(images.files);
  putImageEmbeddings(store, key, {
    files: [...images.files],
    labels: [...images.labels],
    dim: vlm.embeddingDim,
    embeddings,
  });
  return { embeddings, labels: images.labels, dim: vlm.embeddingDim };
}

/** Builds zero-shot classifiers for one class list, caching text embeddings per filled text. */
export class TemplateScorer {
  readonly #vlm: DualEncoderVlm;
  readonly #store: Store;
  readonly #classNames: readonly string[];

  constructor(options: { vlm: DualEncoderVlm; store: Store; classNames: readonly string[] }) {
    this.#vlm = options.vlm;
    this.#store = options.store;
    this.#classNames = options.classNames;
  }

  /** Embeddings of filled texts, encoding only the ones missing from the cache, in one batch. */
  async #embedTexts(texts: readonly string[]): Promise<Map<string, Float32Array>> {
    const fingerprint = this.#vlm.fingerprint;
    const found = getCachedTextEmbeddings(this.#store, fingerprint, texts);
    const missing = [...new Set(texts.filter((text) => !found.has(text)))];
    if (missing.length > 0) {
      const matrix = await this.#vlm.embedTexts(missing);
      const dim = this.#vlm.embeddingDim;
      const fresh = missing.map((text, row) => [text, matrix.slice(row * dim, (row + 1) * dim)] as const);
      putTextEmbeddings(this.#store, fingerprint, fresh);
      for (const [text, embedding] of fresh) {
        found.set(text, embedding);
      }
    }
    return found;
  }

  /** Class embeddings [classCount, dim] of a template ensemble (one template is an ensemble of one). */
  async classifier(templates: readonly string[]): Promise<Float32Array> {
    const dim = this.#vlm.embeddingDim;
    const texts = templates.flatMap((template) => this.#classNames.map((name) => fillTemplate(template, name)));
    const embedded = await this.#embedTexts(texts);
    const weights = new Float32Array(this.#classNames.length * dim);
    this.#classNames.forEach((name, classIndex) => {
      const row = weights.subarray(classIndex * dim, (classIndex + 1) * dim);
      for (const template of templates) {
        const embedding = embedded.get(fillTemplate(template, name)) as Float32Array;
        for (let i = 0; i < dim; i += 1) {
          row[i] = (row[i] as number) + (embedding[i] as number);
        }
      }
      normalizeInPlace(row);
    });
    return weights;
  }

  /** Top-1 accuracy of a template ensemble on embedded images. */
  async accuracy(templates: readonly string[], images: EmbeddedImages): Promise<Accuracy> {
    const weights = await this.classifier(templates);
    return top1Accuracy(weights, this.#classNames.length, images);
  }
}

/** Top-1 accuracy of class embeddings `weights` [classCount, dim] on embedded images. */
export function top1Accuracy(weights: Float32Array, classCount: number, images: EmbeddedImages): Accuracy {
  const { dim, labels, embeddings } = images;
  const perClass = Array.from({ length: classCount }, () => ({ correct: 0, total: 0 }));
  let correct = 0;
  labels.forEach((label, imageIndex) => {
    const image = embeddings.subarray(imageIndex * dim, (imageIndex + 1) * dim);
    let bestClass = 0;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let classIndex = 0; classIndex < classCount; classIndex += 1) {
      let score = 0;
      for (let i = 0; i < dim; i += 1) {
        score += (image[i] as number) * (weights[classIndex * dim + i] as number);
      }
      if (score > bestScore) {
        bestScore = score;
        bestClass = classIndex;
      }
    }
    const bucket = perClass[label];
    if (bucket) {
      bucket.total += 1;
      if (bestClass === label) {
        bucket.correct += 1;
      }
    }
    if (bestClass === label) {
      correct += 1;
    }
  });
  const total = labels.length;
  return { top1: total === 0 ? 0 : (100 * correct) / total, correct, total, perClass };
}
