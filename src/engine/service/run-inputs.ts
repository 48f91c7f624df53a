/**
 * Loader of a run's models and dataset inside the run worker.
 *
 * It goes through the engine's shared loader (src/engine/inputs.ts), so a run
 * started in the app sees the same dataset fingerprint, k-shot sample and
 * models as the same run started with `glov optimize`.
 */
import { loadModels, openDataset } from '../inputs.js';
import type { RunInputs, RunJob } from './run-protocol.js';

/** Device of the models from GLOV_DEVICE (auto, cpu or cuda); the CPU unless set. */
function deviceFromEnvironment(): 'auto' | 'cpu' | 'cuda' {
  const requested = process.env.GLOV_DEVICE;
  return requested === 'auto' || requested === 'cuda' ? requested : 'cpu';
}

export async function createRunInputs(job: RunJob): Promise<RunInputs> {
  const { optimizerDataset } = openDataset(job.datasetPath, { name: job.datasetName });
  const models = await loadModels({
    llm: job.llmPath,
    vlm: job.vlmPath,
    threads: job.threads,
    device: deviceFromEnvironment(),
  });
  return { llm: models.llm, vlm: models.vlm, dataset: optimizerDataset };
}
