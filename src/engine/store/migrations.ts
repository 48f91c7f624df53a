/**
 * Numbered schema migrations. Migration n brings the database from
 * `user_version` n - 1 to n; `migrate` applies the missing ones in order,
 * each in its own transaction. Append new migrations; never edit a shipped one.
 */
import type Database from 'better-sqlite3';

import { GlovError } from '../errors.js';

export const migrations: readonly string[] = [
  // 1: datasets, models, runs, steps, candidates, guidance pairs, evaluations, embedding caches.
  `
  CREATE TABLE datasets (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    fingerprint TEXT NOT NULL UNIQUE,
    root TEXT,
    class_names TEXT NOT NULL,
    created_at TEXT NOT NULL
  );

  CREATE TABLE models (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('llm', 'vlm')),
    fingerprint TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (kind, fingerprint)
  );

  CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    label TEXT NOT NULL DEFAULT '',
    dataset_id INTEGER NOT NULL REFERENCES datasets (id),
    llm_model_id INTEGER NOT NULL REFERENCES models (id),
    vlm_model_id INTEGER NOT NULL REFERENCES models (id),
    mode TEXT NOT NULL,
    config TEXT NOT NULL,
    seed INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN
      ('running', 'paused', 'interrupted', 'finished', 'failed', 'cancelled')),
    software TEXT NOT NULL,
    error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );

  CREATE TABLE candidates (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    sample_index INTEGER NOT NULL,
    raw_text TEXT NOT NULL,
    template TEXT NOT NULL,
    fitness REAL,
    rejection TEXT,
    rejection_detail TEXT,
    UNIQUE (run_id, step, sample_index),
    CHECK ((fitness IS NULL) <> (rejection IS NULL))
  );

  CREATE TABLE guidance_pairs (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    best_candidate_id INTEGER NOT NULL REFERENCES candidates (id),
    second_candidate_id INTEGER NOT NULL REFERENCES candidates (id),
    vector BLOB NOT NULL,
    vector_norm REAL NOT NULL,
    layer INTEGER NOT NULL,
    alpha REAL NOT NULL,
    pooling TEXT NOT NULL,
    UNIQUE (run_id, step)
  );

  CREATE TABLE steps (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    seed INTEGER NOT NULL,
    meta_prompt TEXT NOT NULL,
    guidance_pair_id INTEGER REFERENCES guidance_pairs (id),
    generation_seconds REAL NOT NULL,
    scoring_seconds REAL NOT NULL,
    prompt_tokens INTEGER NOT NULL,
    generated_tokens INTEGER NOT NULL,
    accepted_count INTEGER NOT NULL,
    rejected_count INTEGER NOT NULL,
    rejections TEXT NOT NULL,
    best_fitness REAL,
    ensemble_templates TEXT NOT NULL,
    ensemble_train_accuracy REAL,
    ensemble_mean_fitness REAL,
    finished_at TEXT NOT NULL,
    PRIMARY KEY (run_id, step)
  );

  CREATE TABLE evaluations (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    split TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('glov-ensemble', 'baseline', 'custom')),
    label TEXT NOT NULL,
    templates TEXT NOT NULL,
    top1 REAL NOT NULL,
    correct INTEGER NOT NULL,
    total INTEGER NOT NULL,
    per_class TEXT,
    created_at TEXT NOT NULL
  );

  CREATE TABLE text_embeddings (
    model_fingerprint TEXT NOT NULL,
    text TEXT NOT NULL,
    embedding BLOB NOT NULL,
    PRIMARY KEY (model_fingerprint, text)
  ) WITHOUT ROWID;

  CREATE TABLE image_embeddings (
    model_fingerprint TEXT NOT NULL,
    dataset_fingerprint TEXT NOT NULL,
    split TEXT NOT NULL,
    shots INTEGER NOT NULL,
    seed INTEGER NOT NULL,
    preprocessing TEXT NOT NULL,
    files TEXT NOT NULL,
    labels TEXT NOT NULL,
    dim INTEGER NOT NULL,
    embeddings BLOB NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (model_fingerprint, dataset_fingerprint, split, shots, seed, preprocessing)
  );

  CREATE INDEX candidates_by_run ON candidates (run_id, step, sample_index);
  CREATE INDEX evaluations_by_run ON evaluations (run_id);
  `,
  // 2: run ownership. The process executing a run records its pid and host, and refreshes
  // heartbeat_at at every saved step, so a second process can tell a live run from a dead one.
  `
  ALTER TABLE runs ADD COLUMN owner_pid INTEGER;
  ALTER TABLE runs ADD COLUMN owner_host TEXT;
  ALTER TABLE runs ADD COLUMN heartbeat_at TEXT;
  `,
];

/** Apply every migration above the database's user_version. */
export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new GlovError(
      `The database schema version ${current} is newer than this build supports (${migrations.length}).`,
      { code: 'schema-too-new', hint: 'Open it with a newer GLOV Workbench, or choose another database file.' },
    );
  }
  for (let version = current + 1; version <= migrations.length; version += 1) {
    const sql = migrations[version - 1] as string;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version}`);
    })();
  }
}
