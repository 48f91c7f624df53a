/** Model sources: local paths, Hugging Face references and the packaged defaults. */
export { DEFAULT_MODEL_DESCRIPTIONS, DEFAULT_MODEL_PATHS, defaultModelsDir } from './defaults.js';
export {
  CLIP_REPOSITORY_FILES,
  DEFAULT_HUGGING_FACE_ENDPOINT,
  defaultHuggingFaceCacheDir,
  downloadHuggingFaceClip,
  downloadHuggingFaceFile,
  huggingFaceSnapshotDir,
  listHuggingFaceFiles,
  type HuggingFaceFileRequest,
  type HuggingFaceOptions,
} from './huggingface.js';
export {
  HUGGING_FACE_PREFIX,
  formatModelReference,
  parseModelReference,
  type ModelReference,
  type ModelRole,
} from './reference.js';
export { resolveModel, type ResolveModelOptions, type ResolvedModel } from './resolve.js';
export { CLIP_ONNX_FILES, checkClipFolder, checkGgufFile, type GgufHeader } from './validate.js';
