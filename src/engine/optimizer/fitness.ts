/**
 * Fitness: top-1 zero-shot accuracy x100 of a template (or a template
 * ensemble) on a labelled image set, with text and image embeddings cached
 * in the store.
 *
 * Classifiers and predictions come from the VLM's zero-shot module, which
 * does CLIP's template ensembling and breaks argmax ties toward the lower
 * class index. This module adds the SQLite caches and per-class counts.
 */
import type { Store } from '../store/database.js';
import {
  getCachedImageEmbeddings,
  getCachedTextEmbeddings,
  putImageEmbeddings,
  putTextEmbeddings,
  type ImageEmbeddingKey,
} from '../store/embedding-cache.js';
import type { TextEmbeddingCache } from '../vlm/embedding-cache.js';
import type { DualEncoderVlm } from '../vlm/types.js';
import { buildClassifiers, predict } from '../vlm/zero-shot.js';

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

  /** The store's text-embedding table, in the cache shape the zero-shot module expects. */
  #textCache(): TextEmbeddingCache {
    const store = this.#store;
    return {
      getMany: (modelFingerprint, texts) => {
        const found = getCachedTextEmbeddings(store, modelFingerprint, texts);
        return texts.map((text) => found.get(text));
      },
      putMany: (modelFingerprint, texts, rows) =>
        putTextEmbeddings(store, modelFingerprint, texts.map((text, index) => [text, rows[index] as Float32Array] as const)),
    };
  }

  /** Class embeddings [classCount, dim] of a template ensemble (one template is an ensemble of one). */
  async classifier(templates: readonly string[]): Promise<Float32Array> {
    const [weights] = await buildClassifiers(this.#vlm, [templates], this.#classNames, { cache: this.#textCache() });
    return weights as Float32Array;
  }

  /** Top-1 accuracy of a template ensemble on embedded images. */
  async accuracy(templates: readonly string[], images: EmbeddedImages): Promise<Accuracy> {
    const weights = await this.classifier(templates);
    return top1Accuracy(weights, this.#classNames.length, images);
  }

  /**
   * Top-1 accuracy of several template ensembles on the same images. All
   * uncached texts (every template x every class) go to the text encoder in
   * one call instead of one call per ensemble.
   */
  async accuracies(ensembles: readonly (readonly string[])[], images: EmbeddedImages): Promise<Accuracy[]> {
    if (ensembles.length === 0) {
      return [];
    }
    const classifiers = await buildClassifiers(this.#vlm, ensembles, this.#classNames, { cache: this.#textCache() });
    return classifiers.map((weights) => top1Accuracy(weights, this.#classNames.length, images));
  }
}

/** Top-1 accuracy of class embeddings `weights` [classCount, dim] on embedded images. */
export function top1Accuracy(weights: Float32Array, classCount: number, images: EmbeddedImages): Accuracy {
  const { dim, labels, embeddings } = images;
  const perClass = Array.from({ length: classCount }, () => ({ correct: 0, total: 0 }));
  let correct = 0;
  const predictions = predict(embeddings, weights, dim);
  labels.forEach((label, imageIndex) => {
    const hit = predictions[imageIndex] === label;
    const bucket = perClass[label];
    if (bucket) {
      bucket.total += 1;
      bucket.correct += hit ? 1 : 0;
    }
    correct += hit ? 1 : 0;
  });
  const total = labels.length;
  return { top1: total === 0 ? 0 : (100 * correct) / total, correct, total, perClass };
}
