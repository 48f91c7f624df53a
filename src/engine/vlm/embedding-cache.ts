/**
 * Cache contracts for CLIP embeddings. The store implements them on SQLite;
 * the in-memory versions here serve tests and short CLI runs.
 */

/** Text embeddings keyed by model fingerprint and the exact filled text. */
export interface TextEmbeddingCache {
  /** Return one row per text, `undefined` where the text was never stored for this model. */
  getMany(modelFingerprint: string, texts: readonly string[]): (Float32Array | undefined)[];
  putMany(modelFingerprint: string, texts: readonly string[], rows: readonly Float32Array[]): void;
}

/**
 * Identity of one set of image embeddings. Every field takes part in the key,
 * so a changed seed, shot count, file or preprocessing never reuses stale rows.
 */
export interface ImageEmbeddingKey {
  modelFingerprint: string;
  datasetFingerprint: string;
  split: 'train' | 'test';
  /** Images per class, or 'all' for a whole split. */
  shots: number | 'all';
  /** Sampling seed; null when the whole split is used. */
  seed: number | null;
  preprocessHash: string;
}

/** Image embeddings of one key, with the files in row order. */
export interface ImageEmbeddingEntry {
  files: string[];
  /** Row-major [files.length, dim], rows L2-normalized. */
  embeddings: Float32Array;
  dim: number;
}

export interface ImageEmbeddingCache {
  get(key: ImageEmbeddingKey): ImageEmbeddingEntry | undefined;
  put(key: ImageEmbeddingKey, entry: ImageEmbeddingEntry): void;
}

/** Serialize a key in a fixed field order, for maps and database columns. */
export function imageEmbeddingKeyString(key: ImageEmbeddingKey): string {
  return [key.modelFingerprint, key.datasetFingerprint, key.split, String(key.shots), String(key.seed), key.preprocessHash].join('|');
}

export class InMemoryTextEmbeddingCache implements TextEmbeddingCache {
  private readonly rows = new Map<string, Float32Array>();

  getMany(modelFingerprint: string, texts: readonly string[]): (Float32Array | undefined)[] {
    return texts.map((text) => this.rows.get(`${modelFingerprint}\u0000${text}`));
  }

  putMany(modelFingerprint: string, texts: readonly string[], rows: readonly Float32Array[]): void {
    texts.forEach((text, i) => {
      const row = rows[i];
      if (row) this.rows.set(`${modelFingerprint}\u0000${text}`, Float32Array.from(row));
    });
  }

  get size(): number {
    return this.rows.size;
  }
}

export class InMemoryImageEmbeddingCache implements ImageEmbeddingCache {
  private readonly entries = new Map<string, ImageEmbeddingEntry>();

  get(key: ImageEmbeddingKey): ImageEmbeddingEntry | undefined {
    return this.entries.get(imageEmbeddingKeyString(key));
  }

  put(key: ImageEmbeddingKey, entry: ImageEmbeddingEntry): void {
    this.entries.set(imageEmbeddingKeyString(key), { files: [...entry.files], embeddings: Float32Array.from(entry.embeddings), dim: entry.dim });
  }
}
