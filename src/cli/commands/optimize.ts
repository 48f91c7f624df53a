/**
 * `glov optimize`: run (or resume) a GLOV optimization on a dataset folder and
 * print each step's fitness, the selected templates and their test accuracy
 * next to the single-template baseline.
 */
import { describeDataset } from '../../engine/data/descriptions.js';
import { GlovError } from '../../engine/errors.js';
import { loadModels, openDataset } from '../../engine/inputs.js';
import type { GlovEvent } from '../../engine/optimizer/events.js';
import { PAUSE_REASON, runGlov } from '../../engine/optimizer/run.js';
import { getEvaluations, getGuidancePairs, getRun } from '../../engine/store/queries.js';
import {
  choiceOption,
  integerOption,
  numberOption,
  parseCommandLine,
  stringOption,
  type OptionSpecs,
} from '../options.js';
import { percent, printJson, printLine, progress } from '../output.js';
import { dbOptionHelp, openStoreOption } from '../store-option.js';
import { readConfigFile } from '../config-file.js';

export const optimizeHelp = `Usage: glov optimize --dataset DIR [options]
       glov optimize --resume RUN_ID [options]

Run GLOV on a dataset folder (train/ and test/ class folders, optional classnames.json).

Data and models:
  --dataset DIR          dataset folder
  --name TEXT            dataset name shown to the LLM (default: the folder name)
  --description TEXT     one-paragraph description of the dataset shown to the LLM
                         (default: a built-in one for well-known datasets such as dtd, caltech101)
  --llm REF              optimizer LLM: a .gguf file, hf:ORG/REPO/FILE.gguf or default (default: default)
  --vlm REF              CLIP export folder, hf:ORG/REPO or default (default: default)
  --threads N            CPU threads for llama.cpp and ONNX Runtime (default: all cores)
  --device D             auto, cpu or cuda (default: cpu)

Optimization (defaults follow the paper; see docs/method.md):
  --steps N              optimization steps (default 100)
  --candidates N         candidate templates per step (default 10)
  --shots K              labelled train images per class for fitness (default 1)
  --seed N               seed of the k-shot sample and the sampler (default 7777)
  --top-k N              best templates shown in the meta-prompt (default 5)
  --bottom-k N           worst templates shown in the meta-prompt (default 5)
  --guidance MODE        faithful, cached or none (default faithful)
  --alpha A              scale of the steering vector (default 1.0)
  --layer L              0-based LLM block to steer, or auto (default auto: depth 17/32)
  --pooling P            padded or own-length mean of hidden states (default padded)
  --mode M               glov or llm-opt (the LLM-OPT hill-climbing baseline; default glov)
  --max-new-tokens N     token budget per candidate (default 50)
  --temperature T        sampling temperature (default 1.0)
  --sample-top-k N       sampling top-k (default 50)
  --sample-top-p P       sampling nucleus top-p (default 0.9)
  --config FILE          JSON file of config keys; flags given here override it
  --label TEXT           free-text label stored with the run

Run control and output:
  --resume RUN_ID        continue a paused, interrupted or failed run from its last finished step
${dbOptionHelp}
  --json                 print the result as JSON on stdout
  --quiet                no progress lines on stderr

Ctrl-C pauses the run after the current step; resume it with --resume RUN_ID.
Exit codes: 0 finished, 1 failed, 2 invalid input, 3 paused or cancelled.`;

const options: OptionSpecs = {
  dataset: { type: 'string' },
  name: { type: 'string' },
  description: { type: 'string' },
  llm: { type: 'string' },
  vlm: { type: 'string' },
  threads: { type: 'string' },
  device: { type: 'string' },
  steps: { type: 'string' },
  candidates: { type: 'string' },
  shots: { type: 'string' },
  seed: { type: 'string' },
  'top-k': { type: 'string' },
  'bottom-k': { type: 'string' },
  guidance: { type: 'string' },
  alpha: { type: 'string' },
  layer: { type: 'string' },
  pooling: { type: 'string' },
  mode: { type: 'string' },
  'max-new-tokens': { type: 'string' },
  temperature: { type: 'string' },
  'sample-top-k': { type: 'string' },
  'sample-top-p': { type: 'string' },
  config: { type: 'string' },
  label: { type: 'string' },
  resume: { type: 'string' },
  db: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
};

/** Map command-line flags onto run config keys; absent flags leave the key out. */
function configOverrides(values: Record<string, unknown>): Record<string, unknown> {
  const v = values as Parameters<typeof integerOption>[0];
  const big = Number.MAX_SAFE_INTEGER;
  const layerText = stringOption(v, 'layer');
  const entries: Array<[string, unknown]> = [
    ['steps', integerOption(v, 'steps', { min: 1, max: 100000 })],
    ['candidatesPerStep', integerOption(v, 'candidates', { min: 1, max: 256 })],
    ['shots', integerOption(v, 'shots', { min: 1, max: 100000 })],
    ['seed', integerOption(v, 'seed', { min: 0, max: big })],
    ['topK', integerOption(v, 'top-k', { min: 1, max: 1000 })],
    ['bottomK', integerOption(v, 'bottom-k', { min: 0, max: 1000 })],
    ['guidance', choiceOption(v, 'guidance', ['faithful', 'cached', 'none'] as const)],
    ['alpha', numberOption(v, 'alpha', { min: 0, max: 1000 })],
    ['layer', layerText === undefined || layerText === 'auto' ? layerText : integerOption(v, 'layer', { min: 0, max: 10000 })],
    ['pooling', choiceOption(v, 'pooling', ['padded', 'own-length'] as const)],
    ['mode', choiceOption(v, 'mode', ['glov', 'llm-opt'] as const)],
    ['maxNewTokens', integerOption(v, 'max-new-tokens', { min: 1, max: 4096 })],
    ['temperature', numberOption(v, 'temperature', { min: 0, max: 100 })],
    ['topKSampling', integerOption(v, 'sample-top-k', { min: 1, max: 1000000 })],
    ['topP', numberOption(v, 'sample-top-p', { min: 0, max: 1 })],
    ['datasetName', stringOption(v, 'name')],
    ['datasetDescription', stringOption(v, 'description')],
  ];
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined));
}

/** Print one progress line per event that a person watching the run cares about. */
function describeEvent(event: GlovEvent, totalSteps: number): string | null {
  switch (event.type) {
    case 'run-started':
      return event.resumed
        ? `run ${event.runId}: resumed at step ${event.firstStep + 1}/${totalSteps} (${event.firstStep} finished before)`
        : `run ${event.runId}: started, ${totalSteps} steps of ${event.config.candidatesPerStep} candidates, guidance ${event.config.guidance} (alpha ${event.config.alpha}, layer ${event.config.layer})`;
    case 'guidance-updated':
      return `  guidance: "${event.bestTemplate}" (${event.bestFitness.toFixed(1)}) minus "${event.secondTemplate}" (${event.secondFitness.toFixed(1)}), |vector| ${event.vectorNorm.toFixed(3)}`;
    case 'step-finished': {
      const rejected = Object.entries(event.rejections)
        .filter(([, count]) => count > 0)
        .map(([reason, count]) => `${count} ${reason}`)
        .join(', ');
      const tokensPerSecond = event.generationSeconds > 0 ? event.generatedTokens / event.generationSeconds : 0;
      return (
        `step ${event.step + 1}/${totalSteps}: best ${event.historyBestFitness.toFixed(1)}, ` +
        `step best ${event.stepBestFitness === null ? '-' : event.stepBestFitness.toFixed(1)}, ` +
        `accepted ${event.accepted}${rejected ? ` (rejected: ${rejected})` : ''}; ` +
        `generation ${event.generationSeconds.toFixed(1)} s (${tokensPerSecond.toFixed(0)} tokens/s), ` +
        `scoring ${event.scoringSeconds.toFixed(2)} s`
      );
    }
    case 'run-failed':
      return `run ${event.runId}: failed: ${event.message}`;
    default:
      return null;
  }
}

export async function optimizeCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseCommandLine('optimize', argv, options);
  const json = values.json === true;
  const quiet = values.quiet === true || json;
  const resumeText = stringOption(values, 'resume');
  const resumeRunId = resumeText === undefined ? undefined : integerOption(values, 'resume', { min: 1, max: Number.MAX_SAFE_INTEGER });

  // 1. Config: the JSON file first, then flags on top; unknown keys are rejected by the engine.
  const configFile = stringOption(values, 'config');
  const overrides: Record<string, unknown> = { ...(configFile ? readConfigFile(configFile) : {}), ...configOverrides(values) };

  // 2. Store, and for a resumed run the dataset folder it was started on.
  const { store, dbPath } = openStoreOption(stringOption(values, 'db'));
  let datasetFolder = stringOption(values, 'dataset');
  if (resumeRunId !== undefined) {
    const run = getRun(store, resumeRunId);
    if (!run) {
      throw new GlovError(`Run ${resumeRunId} not found in ${dbPath}.`, {
        code: 'run-not-found',
        hint: "List stored runs with 'glov runs', or pass the --db the run was started with.",
      });
    }
    datasetFolder ??= run.datasetRoot ?? undefined;
  }
  if (!datasetFolder) {
    throw new GlovError('Missing --dataset.', {
      code: 'dataset-missing',
      hint: 'Pass --dataset with a folder that has train/ and test/ class subfolders.',
    });
  }
  const { optimizerDataset } = openDataset(datasetFolder, { ...(stringOption(values, 'name') ? { name: stringOption(values, 'name') } : {}) });
  progress(quiet, `dataset ${optimizerDataset.name}: ${optimizerDataset.classNames.length} classes, folder ${datasetFolder}`);
  if (resumeRunId === undefined && overrides.datasetDescription === undefined) {
    const builtIn = describeDataset(optimizerDataset.name);
    if (builtIn) {
      overrides.datasetDescription = builtIn;
    } else {
      progress(quiet, 'no --description given; the meta-prompt will show only the dataset name');
    }
  }

  // 3. Models.
  const threads = integerOption(values, 'threads', { min: 1, max: 1024 });
  const models = await loadModels({
    llm: stringOption(values, 'llm') ?? 'default',
    vlm: stringOption(values, 'vlm') ?? 'default',
    ...(threads === undefined ? {} : { threads }),
    device: choiceOption(values, 'device', ['auto', 'cpu', 'cuda'] as const) ?? 'cpu',
  });

  // 4. The loop. Ctrl-C pauses after the current step; a second Ctrl-C exits at once
  //    (the committed steps are safe in SQLite either way).
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts += 1;
    if (interrupts > 1) {
      process.exit(130);
    }
    process.stderr.write('\nPausing after the current step (Ctrl-C again to exit now)...\n');
    controller.abort(PAUSE_REASON);
  };
  process.on('SIGINT', onSigint);
  const label = stringOption(values, 'label');
  let totalSteps = Number(overrides.steps ?? 0);
  try {
    const result = await runGlov({
      config: overrides,
      ...(resumeRunId === undefined ? {} : { resumeRunId }),
      ...(label === undefined ? {} : { label }),
      llm: models.llm,
      vlm: models.vlm,
      dataset: optimizerDataset,
      store,
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'run-started') {
          totalSteps = event.config.steps;
        }
        const line = describeEvent(event, totalSteps);
        if (line) {
          progress(quiet, line);
        }
      },
    });

    // 5. Result.
    const run = getRun(store, result.runId);
    // When no step accepted a candidate, no step is selected and the run evaluates its initial
    // template instead, so the templates come from the stored test evaluation.
    const evaluated = getEvaluations(store, result.runId).find(
      (evaluation) => evaluation.split === 'test' && evaluation.kind === 'glov-ensemble',
    );
    const summary = {
      runId: result.runId,
      outcome: result.outcome,
      dataset: optimizerDataset.name,
      database: dbPath,
      selectedStep: result.selected?.step ?? null,
      templates: result.selected?.templates ?? evaluated?.templates ?? [],
      trainAccuracy: result.selected?.trainAccuracy ?? null,
      testAccuracy: result.testAccuracy,
      baselineTemplate: 'a photo of a {c}.',
      baselineTestAccuracy: result.baselineTestAccuracy,
      bestTrainFitness: run?.bestFitness ?? null,
    };
    if (json) {
      printJson(summary);
    } else if (result.outcome === 'finished') {
      printLine();
      if (summary.selectedStep === null) {
        printLine(`Run ${result.runId} finished. No step accepted a candidate, so it evaluated the initial template:`);
      } else {
        printLine(`Run ${result.runId} finished. Selected step ${summary.selectedStep + 1}, top-${summary.templates.length} ensemble:`);
      }
      for (const template of summary.templates) {
        printLine(`  ${template}`);
      }
      printLine();
      const evaluatedLabel = summary.selectedStep === null ? 'initial template:' : 'GLOV ensemble:   ';
      printLine(`Test top-1, ${evaluatedLabel}       ${percent(summary.testAccuracy)}`);
      printLine(`Test top-1, "a photo of a {c}.":    ${percent(summary.baselineTestAccuracy)}`);
      const config = run?.config;
      if (config && config.mode === 'glov' && config.guidance !== 'none' && getGuidancePairs(store, result.runId).length === 0) {
        // Steering starts only after a strict improvement over the initial template, so say when it never did.
        printLine(
          `Guidance never started: no candidate beat the initial template's train fitness, so every step sampled unsteered.`,
        );
      }
      printLine(`Stored in ${dbPath}; export with 'glov export ${result.runId} --format json'.`);
    } else {
      // The --db goes into the command so that it also works for a run outside the default store.
      const dbArgument = /^[\w./@%+=:,-]+$/.test(dbPath) ? dbPath : `'${dbPath.replaceAll("'", "'\\''")}'`;
      printLine(`Run ${result.runId} ${result.outcome}. Resume it with: glov optimize --resume ${result.runId} --db ${dbArgument}`);
    }
    return result.outcome === 'finished' ? 0 : 3;
  } finally {
    process.off('SIGINT', onSigint);
    await models.dispose();
    store.close();
  }
}
