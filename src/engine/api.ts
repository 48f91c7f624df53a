/**
 * The one typed API that the renderer uses to reach the engine.
 *
 * Two transports carry it: the Electron preload (IPC) and the browser bridge
 * (HTTP for calls, WebSocket for events). The renderer only uses
 * `WorkbenchApi`, so it never knows which transport it runs on. Every type
 * here is plain JSON data, because both transports serialize it.
 */
import type { GlovConfig } from './optimizer/config.js';
import type { RunStatus as StoredRunStatus } from './store/runs.js';

/** Lifecycle of a run as stored. `interrupted` means the app stopped while the run was going. */
export type RunStatus = StoredRunStatus;

/**
 * Settings of one GLOV run that the app exposes: a subset of the engine's run
 * config, with the same names and defaults. `layer: 'auto'` means the
 * model's default steering layer.
 */
export type RunSettings = Pick<
  GlovConfig,
  | 'mode'
  | 'datasetName'
  | 'datasetDescription'
  | 'steps'
  | 'candidatesPerStep'
  | 'shots'
  | 'topK'
  | 'bottomK'
  | 'alpha'
  | 'layer'
  | 'guidance'
  | 'pooling'
  | 'seed'
  | 'maxNewTokens'
  | 'temperature'
  | 'topKSampling'
  | 'topP'
>;

/** One row of the settings form: the default and a one-line explanation. */
export interface RunSettingSpec {
  key: keyof RunSettings;
  label: string;
  explanation: string;
  defaultValue: RunSettings[keyof RunSettings];
  /** `text` is one line, `long-text` a paragraph; both are sent as typed (trimmed). */
  kind: 'integer' | 'number' | 'choice' | 'layer' | 'text' | 'long-text';
  /** Smallest accepted value of a numeric setting. */
  min?: number;
  /** Largest accepted value of a numeric setting. */
  max?: number;
  choices?: string[];
  /** Hint shown inside an empty text field. */
  placeholder?: string;
  /** True for settings that rarely need changing; the form shows them under "Advanced". */
  advanced?: boolean;
}

export interface DatasetWarning {
  kind: 'unreadable-image' | 'empty-class' | 'classnames-mismatch' | 'missing-split';
  message: string;
}

export interface DatasetClassSummary {
  /** Folder name under train/ and test/. */
  folder: string;
  /** Name that replaces `<category>` in a template (from classnames.json when present). */
  promptName: string;
  trainCount: number;
  testCount: number;
}

export interface DatasetSummary {
  id: string;
  name: string;
  /** Built-in description of a well-known dataset, matched by folder name; null for other folders. */
  description: string | null;
  path: string;
  classCount: number;
  trainImageCount: number;
  testImageCount: number;
  warnings: DatasetWarning[];
}

export interface DatasetDetail extends DatasetSummary {
  classes: DatasetClassSummary[];
}

export interface ImageThumbnail {
  fileName: string;
  /** `data:image/jpeg;base64,...`, small enough for a grid; null when the file could not be decoded. */
  dataUrl: string | null;
  error?: string;
}

export type ModelKind = 'llm' | 'vlm';

export interface ModelInfo {
  kind: ModelKind;
  path: string;
  fileName: string;
  sizeBytes: number;
  architecture: string;
  layerCount: number | null;
  /** Steering layer used when a run leaves `layer` empty (GLOV used block 17 of 32). */
  defaultSteeringLayer: number | null;
  embeddingLength: number | null;
  warnings: string[];
}

export interface CandidateView {
  index: number;
  template: string;
  /** Train fitness in percent, null when rejected. */
  fitness: number | null;
  rejection: string | null;
}

export interface GuidanceView {
  positiveTemplate: string;
  negativeTemplate: string;
  positiveFitness: number;
  negativeFitness: number;
  vectorNorm: number;
}

export interface StepView {
  step: number;
  metaPrompt: string;
  candidates: CandidateView[];
  bestFitness: number | null;
  meanFitness: number | null;
  /** Guidance used while generating this step's candidates; null when unsteered. */
  guidance: GuidanceView | null;
  seconds: number;
}

export interface RunSummary {
  id: string;
  label: string;
  datasetName: string;
  status: RunStatus;
  settings: RunSettings;
  createdAt: string;
  stepsDone: number;
  bestFitness: number | null;
  testAccuracy: number | null;
  error: string | null;
}

export interface RunDetail extends RunSummary {
  /** Train fitness of the initial template, scored before step 0. */
  initialFitness: number | null;
  steps: StepView[];
  /** Estimated seconds left, from the mean step time so far; null before the first step ends. */
  secondsLeftEstimate: number | null;
}

export interface LeaderboardEntry {
  template: string;
  trainFitness: number;
  testAccuracy: number | null;
  /** Times the same template (after whitespace normalization) was proposed. */
  occurrences: number;
  firstStep: number;
}

export interface ComparedRun {
  id: string;
  label: string;
  kind: 'run' | 'baseline';
  settings: RunSettings | null;
  testAccuracy: number | null;
  bestFitnessPerStep: number[];
}

export type ExportFormat = 'json' | 'csv' | 'templates' | 'clip-benchmark';

export interface ExportedFile {
  fileName: string;
  mimeType: string;
  content: string;
}

export interface StartRunRequest {
  datasetId: string;
  settings: RunSettings;
  label?: string;
}

export interface AppInfo {
  transport: 'ipc' | 'bridge';
  /** True when the transport can open a native file dialog (Electron only). */
  canPickPaths: boolean;
  /** Folders under which a typed path is accepted (browser bridge). */
  dataRoots: string[];
  llm: ModelInfo | null;
  vlm: ModelInfo | null;
}

/** Progress event pushed to every connected window or browser. */
export type RunEvent =
  | { type: 'run-status'; runId: string; status: RunStatus; error?: string }
  | { type: 'step-started'; runId: string; step: number; metaPrompt: string }
  | { type: 'step-finished'; runId: string; step: StepView; secondsLeftEstimate: number | null }
  | { type: 'run-finished'; runId: string; testAccuracy: number | null };

/** A failure as it crosses a transport: a readable message and what to do, never a stack trace. */
export interface ApiErrorPayload {
  message: string;
  code: string;
  hint?: string;
}

export interface WorkbenchApi {
  getAppInfo(): Promise<AppInfo>;
  getRunSettingSpecs(): Promise<RunSettingSpec[]>;

  listDatasets(): Promise<DatasetSummary[]>;
  /** Add a dataset folder. Without `path` the desktop app opens a folder dialog; the bridge requires a path under a data root. */
  addDataset(request: { path?: string }): Promise<DatasetDetail | null>;
  getDataset(datasetId: string): Promise<DatasetDetail>;
  getClassImages(request: {
    datasetId: string;
    classFolder: string;
    split: 'train' | 'test';
    limit: number;
  }): Promise<ImageThumbnail[]>;

  /** Select the LLM or VLM. Without `path` the desktop app opens a file dialog. */
  selectModel(request: { kind: ModelKind; path?: string }): Promise<ModelInfo | null>;

  startRun(request: StartRunRequest): Promise<RunSummary>;
  pauseRun(runId: string): Promise<RunSummary>;
  resumeRun(runId: string): Promise<RunSummary>;
  cancelRun(runId: string): Promise<RunSummary>;
  listRuns(): Promise<RunSummary[]>;
  getRun(runId: string): Promise<RunDetail>;
  getLeaderboard(runId: string): Promise<LeaderboardEntry[]>;
  compareRuns(runIds: string[]): Promise<ComparedRun[]>;
  exportRun(request: { runId: string; format: ExportFormat }): Promise<ExportedFile>;

  /** Subscribe to run events; returns the unsubscribe function. */
  onRunEvent(listener: (event: RunEvent) => void): () => void;
}

/** Names of the request/response methods, shared by both transports for routing. */
export const apiMethodNames = [
  'getAppInfo',
  'getRunSettingSpecs',
  'listDatasets',
  'addDataset',
  'getDataset',
  'getClassImages',
  'selectModel',
  'startRun',
  'pauseRun',
  'resumeRun',
  'cancelRun',
  'listRuns',
  'getRun',
  'getLeaderboard',
  'compareRuns',
  'exportRun',
] as const satisfies readonly Exclude<keyof WorkbenchApi, 'onRunEvent'>[];

export type ApiMethodName = (typeof apiMethodNames)[number];

/** The server side of the API: every call plus a source of events, without the subscription helper. */
export type WorkbenchCalls = Pick<WorkbenchApi, ApiMethodName>;
