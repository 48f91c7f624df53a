/** Reading of `--config FILE`: a JSON object of run config keys. */
import { readFileSync } from 'node:fs';

import { GlovError } from '../engine/errors.js';

/** Read a JSON config file; the engine rejects unknown keys when it resolves the config. */
export function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new GlovError(`Config file not found or unreadable: ${file}.`, { code: 'config-unreadable', cause });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new GlovError(`Config file is not valid JSON: ${file} (${(cause as Error).message}).`, {
      code: 'config-invalid-json',
      hint: 'Write the config as one JSON object, for example {"steps": 20, "alpha": 0.5}.',
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new GlovError(`Config file must contain one JSON object: ${file}.`, { code: 'config-not-object' });
  }
  return parsed as Record<string, unknown>;
}
