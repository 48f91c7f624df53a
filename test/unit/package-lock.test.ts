import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

interface LockEntry {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/**
 * Find the lock entry that Node's module resolution would pick for `name` when required from the
 * package at `fromKey`: the nearest node_modules folder walking up towards the root.
 */
function resolveLockKey(packages: Record<string, LockEntry>, fromKey: string, name: string): string | null {
  let base = fromKey;
  for (;;) {
    const candidate = base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`;
    if (candidate in packages) return candidate;
    if (base === '') return null;
    const parent = base.lastIndexOf('/node_modules/');
    base = parent === -1 ? '' : base.slice(0, parent);
  }
}

// `npm ci` (checked with npm 11.19) rejects the lock file when any dependency has no entry in it,
// including an optional one for another platform, and then setup.sh stops on a fresh clone.
test('package lock lists every dependency', () => {
  const lock = JSON.parse(readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const missing: string[] = [];
  for (const [key, entry] of Object.entries(lock.packages)) {
    // A package's own devDependencies are not installed, only the root's.
    const names = [
      ...Object.keys(entry.dependencies ?? {}),
      ...Object.keys(entry.optionalDependencies ?? {}),
      ...(key === '' ? Object.keys(entry.devDependencies ?? {}) : []),
    ];
    for (const name of names) {
      if (resolveLockKey(lock.packages, key, name) === null) missing.push(`${name} (needed by ${key || 'the root'})`);
    }
  }
  assert.deepEqual(missing, []);
});
