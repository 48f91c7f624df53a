/**
 * The GLOV optimization loop for dual-encoder VLMs.
 *
 * One step: build the meta-prompt from the ranked history, sample N replies
 * (steered once a guidance pair exists), parse and validate them, score the
 * accepted templates on the k-shot train images, update the guidance pair
 * when the best fitness strictly improves, and commit the step in one
 * transaction before any of its events go out. After the last step, the
 * selected top-3 ensemble and the baseline template are evaluated on the test split.
 *
 * A run resumes from its last committed step: history, guidance pair and
 * per-step sampler seeds are all restored from the store, so the resumed
 * run produces what an uninterrupted run would have.
 */
import { readFileSync } from 'node:fs';

import { GlovError } from '../errors.js';
import type { OptimizerLlm, SteeringRequest } from '../llm/types.js';
import { createLogger } from '../log.js';
import type { Store } from '../store/database.js';
import { getSteps } from '../store/queries.js';
import {
  assertRunNotInUse,
  claimRun,
  createRun,
  loadRunState,
  saveEvaluation,
  saveInitialCandidate,
  saveStep,
  setRunStatus,
  type CandidateRecord,
  type GuidancePairRecord,
} from '../store/runs.js';
import type { DualEncoderVlm } from '../vlm/types.js';
import { resolveConfig, type ResolvedGlovConfig } from './config.js';
import type { GlovEvent, GlovEventListener, RunOutcome } from './events.js';
import { embedImagesCached, TemplateScorer, type Accuracy, type EmbeddedImages, type LabelledImages } from './fitness.js';
import { History, type ScoredTemplate } from './history.js';
import { buildLlmOptMetaPrompt, buildMetaPrompt, type MetaPrompt } from './meta-prompt.js';
import { parseReply } from './parse.js';
import { stepSeed } from './seeds.js';
import { selectStep, topTemplatesOfStep, type StepEnsemble } from './selection.js';
import { checkTemplate, normalizeTemplate, toLlmForm, PLACEHOLDER } from './template.js';

const log = createLogger('optimizer.run');

/** The S-TEMP baseline template, evaluated on the test split next to every run's result. */
export const BASELINE_TEMPLATE = 'a photo of a {c}.';

/** Reason to pass to `AbortController.abort` to pause a run (any other reason cancels it). */
export const PAUSE_REASON = 'pause';

/** What the loop needs from a dataset: class names and the two labelled image lists. */
export interface OptimizerDataset {
  readonly name: string;
  /** Stable identity of the folder contents, used in cache keys and run records. */
  readonly fingerprint: string;
  readonly root?: string;
  readonly classNames: readonly string[];
  /** The seeded k-shot sample of the train split (every class, no truncation). */
  fewShotTrain(options: { shots: number; seed: number }): LabelledImages | Promise<LabelledImages>;
  testSplit(): LabelledImages | Promise<LabelledImages>;
}

export interface RunGlovOptions {
  /** Config overrides for a new run; ignored when resuming (the stored config wins). */
  config?: Readonly<Record<string, unknown>>;
  /** Id of a stored run to continue from its last committed step. */
  resumeRunId?: number;
  label?: string;
  llm: OptimizerLlm;
  vlm: DualEncoderVlm;
  dataset: OptimizerDataset;
  store: Store;
  /** Abort with reason PAUSE_REASON to pause, with anything else to cancel; checked between steps. */
  signal?: AbortSignal;
  onEvent?: GlovEventListener;
}

export interface RunGlovResult {
  runId: number;
  outcome: RunOutcome;
  selected: StepEnsemble | null;
  testAccuracy: number | null;
  baselineTestAccuracy: number | null;
}

function softwareVersions(): Record<string, string> {
  const versions: Record<string, string> = { node: process.versions.node };
  try {
    const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
      dependencies?: Record<string, string>;
    };
    versions['glov-workbench'] = manifest.version ?? 'unknown';
    for (const name of ['better-sqlite3', 'node-llama-cpp', 'onnxruntime-node']) {
      versions[name] = manifest.dependencies?.[name] ?? 'unknown';
    }
  } catch {
    // A bundled build has no package.json beside the sources; the Node version is still recorded.
  }
  return versions;
}

function vectorNorm(vector: Float32Array): number {
  let sumSquares = 0;
  for (const value of vector) {
    sumSquares += value * value;
  }
  return Math.sqrt(sumSquares);
}

function longestClassName(vlm: DualEncoderVlm, classNames: readonly string[]): string {
  let longest = classNames[0] ?? '';
  let longestTokens = -1;
  for (const name of classNames) {
    const tokens = vlm.countTokens(name);
    if (tokens > longestTokens) {
      longest = name;
      longestTokens = tokens;
    }
  }
  return longest;
}

function abortOutcome(signal: AbortSignal): RunOutcome {
  return signal.reason === PAUSE_REASON ? 'paused' : 'cancelled';
}

/** Steering state: the vector in use and the best fitness that last triggered it. */
interface GuidanceState {
  vector: Float32Array | null;
  pairId: number | null;
  triggerFitness: number;
}

/** Run (or resume) one GLOV optimization and evaluate its result on the test split. */
export async function runGlov(options: RunGlovOptions): Promise<RunGlovResult> {
  const { llm, vlm, dataset, store } = options;
  const emit = (event: GlovEvent): void => options.onEvent?.(event);

  // 1. Config: the stored one of a resumed run, or the defaults with this run's overrides.
  let stored = options.resumeRunId === undefined ? null : loadRunState(store, options.resumeRunId);
  if (options.resumeRunId !== undefined) {
    if (!stored) {
      throw new GlovError(`Run ${options.resumeRunId} not found.`, {
        code: 'run-not-found',
        hint: 'List the stored runs and pass one of their ids.',
      });
    }
    if (stored.status === 'finished') {
      throw new GlovError(`Run ${options.resumeRunId} is already finished.`, {
        code: 'run-already-finished',
        hint: 'Start a new run instead of resuming this one.',
      });
    }
    // Fail fast, before the images are embedded; the claim below is the check that counts.
    assertRunNotInUse(store, options.resumeRunId);
  }
  const config: ResolvedGlovConfig = stored
    ? stored.config
    : resolveConfig({ datasetName: dataset.name, ...(options.config ?? {}) }, { layerCount: llm.layerCount });

  // 2. Train and test images, embedded once per (model, dataset, split, shots, seed) and cached.
  //    Both splits are decoded before the run record exists, so a missing or corrupt image fails
  //    the run before anything is written, not after hours of optimization.
  const trainImages = await dataset.fewShotTrain({ shots: config.shots, seed: config.seed });
  const train = await embedImagesCached({
    vlm,
    store,
    images: trainImages,
    key: { datasetFingerprint: dataset.fingerprint, split: 'train', shots: config.shots, seed: config.seed, preprocessing: '' },
  });
  const test: EmbeddedImages = await embedImagesCached({
    vlm,
    store,
    images: await dataset.testSplit(),
    key: { datasetFingerprint: dataset.fingerprint, split: 'test', shots: 0, seed: 0, preprocessing: '' },
  });

  // 3. Run record: a new one, or the resumed one claimed for this process. The claim
  //    throws 'run-in-use' while another live process executes the run, and leaves the
  //    run's status alone then. The state is read again after it: a process that
  //    owned the run until now may have saved more steps since step 1.
  let runId: number;
  if (stored && options.resumeRunId !== undefined) {
    runId = options.resumeRunId;
    claimRun(store, runId);
    stored = loadRunState(store, runId) ?? stored;
  } else {
    runId = createRun(store, {
      label: options.label,
      dataset: { name: dataset.name, fingerprint: dataset.fingerprint, root: dataset.root ?? null, classNames: dataset.classNames },
      llmFingerprint: llm.fingerprint,
      vlmFingerprint: vlm.fingerprint,
      config,
      software: softwareVersions(),
    });
  }
  const firstStep = stored?.completedSteps ?? 0;
  emit({ type: 'run-started', runId, config, firstStep, resumed: stored !== null });
  log.info(`run ${runId} ${stored ? `resumed at step ${firstStep}` : 'started'} on ${dataset.name}`);

  try {
    return await runSteps();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    setRunStatus(store, runId, 'failed', message);
    log.error(`run ${runId} failed: ${message}`);
    emit({ type: 'run-failed', runId, message });
    throw error;
  }

  async function runSteps(): Promise<RunGlovResult> {
    const scorer = new TemplateScorer({ vlm, store, classNames: dataset.classNames });
    const rules = {
      countTokens: (text: string) => vlm.countTokens(text),
      contextLength: vlm.contextLength,
      longestClassName: longestClassName(vlm, dataset.classNames),
    };

    // 4. History: the initial template first, then every accepted candidate in generation order.
    const history = new History();
    const initialRow = stored?.candidates.find((candidate) => candidate.step === -1);
    if (initialRow && initialRow.fitness !== null) {
      history.add({ id: initialRow.id, template: initialRow.template, fitness: initialRow.fitness, step: -1, sampleIndex: 0 });
    } else {
      const initial = normalizeTemplate(config.initialTemplate);
      if (!initial.includes(PLACEHOLDER)) {
        throw new GlovError(`Initial template has no class-name placeholder: "${config.initialTemplate}".`, {
          code: 'invalid-initial-template',
          hint: 'Write the class name slot as {c}, for example "a photo of a {c}.".',
        });
      }
      const fitness = (await scorer.accuracy([initial], train)).top1;
      const id = saveInitialCandidate(store, runId, initial, fitness);
      history.add({ id, template: initial, fitness, step: -1, sampleIndex: 0 });
    }
    for (const row of stored?.candidates ?? []) {
      if (row.step >= 0 && row.fitness !== null) {
        history.add({ id: row.id, template: row.template, fitness: row.fitness, step: row.step, sampleIndex: row.sampleIndex });
      }
    }

    // 5. Guidance state: steering starts only after the first strict improvement over the initial template.
    const guidance: GuidanceState = { vector: null, pairId: null, triggerFitness: history.ascending()[0]?.fitness ?? 0 };
    if (stored?.lastPair) {
      const best = stored.candidates.find((candidate) => candidate.id === stored.lastPair?.bestCandidateId);
      guidance.vector = stored.lastPair.vector;
      guidance.pairId = stored.lastPair.id;
      guidance.triggerFitness = best?.fitness ?? guidance.triggerFitness;
    }
    const steered = config.mode === 'glov' && config.guidance !== 'none';

    const ensembles: StepEnsemble[] = getSteps(store, runId)
      .filter((step) => step.ensembleTrainAccuracy !== null)
      .map((step) => ({
        step: step.step,
        templates: step.ensembleTemplates,
        trainAccuracy: step.ensembleTrainAccuracy as number,
        meanFitness: step.ensembleMeanFitness as number,
      }));

    // 6. The steps.
    for (let step = firstStep; step < config.steps; step += 1) {
      if (options.signal?.aborted) {
        return stop(abortOutcome(options.signal));
      }
      const metaPrompt: MetaPrompt =
        config.mode === 'llm-opt'
          ? buildLlmOptMetaPrompt({ ...metaPromptOptions(step), poolSize: config.llmOptPoolSize })
          : buildMetaPrompt(metaPromptOptions(step));
      const steering: SteeringRequest | null =
        steered && guidance.vector && config.guidance !== 'none'
          ? { vector: guidance.vector, layer: config.layer, alpha: config.alpha, mode: config.guidance }
          : null;
      emit({ type: 'step-started', runId, step, metaPrompt: metaPrompt.text, steered: steering !== null });

      const seed = stepSeed(config.seed, step);
      const generationStart = performance.now();
      const generation = await llm.generate({
        messages: metaPrompt.messages,
        n: config.candidatesPerStep,
        maxNewTokens: config.maxNewTokens,
        sampling: { temperature: config.temperature, topK: config.topKSampling, topP: config.topP, seed },
        steering,
      });
      const generationSeconds = (performance.now() - generationStart) / 1000;
      if (options.signal?.aborted) {
        // The step is not committed, so a resume regenerates it with the same seed.
        return stop(abortOutcome(options.signal));
      }

      // Parse, validate and score.
      const scoringStart = performance.now();
      const seen = history.templates();
      const records: CandidateRecord[] = [];
      const accepted: ScoredTemplate[] = [];
      const rejections: Record<string, number> = {};
      const valid: Array<{ sampleIndex: number; rawText: string; template: string }> = [];
      for (const [sampleIndex, rawText] of generation.texts.entries()) {
        const check = checkTemplate(parseReply(rawText, config.parseMode), { ...rules, seen });
        if (!check.ok) {
          rejections[check.reason] = (rejections[check.reason] ?? 0) + 1;
          records.push({ step, sampleIndex, rawText, template: check.template, fitness: null, rejection: check.reason, rejectionDetail: check.detail });
          continue;
        }
        seen.add(check.template);
        valid.push({ sampleIndex, rawText, template: check.template });
      }
      // One text-encoder pass for all valid candidates x all classes.
      const fitnesses = await scorer.accuracies(valid.map((candidate) => [candidate.template]), train);
      valid.forEach((candidate, index) => {
        const fitness = (fitnesses[index] as Accuracy).top1;
        records.push({ ...candidate, step, fitness, rejection: null, rejectionDetail: null });
        accepted.push({ id: 0, template: candidate.template, fitness, step, sampleIndex: candidate.sampleIndex });
      });
      records.sort((a, b) => a.sampleIndex - b.sampleIndex);
      for (const entry of accepted) {
        history.add(entry);
      }

      // Guidance update: only on a strict improvement of the best fitness.
      let newPair: GuidancePairRecord | null = null;
      const pair = steered ? history.improvedPair(guidance.triggerFitness) : null;
      if (pair) {
        const [bestState, secondState] = await llm.captureMeanHiddenStates(
          [toLlmForm(pair.best.template), toLlmForm(pair.second.template)],
          { layer: config.layer, pooling: config.pooling },
        );
        const vector = new Float32Array(llm.embeddingLength);
        for (let i = 0; i < vector.length; i += 1) {
          vector[i] = (bestState?.[i] ?? 0) - (secondState?.[i] ?? 0);
        }
        newPair = {
          bestCandidate: { step: pair.best.step, sampleIndex: pair.best.sampleIndex },
          secondCandidate: { step: pair.second.step, sampleIndex: pair.second.sampleIndex },
          vector,
          vectorNorm: vectorNorm(vector),
          layer: config.layer,
          alpha: config.alpha,
          pooling: config.pooling,
        };
      }

      // This step's top-3 ensemble on the train images, for the final selection.
      const top = topTemplatesOfStep(accepted);
      const ensembleTrainAccuracy = top.templates.length > 0 ? (await scorer.accuracy(top.templates, train)).top1 : null;
      const scoringSeconds = (performance.now() - scoringStart) / 1000;
      const stepBestFitness = accepted.length > 0 ? Math.max(...accepted.map((entry) => entry.fitness)) : null;

      const saved = saveStep(
        store,
        runId,
        {
          step,
          seed,
          metaPrompt: metaPrompt.text,
          guidancePairId: steering ? guidance.pairId : null,
          generationSeconds,
          scoringSeconds,
          promptTokens: generation.promptTokens,
          generatedTokens: generation.generatedTokens,
          rejections,
          acceptedCount: accepted.length,
          bestFitness: stepBestFitness,
          ensembleTemplates: top.templates,
          ensembleTrainAccuracy,
          ensembleMeanFitness: top.meanFitness,
        },
        records,
        newPair,
      );

      // Committed: assign ids, then tell the listeners.
      const idBySample = new Map(records.map((record, index) => [record.sampleIndex, saved.candidateIds[index] as number]));
      for (const entry of accepted) {
        entry.id = idBySample.get(entry.sampleIndex) ?? 0;
      }
      if (ensembleTrainAccuracy !== null && top.meanFitness !== null) {
        ensembles.push({ step, templates: top.templates, trainAccuracy: ensembleTrainAccuracy, meanFitness: top.meanFitness });
      }
      records.forEach((record, index) => {
        emit({
          type: 'candidate-scored',
          runId,
          step,
          sampleIndex: record.sampleIndex,
          candidateId: saved.candidateIds[index] as number,
          rawText: record.rawText,
          template: record.template,
          fitness: record.fitness,
          rejection: record.rejection,
        });
      });
      if (pair && newPair) {
        guidance.vector = newPair.vector;
        guidance.pairId = saved.guidancePairId;
        guidance.triggerFitness = pair.best.fitness;
        emit({
          type: 'guidance-updated',
          runId,
          step,
          bestTemplate: pair.best.template,
          bestFitness: pair.best.fitness,
          secondTemplate: pair.second.template,
          secondFitness: pair.second.fitness,
          vectorNorm: newPair.vectorNorm,
        });
        log.info(`run ${runId} step ${step}: guidance pair updated, best ${pair.best.fitness.toFixed(2)}, norm ${newPair.vectorNorm.toFixed(3)}`);
      }
      emit({
        type: 'step-finished',
        runId,
        step,
        accepted: accepted.length,
        rejections,
        stepBestFitness,
        historyBestFitness: history.best()?.fitness ?? 0,
        generationSeconds,
        scoringSeconds,
        promptTokens: generation.promptTokens,
        generatedTokens: generation.generatedTokens,
      });
    }

    // 7. Selection on train, evaluation on test (the baseline in the same run, on the same images).
    const selected = selectStep(ensembles);
    const templates = selected?.templates ?? [history.ascending()[0]?.template ?? BASELINE_TEMPLATE];
    const chosen = await scorer.accuracy(templates, test);
    const baseline = await scorer.accuracy([BASELINE_TEMPLATE], test);
    const perClass = (accuracy: typeof chosen) =>
      accuracy.perClass.map((counts, index) => ({ className: dataset.classNames[index] as string, ...counts }));
    store.transaction(() => {
      saveEvaluation(store, runId, {
        split: 'test',
        kind: 'glov-ensemble',
        label: selected ? `step ${selected.step} top-${templates.length}` : 'initial template',
        templates,
        top1: chosen.top1,
        correct: chosen.correct,
        total: chosen.total,
        perClass: perClass(chosen),
      });
      saveEvaluation(store, runId, {
        split: 'test',
        kind: 'baseline',
        label: 'S-TEMP',
        templates: [BASELINE_TEMPLATE],
        top1: baseline.top1,
        correct: baseline.correct,
        total: baseline.total,
        perClass: perClass(baseline),
      });
      setRunStatus(store, runId, 'finished');
    })();
    emit({
      type: 'run-finished',
      runId,
      outcome: 'finished',
      result: {
        selectedStep: selected?.step ?? null,
        templates,
        trainAccuracy: selected?.trainAccuracy ?? history.ascending()[0]?.fitness ?? 0,
        testAccuracy: chosen.top1,
        baselineTestAccuracy: baseline.top1,
      },
    });
    log.info(`run ${runId} finished: test top-1 ${chosen.top1.toFixed(2)} vs baseline ${baseline.top1.toFixed(2)}`);
    return { runId, outcome: 'finished', selected, testAccuracy: chosen.top1, baselineTestAccuracy: baseline.top1 };

    function metaPromptOptions(step: number) {
      return {
        datasetName: config.datasetName,
        datasetDescription: config.datasetDescription,
        history,
        step,
        topK: config.topK,
        bottomK: config.bottomK,
      };
    }
  }

  function stop(outcome: RunOutcome): RunGlovResult {
    setRunStatus(store, runId, outcome === 'paused' ? 'paused' : 'cancelled');
    emit({ type: 'run-finished', runId, outcome });
    log.info(`run ${runId} ${outcome}`);
    return { runId, outcome, selected: null, testAccuracy: null, baselineTestAccuracy: null };
  }
}
