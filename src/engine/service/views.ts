/**
 * Conversion of stored run records into the views the API returns.
 */
import type { ComparedRun, RunDetail, RunSettings, RunSummary, StepView } from '../api.js';
import type { Store } from '../store/database.js';
import {
  getCandidates,
  getEvaluations,
  getGuidancePairs,
  getSteps,
  type EvaluationRow,
  type RunComparison,
  type RunRow,
} from '../store/queries.js';

export function settingsOf(run: RunRow): RunSettings {
  const { config } = run;
  return {
    mode: config.mode,
    datasetName: config.datasetName,
    datasetDescription: config.datasetDescription,
    steps: config.steps,
    candidatesPerStep: config.candidatesPerStep,
    shots: config.shots,
    topK: config.topK,
    bottomK: config.bottomK,
    alpha: config.alpha,
    layer: config.layer,
    guidance: config.guidance,
    pooling: config.pooling,
    seed: config.seed,
    maxNewTokens: config.maxNewTokens,
    temperature: config.temperature,
    topKSampling: config.topKSampling,
    topP: config.topP,
  };
}

/** Test accuracy of the run's final GLOV ensemble, when it was evaluated. */
export function testAccuracyOf(evaluations: readonly EvaluationRow[]): number | null {
  const ensemble = evaluations.filter((evaluation) => evaluation.split === 'test' && evaluation.kind === 'glov-ensemble');
  return ensemble.at(-1)?.top1 ?? null;
}

export function toRunSummary(store: Store, run: RunRow): RunSummary {
  return {
    id: String(run.id),
    label: run.label || `Run ${run.id}`,
    datasetName: run.datasetName,
    status: run.status,
    settings: settingsOf(run),
    createdAt: run.createdAt,
    stepsDone: run.stepsDone,
    bestFitness: run.bestFitness,
    testAccuracy: testAccuracyOf(getEvaluations(store, run.id)),
    error: run.error,
  };
}

export function toRunDetail(store: Store, run: RunRow): RunDetail {
  const candidates = getCandidates(store, run.id);
  const pairs = new Map(getGuidancePairs(store, run.id).map((pair) => [pair.id, pair]));
  const steps: StepView[] = getSteps(store, run.id).map((step) => {
    const stepCandidates = candidates.filter((candidate) => candidate.step === step.step);
    const scored = stepCandidates.flatMap((candidate) => (candidate.fitness === null ? [] : [candidate.fitness]));
    const pair = step.guidancePairId === null ? undefined : pairs.get(step.guidancePairId);
    return {
      step: step.step,
      metaPrompt: step.metaPrompt,
      candidates: stepCandidates.map((candidate) => ({
        index: candidate.sampleIndex,
        template: candidate.template,
        fitness: candidate.fitness,
        rejection: candidate.rejection === null ? null : [candidate.rejection, candidate.rejectionDetail].filter(Boolean).join(': '),
      })),
      bestFitness: step.bestFitness,
      meanFitness: scored.length === 0 ? null : scored.reduce((sum, value) => sum + value, 0) / scored.length,
      guidance: pair
        ? {
            positiveTemplate: pair.bestTemplate,
            negativeTemplate: pair.secondTemplate,
            positiveFitness: pair.bestFitness,
            negativeFitness: pair.secondFitness,
            vectorNorm: pair.vectorNorm,
          }
        : null,
      seconds: step.generationSeconds + step.scoringSeconds,
    };
  });
  const meanStepSeconds = steps.length === 0 ? null : steps.reduce((sum, step) => sum + step.seconds, 0) / steps.length;
  const stepsLeft = Math.max(0, run.config.steps - steps.length);
  return {
    ...toRunSummary(store, run),
    initialFitness: candidates.find((candidate) => candidate.step === -1)?.fitness ?? null,
    steps,
    secondsLeftEstimate: meanStepSeconds === null ? null : meanStepSeconds * stepsLeft,
  };
}

/** Build one entry per run, plus one per distinct baseline evaluated on the test split. */
export function toComparedRuns(comparisons: readonly RunComparison[]): ComparedRun[] {
  const compared: ComparedRun[] = [];
  const baselinesSeen = new Set<string>();
  for (const comparison of comparisons) {
    const { run } = comparison;
    compared.push({
      id: String(run.id),
      label: run.label || `Run ${run.id}`,
      kind: 'run',
      settings: settingsOf(run),
      testAccuracy: testAccuracyOf(comparison.evaluations),
      bestFitnessPerStep: comparison.bestFitnessPerStep,
    });
    for (const evaluation of comparison.evaluations) {
      const key = `${run.datasetName}|${evaluation.label}`;
      if (evaluation.kind !== 'baseline' || evaluation.split !== 'test' || baselinesSeen.has(key)) {
        continue;
      }
      baselinesSeen.add(key);
      compared.push({
        id: `baseline-${evaluation.id}`,
        label: `${evaluation.label} (${run.datasetName})`,
        kind: 'baseline',
        settings: null,
        testAccuracy: evaluation.top1,
        bestFitnessPerStep: [],
      });
    }
  }
  return compared;
}
