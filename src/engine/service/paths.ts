/**
 * The data roots rule: a path typed in the browser view is read only when it lies under a configured root.
 */
import { realpath } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { GlovError } from '../errors.js';

/**
 * Roots from GLOV_DATA_ROOTS (separated by the platform's path delimiter), or
 * by default `../shared/datasets` relative to the working directory and the
 * home folder.
 */
export function dataRootsFromEnvironment(environment: NodeJS.ProcessEnv = process.env): string[] {
  const configured = environment.GLOV_DATA_ROOTS?.split(path.delimiter).filter((entry) => entry.trim() !== '');
  if (configured && configured.length > 0) {
    return configured.map((entry) => path.resolve(entry));
  }
  return [path.resolve('..', 'shared', 'datasets'), os.homedir()];
}

/**
 * Resolve `candidate` with symbolic links followed and check that it lies under one of `roots`.
 * Symbolic links are followed on both sides, so a link inside a root cannot lead out of it.
 */
export async function resolveUnderRoots(candidate: string, roots: readonly string[], what: string): Promise<string> {
  if (typeof candidate !== 'string' || candidate.trim() === '' || !path.isAbsolute(candidate.trim())) {
    throw new GlovError(`Invalid ${what} path: ${JSON.stringify(candidate)}.`, {
      code: 'path-not-absolute',
      hint: `Type an absolute path under one of: ${roots.join(', ')}.`,
    });
  }
  const resolved = await realpath(candidate.trim()).catch(() => null);
  if (resolved === null) {
    throw new GlovError(`${capitalize(what)} not found: ${candidate}.`, {
      code: 'path-not-found',
      hint: `Check the path; it must exist under one of: ${roots.join(', ')}.`,
    });
  }
  for (const root of roots) {
    const realRoot = await realpath(root).catch(() => null);
    if (realRoot !== null && (resolved === realRoot || resolved.startsWith(realRoot + path.sep))) {
      return resolved;
    }
  }
  throw new GlovError(`The ${what} ${resolved} is outside the allowed data roots.`, {
    code: 'path-outside-roots',
    hint: `Use a path under ${roots.join(', ')}, or restart with GLOV_DATA_ROOTS naming its parent folder.`,
  });
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
