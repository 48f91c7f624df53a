/**
 * Messages between the service and the worker thread that executes one run.
 */
import type { ApiErrorPayload, RunSettings } from '../api.js';
import type { GlovEvent } from '../optimizer/events.js';
import type { OptimizerDataset } from '../optimizer/run.js';
import type { OptimizerLlm } from '../llm/types.js';
import type { DualEncoderVlm } from '../vlm/types.js';

export interface RunJob {
  dbPath: string;
  /** Present when continuing a stored run (after pause or interruption). */
  resumeRunId: number | null;
  datasetPath: string;
  datasetName: string;
  llmPath: string;
  vlmPath: string;
  settings: RunSettings;
  label: string;
  /** llama.cpp threads; set explicitly so tests and small machines stay predictable. */
  threads: number;
  /** URL of the module that builds the models and the dataset (see `RunInputsModule`). */
  inputsModuleUrl: string;
}

/** What a worker needs besides the store: the models and the dataset of the run. */
export interface RunInputs {
  llm: OptimizerLlm;
  vlm: DualEncoderVlm;
  dataset: OptimizerDataset;
}

/** A module that turns a job's paths into loaded models and a dataset. */
export interface RunInputsModule {
  createRunInputs(job: RunJob): Promise<RunInputs>;
}

/** Service to worker: stop between steps, keeping the run resumable ('pause') or not ('cancel'). */
export type WorkerCommand = { type: 'stop'; reason: 'pause' | 'cancel' };

export type WorkerMessage =
  | { type: 'engine-event'; event: GlovEvent }
  | { type: 'run-failed'; runId: number | null; error: ApiErrorPayload };
