/**
 * Opening the SQLite store: WAL journal (readers never block the run that
 * writes), foreign keys on, and the schema migrated to the latest version.
 */
import Database from 'better-sqlite3';

import { GlovError } from '../errors.js';
import { migrate } from './migrations.js';

export type Store = Database.Database;

/** Open (or create) the store at `file`; ':memory:' gives a throwaway store. */
export function openStore(file: string): Store {
  let db: Store;
  try {
    db = new Database(file);
  } catch (cause) {
    throw new GlovError(`Failed to open the run database: ${file}.`, {
      code: 'store-open-failed',
      hint: 'Pass a path in a writable folder.',
      cause,
    });
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    // With WAL, NORMAL keeps every committed transaction across a process crash
    // (kill -9); only an OS crash or power loss can drop the last commits.
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    migrate(db);
  } catch (cause) {
    db.close();
    // better-sqlite3 opens any file lazily, so a file that is not SQLite fails only at the first statement.
    if ((cause as { code?: unknown }).code === 'SQLITE_NOTADB') {
      throw new GlovError(`Not a SQLite database: ${file}.`, {
        code: 'store-not-sqlite',
        hint: 'Pass --db with a new file name or an existing glov database.',
        cause,
      });
    }
    throw cause;
  }
  return db;
}

export function nowIso(): string {
  return new Date().toISOString();
}

/** Copy a Float32Array into a Buffer for a BLOB column. */
export function floatsToBlob(values: Float32Array): Buffer {
  return Buffer.from(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
}

/** Read a BLOB column written by `floatsToBlob`. */
export function blobToFloats(blob: Buffer): Float32Array {
  const copy = new Uint8Array(blob.byteLength);
  copy.set(blob);
  return new Float32Array(copy.buffer);
}
