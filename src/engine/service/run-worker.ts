/**
 * Worker-thread entry that executes one GLOV run, so model inference never
 * blocks the Electron main process or the bridge's event loop.
 *
 * The loop commits each step to the store before it emits the step's events;
 * the worker relays those events, and the service reads the store for views.
 */
import { parentPort, workerData } from 'node:worker_threads';

import { PAUSE_REASON, runGlov } from '../optimizer/run.js';
import { openStore } from '../store/database.js';
import { toErrorPayload } from './errors.js';
import type { RunInputsModule, RunJob, WorkerCommand, WorkerMessage } from './run-protocol.js';

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) {
    throw new Error('run-worker must run in a worker thread.');
  }
  const job = workerData as RunJob;
  const post = (message: WorkerMessage) => port.postMessage(message);
  const controller = new AbortController();
  port.on('message', (command: WorkerCommand) => {
    if (command.type === 'stop') {
      controller.abort(command.reason === 'pause' ? PAUSE_REASON : 'cancel');
    }
  });

  let runId: number | null = job.resumeRunId;
  const store = openStore(job.dbPath);
  try {
    const inputsModule = (await import(job.inputsModuleUrl)) as RunInputsModule;
    const { llm, vlm, dataset } = await inputsModule.createRunInputs(job);
    try {
      await runGlov({
        config: { ...job.settings },
        ...(job.resumeRunId === null ? {} : { resumeRunId: job.resumeRunId }),
        label: job.label,
        llm,
        vlm,
        dataset,
        store,
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === 'run-started') {
            runId = event.runId;
          }
          post({ type: 'engine-event', event });
        },
      });
    } finally {
      await llm.dispose();
      await vlm.dispose();
    }
  } catch (error) {
    post({ type: 'run-failed', runId, error: toErrorPayload(error) });
  } finally {
    store.close();
    port.close();
  }
}

void main();
