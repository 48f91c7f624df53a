/**
 * Embedding caches in SQLite.
 *
 * Text embeddings are keyed by (model fingerprint, filled text), so a
 * template that comes back in a later step or run is never re-encoded.
 * Image embeddings are keyed by (model, dataset fingerprint, split, shots,
 * seed, preprocessing), so a changed seed or sample never reuses stale
 * features. The model fingerprint covers the weights and their preprocessing.
 */
import { blobToFloats, floatsToBlob, nowIso, type Store } from './database.js';

/** Embeddings of `texts` from the cache; missing texts are absent from the map. */
export function getCachedTextEmbeddings(
  store: Store,
  modelFingerprint: string,
  texts: readonly string[],
): Map<string, Float32Array> {
  const select = store.prepare<[string, string], { embedding: Buffer }>(
    'SELECT embedding FROM text_embeddings WHERE model_fingerprint = ? AND text = ?',
  );
  const found = new Map<string, Float32Array>();
  for (const text of texts) {
    const row = select.get(modelFingerprint, text);
    if (row) {
      found.set(text, blobToFloats(row.embedding));
    }
  }
  return found;
}

export function putTextEmbeddings(
  store: Store,
  modelFingerprint: string,
  entries: ReadonlyArray<readonly [string, Float32Array]>,
): void {
  const insert = store.prepare(
    'INSERT OR REPLACE INTO text_embeddings (model_fingerprint, text, embedding) VALUES (?, ?, ?)',
  );
  store.transaction(() => {
    for (const [text, embedding] of entries) {
      insert.run(modelFingerprint, text, floatsToBlob(embedding));
    }
  })();
}

export interface ImageEmbeddingKey {
  modelFingerprint: string;
  datasetFingerprint: string;
  split: string;
  /** Images per class; 0 for a whole split. */
  shots: number;
  /** Sampling seed; 0 for a whole split. */
  seed: number;
  preprocessing: string;
}

export interface CachedImageEmbeddings {
  files: string[];
  labels: number[];
  dim: number;
  /** Row-major [files.length, dim], rows L2-normalized. */
  embeddings: Float32Array;
}

export function getCachedImageEmbeddings(store: Store, key: ImageEmbeddingKey): CachedImageEmbeddings | null {
  const row = store
    .prepare<
      [string, string, string, number, number, string],
      { files: string; labels: string; dim: number; embeddings: Buffer }
    >(
      `SELECT files, labels, dim, embeddings FROM image_embeddings
       WHERE model_fingerprint = ? AND dataset_fingerprint = ? AND split = ? AND shots = ? AND seed = ? AND preprocessing = ?`,
    )
    .get(key.modelFingerprint, key.datasetFingerprint, key.split, key.shots, key.seed, key.preprocessing);
  if (!row) {
    return null;
  }
  return {
    files: JSON.parse(row.files) as string[],
    labels: JSON.parse(row.labels) as number[],
    dim: row.dim,
    embeddings: blobToFloats(row.embeddings),
  };
}

export function putImageEmbeddings(store: Store, key: ImageEmbeddingKey, value: CachedImageEmbeddings): void {
  store
    .prepare(
      `INSERT OR REPLACE INTO image_embeddings
       (model_fingerprint, dataset_fingerprint, split, shots, seed, preprocessing, files, labels, dim, embeddings, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      key.modelFingerprint,
      key.datasetFingerprint,
      key.split,
      key.shots,
      key.seed,
      key.preprocessing,
      JSON.stringify(value.files),
      JSON.stringify(value.labels),
      value.dim,
      floatsToBlob(value.embeddings),
      nowIso(),
    );
}
