/**
 * Final template selection for dual-encoder runs.
 *
 * GLOV reports the ensemble of the top-3 templates of one step but does not
 * say how the step is chosen. Here, each step's top-3 accepted templates (by
 * train fitness, earlier sample first on ties) form an ensemble scored on
 * the k-shot train images; the chosen step has the highest ensemble train
 * accuracy, then the higher mean individual fitness, then the later step.
 * Test data never enters the choice.
 */

export const ENSEMBLE_SIZE = 3;

export interface StepCandidate {
  template: string;
  fitness: number;
  sampleIndex: number;
}

export interface StepEnsemble {
  step: number;
  templates: string[];
  /** Top-1 accuracy x100 of the ensemble on the k-shot train images. */
  trainAccuracy: number;
  /** Mean individual fitness of the ensemble's templates. */
  meanFitness: number;
}

/** The step's top templates by fitness (ties: lower sample index first); empty when none was accepted. */
export function topTemplatesOfStep(
  candidates: readonly StepCandidate[],
  size = ENSEMBLE_SIZE,
): { templates: string[]; meanFitness: number | null } {
  const ranked = [...candidates].sort((a, b) => b.fitness - a.fitness || a.sampleIndex - b.sampleIndex);
  const top = ranked.slice(0, size);
  if (top.length === 0) {
    return { templates: [], meanFitness: null };
  }
  const meanFitness = top.reduce((sum, candidate) => sum + candidate.fitness, 0) / top.length;
  return { templates: top.map((candidate) => candidate.template), meanFitness };
}

/** The winning step by ensemble train accuracy, then mean fitness, then later step; null when none. */
export function selectStep(ensembles: readonly StepEnsemble[]): StepEnsemble | null {
  let chosen: StepEnsemble | null = null;
  for (const candidate of ensembles) {
    if (candidate.templates.length === 0) {
      continue;
    }
    const better =
      chosen === null ||
      candidate.trainAccuracy > chosen.trainAccuracy ||
      (candidate.trainAccuracy === chosen.trainAccuracy &&
        (candidate.meanFitness > chosen.meanFitness ||
          (candidate.meanFitness === chosen.meanFitness && candidate.step > chosen.step)));
    if (better) {
      chosen = candidate;
    }
  }
  return chosen;
}
