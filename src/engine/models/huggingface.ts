/**
 * Downloads from Hugging Face repositories for users who are online.
 *
 * Files land in a cache folder as `<cacheDir>/<ORG>--<REPO>/<REVISION>/<path>`
 * and are reused on later calls without any request. The endpoint follows
 * the HF_ENDPOINT convention of huggingface_hub, so a mirror works too, and
 * HF_TOKEN is sent as a bearer token for gated repositories.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

import { GlovError } from '../errors.js';
import { createLogger } from '../log.js';

const log = createLogger('models.huggingface');

export const DEFAULT_HUGGING_FACE_ENDPOINT = 'https://huggingface.co';

/** Files of a CLIP export in the transformers.js layout. The tokenizer is either tokenizer.json or vocab.json with merges.txt. */
export const CLIP_REPOSITORY_FILES = {
  required: ['onnx/text_model.onnx', 'onnx/vision_model.onnx'],
  optional: [
    'config.json',
    'preprocessor_config.json',
    'tokenizer.json',
    'tokenizer_config.json',
    'special_tokens_map.json',
    'vocab.json',
    'merges.txt',
  ],
} as const;

export interface HuggingFaceOptions {
  /** Cache root. Default: GLOV_HF_CACHE, else $XDG_CACHE_HOME/glov-workbench/huggingface, else ~/.cache/glov-workbench/huggingface. */
  cacheDir?: string;
  /** Base URL. Default: HF_ENDPOINT, else https://huggingface.co. */
  endpoint?: string;
  /** Access token for gated repositories. Default: HF_TOKEN. Never logged. */
  token?: string;
  /** fetch implementation. Default: the global fetch. */
  fetchImpl?: typeof fetch;
}

export interface HuggingFaceFileRequest {
  repo: string;
  revision: string;
  /** Path of the file inside the repository, '/'-separated. */
  file: string;
}

/** Return the cache root that downloads go to when no cacheDir is given. */
export function defaultHuggingFaceCacheDir(): string {
  if (process.env.GLOV_HF_CACHE) {
    return process.env.GLOV_HF_CACHE;
  }
  const cacheHome = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cacheHome, 'glov-workbench', 'huggingface');
}

/** Return the cache folder of one revision of a repository in the cache. */
export function huggingFaceSnapshotDir(repo: string, revision: string, options: HuggingFaceOptions = {}): string {
  const cacheDir = options.cacheDir ?? defaultHuggingFaceCacheDir();
  return path.join(cacheDir, repo.replace('/', '--'), revision);
}

/**
 * Download one repository file into the cache, unless it is already there,
 * and return its local path. `optional` files that the repository lacks
 * (HTTP 404) return null instead of raising.
 *
 * NOTE: a cached file of a branch revision such as `main` is reused even
 * after the branch moves. Pin a commit with @REVISION to be exact.
 */
export async function downloadHuggingFaceFile(
  request: HuggingFaceFileRequest,
  options: HuggingFaceOptions & { optional?: boolean } = {},
): Promise<string | null> {
  const target = path.join(huggingFaceSnapshotDir(request.repo, request.revision, options), ...request.file.split('/'));
  if (fs.existsSync(target)) {
    log.debug(`cache hit ${request.repo}@${request.revision}/${request.file}`);
    return target;
  }

  const url = `${endpointOf(options)}/${request.repo}/resolve/${encodeURIComponent(request.revision)}/${encodePath(request.file)}`;
  const response = await fetchOrExplain(url, `${request.repo}/${request.file}`, options);
  if (response.status === 404 && options.optional) {
    await response.body?.cancel();
    return null;
  }
  if (!response.ok || response.body === null) {
    await response.body?.cancel();
    throw httpError(response.status, `${request.repo}@${request.revision}/${request.file}`, url);
  }

  fs.mkdirSync(path.dirname(target), { recursive: true });
  // Write to a side file and rename, so an interrupted download never looks complete.
  const partial = `${target}.partial`;
  log.info(`downloading ${url}`);
  try {
    await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), fs.createWriteStream(partial));
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw new GlovError(`Download of ${url} was interrupted: ${(error as Error).message}.`, {
      code: 'model-download-failed',
      hint: 'Run the command again to retry, or download the file yourself and pass its local path.',
      cause: error,
    });
  }
  fs.renameSync(partial, target);
  log.info(`saved ${request.repo}/${request.file} to ${target}`);
  return target;
}

/** List the file paths of one repository revision through the Hub API. */
export async function listHuggingFaceFiles(
  repo: string,
  revision: string,
  options: HuggingFaceOptions = {},
): Promise<string[]> {
  const url = `${endpointOf(options)}/api/models/${repo}/revision/${encodeURIComponent(revision)}`;
  const response = await fetchOrExplain(url, repo, options);
  if (!response.ok) {
    await response.body?.cancel();
    throw httpError(response.status, `${repo}@${revision}`, url);
  }
  const body = (await response.json()) as { siblings?: Array<{ rfilename?: unknown }> };
  return (body.siblings ?? [])
    .map((sibling) => sibling.rfilename)
    .filter((name): name is string => typeof name === 'string');
}

/**
 * Download the CLIP files of a repository (or of `subfolder` inside it) and
 * return the local folder that mirrors them.
 */
export async function downloadHuggingFaceClip(
  repo: string,
  revision: string,
  subfolder: string | null,
  options: HuggingFaceOptions = {},
): Promise<string> {
  const prefix = subfolder === null ? '' : `${subfolder}/`;
  for (const file of CLIP_REPOSITORY_FILES.required) {
    await downloadHuggingFaceFile({ repo, revision, file: prefix + file }, options);
  }
  for (const file of CLIP_REPOSITORY_FILES.optional) {
    await downloadHuggingFaceFile({ repo, revision, file: prefix + file }, { ...options, optional: true });
  }
  const snapshot = huggingFaceSnapshotDir(repo, revision, options);
  return subfolder === null ? snapshot : path.join(snapshot, ...subfolder.split('/'));
}

function endpointOf(options: HuggingFaceOptions): string {
  return (options.endpoint ?? process.env.HF_ENDPOINT ?? DEFAULT_HUGGING_FACE_ENDPOINT).replace(/\/+$/, '');
}

function encodePath(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

async function fetchOrExplain(url: string, resource: string, options: HuggingFaceOptions): Promise<Response> {
  const token = options.token ?? process.env.HF_TOKEN;
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const fetchImpl = options.fetchImpl ?? fetch;
  try {
    return await fetchImpl(url, { headers, redirect: 'follow' });
  } catch (error) {
    // fetch rejects with a TypeError whose cause contains the socket error (ENOTFOUND, ECONNREFUSED, ...).
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new GlovError(`Download of ${resource} from ${url} failed: ${reason}.`, {
      code: 'model-download-failed',
      hint: 'This machine may be offline or unable to reach Hugging Face. Download the model on another machine and pass its local path instead (a .gguf file for the LLM, a CLIP ONNX folder for CLIP).',
      cause: error,
    });
  }
}

function httpError(status: number, resource: string, url: string): GlovError {
  if (status === 401 || status === 403) {
    return new GlovError(`Access to ${resource} was denied (HTTP ${status}) at ${url}.`, {
      code: 'model-download-denied',
      hint: 'The repository may be gated or private: accept its licence on huggingface.co and set HF_TOKEN to an access token.',
    });
  }
  if (status === 404) {
    return new GlovError(`${resource} was not found (HTTP 404) at ${url}.`, {
      code: 'model-not-found',
      hint: 'Check the repository id, the revision and the file path in the hf: reference.',
    });
  }
  return new GlovError(`Download of ${resource} failed with HTTP ${status} at ${url}.`, {
    code: 'model-download-failed',
    hint: 'Retry later, or download the file yourself and pass its local path.',
  });
}
