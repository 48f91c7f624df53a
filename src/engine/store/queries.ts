/**
 * Read side of the run records, used by the CLI and the app. Every function
 * returns plain JSON-ready objects; fitness and accuracy are percentages.
 */
import type { ResolvedGlovConfig } from '../optimizer/config.js';
import type { Store } from './database.js';
import type { RunStatus } from './runs.js';

export interface RunRow {
  id: number;
  label: string;
  datasetName: string;
  datasetFingerprint: string;
  /** Folder the dataset was loaded from, when known; used to resume a run. */
  datasetRoot: string | null;
  mode: string;
  status: RunStatus;
  seed: number;
  config: ResolvedGlovConfig;
  software: Record<string, string>;
  llmFingerprint: string;
  vlmFingerprint: string;
  error: string | null;
  createdAt: string;
  updatedAt: string;
  stepsDone: number;
  bestFitness: number | null;
}

interface RawRunRow extends Omit<RunRow, 'config' | 'software'> {
  config: string;
  software: string;
}

const runSelect = `
  SELECT r.id, r.label, d.name AS datasetName, d.fingerprint AS datasetFingerprint, d.root AS datasetRoot, r.mode, r.status, r.seed,
         r.config, r.software, l.fingerprint AS llmFingerprint, v.fingerprint AS vlmFingerprint, r.error,
         r.created_at AS createdAt, r.updated_at AS updatedAt,
         (SELECT COUNT(*) FROM steps s WHERE s.run_id = r.id) AS stepsDone,
         (SELECT MAX(c.fitness) FROM candidates c WHERE c.run_id = r.id) AS bestFitness
  FROM runs r
  JOIN datasets d ON d.id = r.dataset_id
  JOIN models l ON l.id = r.llm_model_id
  JOIN models v ON v.id = r.vlm_model_id`;

function toRun(row: RawRunRow): RunRow {
  return {
    ...row,
    config: JSON.parse(row.config) as ResolvedGlovConfig,
    software: JSON.parse(row.software) as Record<string, string>,
  };
}

/** Every run, newest first. */
export function listRuns(store: Store): RunRow[] {
  return store.prepare<[], RawRunRow>(`${runSelect} ORDER BY r.id DESC`).all().map(toRun);
}

export function getRun(store: Store, runId: number): RunRow | null {
  const row = store.prepare<[number], RawRunRow>(`${runSelect} WHERE r.id = ?`).get(runId);
  return row ? toRun(row) : null;
}

export interface StepRow {
  step: number;
  seed: number;
  metaPrompt: string;
  guidancePairId: number | null;
  generationSeconds: number;
  scoringSeconds: number;
  promptTokens: number;
  generatedTokens: number;
  acceptedCount: number;
  rejectedCount: number;
  rejections: Record<string, number>;
  bestFitness: number | null;
  ensembleTemplates: string[];
  ensembleTrainAccuracy: number | null;
  ensembleMeanFitness: number | null;
  finishedAt: string;
}

export function getSteps(store: Store, runId: number): StepRow[] {
  const rows = store
    .prepare<[number], Omit<StepRow, 'rejections' | 'ensembleTemplates'> & { rejections: string; ensembleTemplates: string }>(
      `SELECT step, seed, meta_prompt AS metaPrompt, guidance_pair_id AS guidancePairId,
              generation_seconds AS generationSeconds, scoring_seconds AS scoringSeconds,
              prompt_tokens AS promptTokens, generated_tokens AS generatedTokens,
              accepted_count AS acceptedCount, rejected_count AS rejectedCount, rejections,
              best_fitness AS bestFitness, ensemble_templates AS ensembleTemplates,
              ensemble_train_accuracy AS ensembleTrainAccuracy, ensemble_mean_fitness AS ensembleMeanFitness,
              finished_at AS finishedAt
       FROM steps WHERE run_id = ? ORDER BY step`,
    )
    .all(runId);
  return rows.map((row) => ({
    ...row,
    rejections: JSON.parse(row.rejections) as Record<string, number>,
    ensembleTemplates: JSON.parse(row.ensembleTemplates) as string[],
  }));
}

export interface CandidateRow {
  id: number;
  step: number;
  sampleIndex: number;
  rawText: string;
  template: string;
  fitness: number | null;
  rejection: string | null;
  rejectionDetail: string | null;
}

/** Candidates of a run (optionally of one step) in generation order; step -1 is the initial template. */
export function getCandidates(store: Store, runId: number, options: { step?: number } = {}): CandidateRow[] {
  const stepFilter = options.step === undefined ? '' : 'AND step = @step';
  return store
    .prepare<{ runId: number; step?: number }, CandidateRow>(
      `SELECT id, step, sample_index AS sampleIndex, raw_text AS rawText, template, fitness, rejection,
              rejection_detail AS rejectionDetail
       FROM candidates WHERE run_id = @runId ${stepFilter} ORDER BY step, sample_index`,
    )
    .all(options.step === undefined ? { runId } : { runId, step: options.step });
}

export interface GuidancePairRow {
  id: number;
  step: number;
  bestTemplate: string;
  bestFitness: number;
  secondTemplate: string;
  secondFitness: number;
  vectorNorm: number;
  layer: number;
  alpha: number;
  pooling: string;
}

export function getGuidancePairs(store: Store, runId: number): GuidancePairRow[] {
  return store
    .prepare<[number], GuidancePairRow>(
      `SELECT g.id, g.step, b.template AS bestTemplate, b.fitness AS bestFitness,
              s.template AS secondTemplate, s.fitness AS secondFitness,
              g.vector_norm AS vectorNorm, g.layer, g.alpha, g.pooling
       FROM guidance_pairs g
       JOIN candidates b ON b.id = g.best_candidate_id
       JOIN candidates s ON s.id = g.second_candidate_id
       WHERE g.run_id = ? ORDER BY g.step`,
    )
    .all(runId);
}

export interface EvaluationRow {
  id: number;
  split: string;
  kind: 'glov-ensemble' | 'baseline' | 'custom';
  label: string;
  templates: string[];
  top1: number;
  correct: number;
  total: number;
  perClass: Array<{ className: string; correct: number; total: number }> | null;
}

export function getEvaluations(store: Store, runId: number): EvaluationRow[] {
  const rows = store
    .prepare<[number], Omit<EvaluationRow, 'templates' | 'perClass'> & { templates: string; perClass: string | null }>(
      `SELECT id, split, kind, label, templates, top1, correct, total, per_class AS perClass
       FROM evaluations WHERE run_id = ? ORDER BY id`,
    )
    .all(runId);
  return rows.map((row) => ({
    ...row,
    templates: JSON.parse(row.templates) as string[],
    perClass: row.perClass ? (JSON.parse(row.perClass) as EvaluationRow['perClass']) : null,
  }));
}

export interface LeaderboardRow {
  template: string;
  trainFitness: number;
  /** Test accuracy of the template on its own, when a single-template evaluation exists. */
  testAccuracy: number | null;
  /** Times the template was proposed, counting rejected duplicates. */
  occurrences: number;
  firstStep: number;
}

/**
 * Every scored template of a run, best train fitness first (earlier first on
 * ties). Duplicates collapse into one row with a count.
 */
export function leaderboard(store: Store, runId: number): LeaderboardRow[] {
  const rows = store
    .prepare<[number], Omit<LeaderboardRow, 'testAccuracy'>>(
      `SELECT template, MAX(fitness) AS trainFitness, COUNT(*) AS occurrences, MIN(step) AS firstStep
       FROM candidates
       WHERE run_id = ? AND (fitness IS NOT NULL OR rejection = 'duplicate')
       GROUP BY template
       HAVING MAX(fitness) IS NOT NULL
       ORDER BY trainFitness DESC, firstStep ASC, MIN(CASE WHEN fitness IS NOT NULL THEN sample_index END) ASC`,
    )
    .all(runId);
  const singleTest = new Map<string, number>();
  for (const evaluation of getEvaluations(store, runId)) {
    if (evaluation.split === 'test' && evaluation.templates.length === 1) {
      singleTest.set(evaluation.templates[0] as string, evaluation.top1);
    }
  }
  return rows.map((row) => ({ ...row, testAccuracy: singleTest.get(row.template) ?? null }));
}

export interface RunComparison {
  run: RunRow;
  /** Best train fitness over the history after each step (cumulative). */
  bestFitnessPerStep: number[];
  evaluations: EvaluationRow[];
}

/** Side-by-side data for several runs; unknown ids are skipped. */
export function compareRuns(store: Store, runIds: readonly number[]): RunComparison[] {
  const comparisons: RunComparison[] = [];
  for (const runId of runIds) {
    const run = getRun(store, runId);
    if (!run) {
      continue;
    }
    const initial = getCandidates(store, runId, { step: -1 })[0]?.fitness ?? Number.NEGATIVE_INFINITY;
    let runningBest = initial;
    const bestFitnessPerStep = getSteps(store, runId).map((step) => {
      runningBest = Math.max(runningBest, step.bestFitness ?? Number.NEGATIVE_INFINITY);
      return runningBest;
    });
    comparisons.push({ run, bestFitnessPerStep, evaluations: getEvaluations(store, runId) });
  }
  return comparisons;
}
