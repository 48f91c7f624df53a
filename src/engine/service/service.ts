/**
 * The workbench service: the engine behind the one API that the desktop app
 * (over IPC) and the browser bridge (over HTTP/WebSocket) expose.
 *
 * Runs execute in worker threads. The store is the single source of truth,
 * so every screen, every transport and every resume read the same records.
 */
import { mkdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

import type {
  AppInfo,
  ComparedRun,
  DatasetDetail,
  DatasetSummary,
  ExportFormat,
  ExportedFile,
  ImageThumbnail,
  LeaderboardEntry,
  ModelInfo,
  ModelKind,
  RunDetail,
  RunEvent,
  RunSettingSpec,
  RunSummary,
  StartRunRequest,
  WorkbenchCalls,
} from '../api.js';
import { GlovError } from '../errors.js';
import { createLogger } from '../log.js';
import { resolveConfig } from '../optimizer/config.js';
import { openStore, type Store } from '../store/database.js';
import { compareRuns, getRun, leaderboard, listRuns } from '../store/queries.js';
import { markInterruptedRuns, setRunStatus } from '../store/runs.js';
import { classThumbnails, datasetIdFor, inspectDataset } from './datasets.js';
import { toErrorPayload } from './errors.js';
import { renderExport } from './exports.js';
import { inspectLlm, inspectVlm } from './models.js';
import { dataRootsFromEnvironment, resolveUnderRoots } from './paths.js';
import type { RunJob, WorkerCommand, WorkerMessage } from './run-protocol.js';
import { runSettingSpecs } from './settings.js';
import { toComparedRuns, toRunDetail, toRunSummary } from './views.js';

const log = createLogger('service');

export interface WorkbenchServiceOptions {
  transport: 'ipc' | 'bridge';
  /** SQLite file of the run store. Default GLOV_DB or ~/.glov/glov.sqlite. */
  dbPath?: string;
  /** Folders under which typed paths are accepted. Default GLOV_DATA_ROOTS or ../shared/datasets and ~/. */
  dataRoots?: string[];
  /** llama.cpp threads of a run. Default GLOV_THREADS or 2. */
  threads?: number;
  /**
   * URL of the module that loads the models and the dataset of a run in the
   * worker. Default: the engine's own loader; tests may pass a module with
   * smaller stand-ins.
   */
  runInputsModuleUrl?: string;
  /** Desktop only: file dialogs for the calls that omit a path. */
  pickPath?: (kind: 'dataset' | ModelKind) => Promise<string | null>;
}

export interface WorkbenchService extends WorkbenchCalls {
  onRunEvent(listener: (event: RunEvent) => void): () => void;
  /** Stop running workers (their runs become interrupted) and close the store. */
  close(): Promise<void>;
}

/** Datasets and chosen models, kept next to the store so they survive a restart. */
interface WorkbenchState {
  datasets: string[];
  llmPath: string | null;
  vlmPath: string | null;
}

export function defaultDbPath(): string {
  return process.env.GLOV_DB ?? path.join(os.homedir(), '.glov', 'glov.sqlite');
}

export async function createWorkbenchService(options: WorkbenchServiceOptions): Promise<WorkbenchService> {
  const dbPath = path.resolve(options.dbPath ?? defaultDbPath());
  mkdirSync(path.dirname(dbPath), { recursive: true });
  const store: Store = openStore(dbPath);
  const interrupted = markInterruptedRuns(store);
  if (interrupted > 0) {
    log.warn(`${interrupted} run(s) were going when the last session ended; they are marked interrupted`);
  }
  const dataRoots = options.dataRoots?.map((root) => path.resolve(root)) ?? dataRootsFromEnvironment();
  const threads = options.threads ?? (Number(process.env.GLOV_THREADS) || 2);
  const statePath = `${dbPath}.workbench.json`;
  const inputsModuleUrl =
    options.runInputsModuleUrl ??
    new URL(import.meta.url.endsWith('.ts') ? './run-inputs.ts' : './run-inputs.js', import.meta.url).href;
  const state: WorkbenchState = await readFile(statePath, 'utf8')
    .then((text) => ({ datasets: [], llmPath: null, vlmPath: null, ...(JSON.parse(text) as Partial<WorkbenchState>) }))
    .catch(() => ({ datasets: [], llmPath: null, vlmPath: null }));

  const datasets = new Map<string, DatasetDetail>();
  for (const folder of state.datasets) {
    try {
      const detail = await inspectDataset(folder);
      datasets.set(detail.id, detail);
    } catch (error) {
      log.warn(`dropping dataset ${folder}: ${toErrorPayload(error).message}`);
    }
  }
  let llm: ModelInfo | null = state.llmPath ? await inspectLlm(state.llmPath).catch(() => null) : null;
  let vlm: ModelInfo | null = state.vlmPath ? await inspectVlm(state.vlmPath).catch(() => null) : null;

  const listeners = new Set<(event: RunEvent) => void>();
  const workers = new Map<number, Worker>();

  function emit(event: RunEvent): void {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        log.error(`run event listener failed: ${String(error)}`);
      }
    }
  }

  async function saveState(): Promise<void> {
    const next: WorkbenchState = {
      datasets: [...datasets.values()].map((entry) => entry.path),
      llmPath: llm?.path ?? null,
      vlmPath: vlm?.path ?? null,
    };
    await writeFile(statePath, `${JSON.stringify(next, null, 2)}\n`);
  }

  function requireRun(runId: string) {
    const run = getRun(store, Number(runId));
    if (run === null) {
      throw new GlovError(`Run not found: ${runId}.`, { code: 'run-not-found', hint: 'Pick a run from the list.' });
    }
    return run;
  }

  function requireDataset(datasetId: string): DatasetDetail {
    const dataset = datasets.get(datasetId);
    if (!dataset) {
      throw new GlovError(`Dataset not found: ${datasetId}.`, {
        code: 'dataset-not-registered',
        hint: 'Add the dataset folder on the Datasets screen first.',
      });
    }
    return dataset;
  }

  /** Resolve a path from the renderer: a dialog when absent (desktop), else a path under the data roots. */
  async function choosePath(kind: 'dataset' | ModelKind, typed: string | undefined): Promise<string | null> {
    if (typed === undefined) {
      if (!options.pickPath) {
        throw new GlovError('This view cannot open a file dialog.', {
          code: 'path-required',
          hint: `Type an absolute path under one of: ${dataRoots.join(', ')}.`,
        });
      }
      return options.pickPath(kind);
    }
    const pathDescriptions = { dataset: 'dataset folder', llm: 'LLM file', vlm: 'VLM folder' } as const;
    return resolveUnderRoots(typed, dataRoots, pathDescriptions[kind]);
  }

  /**
   * Start a worker for `job`. Resolves with the run id once the loop has
   * created (or reopened) the run record, and rejects when the run fails before that.
   */
  function launch(job: RunJob): Promise<number> {
    const workerFile = import.meta.url.endsWith('.ts') ? './run-worker.ts' : './run-worker.js';
    const worker = new Worker(new URL(workerFile, import.meta.url), { workerData: job });
    let runId = job.resumeRunId;
    return new Promise<number>((resolve, reject) => {
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'run-failed') {
          const text = message.error.hint ? `${message.error.message}\n${message.error.hint}` : message.error.message;
          log.error(`run ${message.runId ?? '(not created)'} failed: ${message.error.message}`);
          if (message.runId === null) {
            reject(new GlovError(message.error.message, { code: message.error.code, ...(message.error.hint ? { hint: message.error.hint } : {}) }));
            return;
          }
          // The loop marks the run failed itself; this covers failures outside the loop.
          setRunStatus(store, message.runId, 'failed', text);
          emit({ type: 'run-status', runId: String(message.runId), status: 'failed', error: text });
          resolve(message.runId);
          return;
        }
        const event = message.event;
        switch (event.type) {
          case 'run-started':
            runId = event.runId;
            workers.set(runId, worker);
            resolve(runId);
            emit({ type: 'run-status', runId: String(runId), status: 'running' });
            break;
          case 'step-started':
            emit({ type: 'step-started', runId: String(event.runId), step: event.step, metaPrompt: event.metaPrompt });
            break;
          case 'step-finished': {
            const detail = toRunDetail(store, requireRun(String(event.runId)));
            const step = detail.steps.find((entry) => entry.step === event.step);
            if (step) {
              emit({ type: 'step-finished', runId: detail.id, step, secondsLeftEstimate: detail.secondsLeftEstimate });
            }
            break;
          }
          case 'run-finished': {
            const summary = toRunSummary(store, requireRun(String(event.runId)));
            emit({ type: 'run-finished', runId: summary.id, testAccuracy: summary.testAccuracy });
            emit({ type: 'run-status', runId: summary.id, status: summary.status });
            break;
          }
          default:
            break;
        }
      });
      worker.on('error', (error) => {
        log.error(`run worker crashed (run ${runId ?? 'not created'}): ${error.message}`);
        if (runId === null) {
          reject(new GlovError(`The run worker crashed: ${error.message}`, { code: 'run-worker-crashed' }));
          return;
        }
        setRunStatus(store, runId, 'failed', `The run worker crashed: ${error.message}`);
        emit({ type: 'run-status', runId: String(runId), status: 'failed', error: error.message });
      });
      worker.on('exit', () => {
        if (runId !== null && workers.get(runId) === worker) {
          workers.delete(runId);
        }
        const exited = workerExits.get(worker);
        exited?.();
      });
    });
  }

  const workerExits = new Map<Worker, () => void>();

  /**
   * Ask a run's worker to stop after its current step and wait until it has exited.
   * The loop records the run as paused or cancelled itself.
   */
  async function stopWorker(runId: number, reason: 'pause' | 'cancel'): Promise<boolean> {
    const worker = workers.get(runId);
    if (!worker) {
      return false;
    }
    const exited = new Promise<void>((resolve) => workerExits.set(worker, resolve));
    worker.postMessage({ type: 'stop', reason } satisfies WorkerCommand);
    await exited;
    workerExits.delete(worker);
    return true;
  }

  const service: WorkbenchService = {
    async getAppInfo(): Promise<AppInfo> {
      return { transport: options.transport, canPickPaths: options.pickPath !== undefined, dataRoots, llm, vlm };
    },

    async getRunSettingSpecs(): Promise<RunSettingSpec[]> {
      return runSettingSpecs;
    },

    async listDatasets(): Promise<DatasetSummary[]> {
      return [...datasets.values()].map(({ classes: _classes, ...summary }) => summary);
    },

    async addDataset(request): Promise<DatasetDetail | null> {
      const folder = await choosePath('dataset', request?.path);
      if (folder === null) {
        return null;
      }
      const detail = await inspectDataset(folder);
      datasets.set(detail.id, detail);
      await saveState();
      log.info(`added dataset ${detail.name} (${detail.classCount} classes) from ${detail.path}`);
      return detail;
    },

    async getDataset(datasetId): Promise<DatasetDetail> {
      const known = requireDataset(datasetId);
      // Re-inspect, so files added or fixed since are reflected.
      const fresh = await inspectDataset(known.path);
      datasets.set(datasetId, fresh);
      return fresh;
    },

    async getClassImages(request): Promise<ImageThumbnail[]> {
      return classThumbnails(requireDataset(request.datasetId), request);
    },

    async selectModel(request): Promise<ModelInfo | null> {
      const chosen = await choosePath(request.kind, request.path);
      if (chosen === null) {
        return null;
      }
      if (request.kind === 'llm') {
        llm = await inspectLlm(chosen);
      } else {
        vlm = await inspectVlm(chosen);
      }
      await saveState();
      return request.kind === 'llm' ? llm : vlm;
    },

    async startRun(request: StartRunRequest): Promise<RunSummary> {
      const dataset = requireDataset(request.datasetId);
      if (!llm || !vlm) {
        throw new GlovError('No model chosen for the run.', {
          code: 'models-missing',
          hint: 'Choose the LLM (GGUF) and the VLM (ONNX folder) on the Models screen.',
        });
      }
      // An empty name would blank "Dataset:" in the meta-prompt, so it falls back to the folder name.
      const settings = { ...request.settings, datasetName: request.settings.datasetName?.trim() || dataset.name };
      // Validate here, so a bad setting is reported before a worker starts.
      resolveConfig({ ...settings }, { layerCount: llm.layerCount ?? 1 });
      const job: RunJob = {
        dbPath,
        resumeRunId: null,
        datasetPath: dataset.path,
        datasetName: dataset.name,
        llmPath: llm.path,
        vlmPath: vlm.path,
        settings,
        label: request.label ?? '',
        threads,
        inputsModuleUrl,
      };
      const runId = await launch(job);
      log.info(`started run ${runId} on ${dataset.name}`);
      return toRunSummary(store, requireRun(String(runId)));
    },

    async pauseRun(runId): Promise<RunSummary> {
      const run = requireRun(runId);
      if (run.status !== 'running') {
        throw new GlovError(`Run ${runId} is ${run.status}, not running.`, { code: 'run-not-running' });
      }
      if (!(await stopWorker(run.id, 'pause'))) {
        // No worker of this process owns the run (it was started elsewhere); record the pause directly.
        setRunStatus(store, run.id, 'paused');
      }
      emit({ type: 'run-status', runId, status: 'paused' });
      return toRunSummary(store, requireRun(runId));
    },

    async resumeRun(runId): Promise<RunSummary> {
      const run = requireRun(runId);
      if (run.status !== 'paused' && run.status !== 'interrupted') {
        throw new GlovError(`Run ${runId} is ${run.status}; only paused or interrupted runs resume.`, {
          code: 'run-not-resumable',
        });
      }
      if (!llm || !vlm) {
        throw new GlovError('No model chosen to resume the run with.', {
          code: 'models-missing',
          hint: 'Choose the same LLM and VLM on the Models screen, then resume.',
        });
      }
      const dataset = [...datasets.values()].find((entry) => entry.name === run.datasetName);
      if (!dataset) {
        throw new GlovError(`The dataset ${run.datasetName} of run ${runId} is not added.`, {
          code: 'dataset-not-registered',
          hint: 'Add its folder on the Datasets screen, then resume.',
        });
      }
      await launch({
          dbPath,
          resumeRunId: run.id,
          datasetPath: dataset.path,
          datasetName: dataset.name,
          llmPath: llm.path,
          vlmPath: vlm.path,
          settings: toRunSummary(store, run).settings,
          label: run.label,
          threads,
          inputsModuleUrl,
      });
      return toRunSummary(store, requireRun(runId));
    },

    async cancelRun(runId): Promise<RunSummary> {
      const run = requireRun(runId);
      if (run.status !== 'running' && run.status !== 'paused' && run.status !== 'interrupted') {
        throw new GlovError(`Run ${runId} is ${run.status} and cannot be cancelled.`, { code: 'run-not-cancellable' });
      }
      if (!(await stopWorker(run.id, 'cancel')) || requireRun(runId).status !== 'cancelled') {
        setRunStatus(store, run.id, 'cancelled');
      }
      emit({ type: 'run-status', runId, status: 'cancelled' });
      return toRunSummary(store, requireRun(runId));
    },

    async listRuns(): Promise<RunSummary[]> {
      return listRuns(store).map((run) => toRunSummary(store, run));
    },

    async getRun(runId): Promise<RunDetail> {
      return toRunDetail(store, requireRun(runId));
    },

    async getLeaderboard(runId): Promise<LeaderboardEntry[]> {
      return leaderboard(store, requireRun(runId).id);
    },

    async compareRuns(runIds): Promise<ComparedRun[]> {
      return toComparedRuns(compareRuns(store, runIds.map(Number)));
    },

    async exportRun(request: { runId: string; format: ExportFormat }): Promise<ExportedFile> {
      return renderExport(store, requireRun(request.runId), request.format);
    },

    onRunEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async close() {
      for (const runId of [...workers.keys()]) {
        // Terminate instead of waiting for the step to end: closing must be quick.
        const worker = workers.get(runId);
        workers.delete(runId);
        await worker?.terminate();
        setRunStatus(store, runId, 'interrupted');
      }
      listeners.clear();
      store.close();
    },
  };
  return service;
}

export { datasetIdFor };
