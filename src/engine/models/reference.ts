/**
 * Model references: the strings a user passes to name an LLM or a CLIP model.
 *
 * Three forms are accepted:
 *   - a local path: a .gguf file for the LLM, a Hugging Face style folder for CLIP;
 *   - `hf:ORG/REPO[@REVISION][/PATH]`: a Hugging Face repository, downloaded
 *     into a local cache on first use (needs network access);
 *   - `default`, `default-llm`, `default-clip`: the packaged defaults under
 *     models/, written there by scripts/fetch-models.sh.
 */
import path from 'node:path';

import { GlovError } from '../errors.js';

/** Purpose of a model, which decides the files a reference must point at. */
export type ModelRole = 'llm' | 'clip';

export type ModelReference =
  | { source: 'local'; path: string }
  | {
      source: 'huggingface';
      /** Repository id, `ORG/REPO`. */
      repo: string;
      /** Branch, tag or commit, or `main` when the reference names none. */
      revision: string;
      /** File inside the repository (LLM) or subfolder (CLIP), or null for the repository root. */
      pathInRepo: string | null;
    }
  /** role null means "the default for whatever role the caller resolves". */
  | { source: 'default'; role: ModelRole | null };

export const HUGGING_FACE_PREFIX = 'hf:';

// Hugging Face repository names use letters, digits, '-', '_' and '.'.
const REPO_PART = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/;
const REVISION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/**
 * Parse a model reference string.
 *
 * Relative local paths resolve against `baseDir` (default: the working directory).
 * Raises GlovError `invalid-model-reference` for an empty string or a malformed `hf:` reference.
 */
export function parseModelReference(reference: string, options: { baseDir?: string } = {}): ModelReference {
  const trimmed = reference.trim();
  if (trimmed === '') {
    throw new GlovError('Model reference is empty.', {
      code: 'invalid-model-reference',
      hint: 'Pass a local path, hf:ORG/REPO[/FILE], or default.',
    });
  }

  if (trimmed === 'default') {
    return { source: 'default', role: null };
  }
  if (trimmed === 'default-llm') {
    return { source: 'default', role: 'llm' };
  }
  if (trimmed === 'default-clip') {
    return { source: 'default', role: 'clip' };
  }

  if (trimmed.startsWith(HUGGING_FACE_PREFIX)) {
    return parseHuggingFaceReference(trimmed);
  }

  return { source: 'local', path: path.resolve(options.baseDir ?? process.cwd(), trimmed) };
}

function parseHuggingFaceReference(reference: string): ModelReference {
  const invalid = (reason: string): GlovError =>
    new GlovError(`Invalid Hugging Face reference: ${reference} (${reason}).`, {
      code: 'invalid-model-reference',
      hint: 'Write it as hf:ORG/REPO, hf:ORG/REPO/FILE.gguf or hf:ORG/REPO@REVISION/FILE.gguf.',
    });

  const body = reference.slice(HUGGING_FACE_PREFIX.length);
  const segments = body.split('/');
  if (segments.length < 2) {
    throw invalid('expected ORG/REPO');
  }

  const organization = segments[0] ?? '';
  let repoName = segments[1] ?? '';
  let revision = 'main';
  const at = repoName.indexOf('@');
  if (at >= 0) {
    revision = repoName.slice(at + 1);
    repoName = repoName.slice(0, at);
    if (!REVISION.test(revision)) {
      throw invalid(`revision "${revision}" is not a branch, tag or commit name`);
    }
  }
  if (!REPO_PART.test(organization) || !REPO_PART.test(repoName)) {
    throw invalid(`"${organization}/${repoName}" is not a repository id`);
  }

  const rest = segments.slice(2);
  // A trailing slash leaves an empty last segment, which means "no path".
  while (rest.length > 0 && rest[rest.length - 1] === '') {
    rest.pop();
  }
  // The path becomes part of a URL and of a cache path, so '.', '..' and
  // empty segments are rejected to keep both inside the repository.
  if (rest.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw invalid('the file path has an empty, "." or ".." segment');
  }

  return {
    source: 'huggingface',
    repo: `${organization}/${repoName}`,
    revision,
    pathInRepo: rest.length > 0 ? rest.join('/') : null,
  };
}

/** Format a reference back into the string form, for logs and run records. */
export function formatModelReference(reference: ModelReference): string {
  switch (reference.source) {
    case 'local':
      return reference.path;
    case 'default':
      return reference.role === null ? 'default' : `default-${reference.role}`;
    case 'huggingface': {
      const revision = reference.revision === 'main' ? '' : `@${reference.revision}`;
      const file = reference.pathInRepo === null ? '' : `/${reference.pathInRepo}`;
      return `${HUGGING_FACE_PREFIX}${reference.repo}${revision}${file}`;
    }
  }
}
