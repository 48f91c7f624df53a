/**
 * Write side of the run records: what the optimizer loop persists, and what
 * it reads back to resume. Each completed step is written in one transaction
 * (`saveStep`), so a crash leaves either the whole step or none of it.
 */
import type { ResolvedGlovConfig } from '../optimizer/config.js';
import { blobToFloats, floatsToBlob, nowIso, type Store } from './database.js';

export type RunStatus = 'running' | 'paused' | 'interrupted' | 'finished' | 'failed' | 'cancelled';

export interface NewRun {
  label?: string;
  dataset: { name: string; fingerprint: string; root?: string | null; classNames: readonly string[] };
  llmFingerprint: string;
  vlmFingerprint: string;
  config: ResolvedGlovConfig;
  software: Record<string, string>;
}

function upsertModel(store: Store, kind: 'llm' | 'vlm', fingerprint: string): number {
  store
    .prepare('INSERT OR IGNORE INTO models (kind, fingerprint, created_at) VALUES (?, ?, ?)')
    .run(kind, fingerprint, nowIso());
  const row = store
    .prepare<[string, string], { id: number }>('SELECT id FROM models WHERE kind = ? AND fingerprint = ?')
    .get(kind, fingerprint);
  return (row as { id: number }).id;
}

function upsertDataset(store: Store, dataset: NewRun['dataset']): number {
  store
    .prepare(
      'INSERT OR IGNORE INTO datasets (name, fingerprint, root, class_names, created_at) VALUES (?, ?, ?, ?, ?)',
    )
    .run(dataset.name, dataset.fingerprint, dataset.root ?? null, JSON.stringify(dataset.classNames), nowIso());
  const row = store
    .prepare<[string], { id: number }>('SELECT id FROM datasets WHERE fingerprint = ?')
    .get(dataset.fingerprint);
  return (row as { id: number }).id;
}

/** Insert a run with status 'running' and return its id. */
export function createRun(store: Store, run: NewRun): number {
  return store.transaction(() => {
    const datasetId = upsertDataset(store, run.dataset);
    const llmId = upsertModel(store, 'llm', run.llmFingerprint);
    const vlmId = upsertModel(store, 'vlm', run.vlmFingerprint);
    const now = nowIso();
    const result = store
      .prepare(
        `INSERT INTO runs (label, dataset_id, llm_model_id, vlm_model_id, mode, config, seed, status, software, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?)`,
      )
      .run(
        run.label ?? '',
        datasetId,
        llmId,
        vlmId,
        run.config.mode,
        JSON.stringify(run.config),
        run.config.seed,
        JSON.stringify(run.software),
        now,
        now,
      );
    return Number(result.lastInsertRowid);
  })();
}

export function setRunStatus(store: Store, runId: number, status: RunStatus, error: string | null = null): void {
  store.prepare('UPDATE runs SET status = ?, error = ?, updated_at = ? WHERE id = ?').run(status, error, nowIso(), runId);
}

/**
 * Mark runs left in 'running' by a process that died as 'interrupted'.
 * Call once at startup, before any run of this process starts.
 */
export function markInterruptedRuns(store: Store): number {
  return store
    .prepare("UPDATE runs SET status = 'interrupted', updated_at = ? WHERE status = 'running'")
    .run(nowIso()).changes;
}

export interface CandidateRecord {
  step: number;
  sampleIndex: number;
  rawText: string;
  template: string;
  fitness: number | null;
  rejection: string | null;
  rejectionDetail: string | null;
}

export interface GuidancePairRecord {
  /** Indexes into the step's candidate list, or ids of earlier candidates. */
  bestCandidate: { step: number; sampleIndex: number };
  secondCandidate: { step: number; sampleIndex: number };
  vector: Float32Array;
  vectorNorm: number;
  layer: number;
  alpha: number;
  pooling: string;
}

export interface StepRecord {
  step: number;
  seed: number;
  metaPrompt: string;
  guidancePairId: number | null;
  generationSeconds: number;
  scoringSeconds: number;
  promptTokens: number;
  generatedTokens: number;
  rejections: Record<string, number>;
  acceptedCount: number;
  bestFitness: number | null;
  ensembleTemplates: string[];
  ensembleTrainAccuracy: number | null;
  ensembleMeanFitness: number | null;
}

function insertCandidate(store: Store, runId: number, candidate: CandidateRecord): number {
  const result = store
    .prepare(
      `INSERT INTO candidates (run_id, step, sample_index, raw_text, template, fitness, rejection, rejection_detail)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      runId,
      candidate.step,
      candidate.sampleIndex,
      candidate.rawText,
      candidate.template,
      candidate.fitness,
      candidate.rejection,
      candidate.rejectionDetail,
    );
  return Number(result.lastInsertRowid);
}

/** Store the scored initial template (step -1, sample 0); returns the candidate id. */
export function saveInitialCandidate(store: Store, runId: number, template: string, fitness: number): number {
  return insertCandidate(store, runId, {
    step: -1,
    sampleIndex: 0,
    rawText: template,
    template,
    fitness,
    rejection: null,
    rejectionDetail: null,
  });
}

function candidateId(store: Store, runId: number, ref: { step: number; sampleIndex: number }): number {
  const row = store
    .prepare<[number, number, number], { id: number }>(
      'SELECT id FROM candidates WHERE run_id = ? AND step = ? AND sample_index = ?',
    )
    .get(runId, ref.step, ref.sampleIndex);
  if (!row) {
    throw new Error(`Candidate step ${ref.step} sample ${ref.sampleIndex} of run ${runId} is not stored.`);
  }
  return row.id;
}

export interface SavedStep {
  candidateIds: number[];
  guidancePairId: number | null;
}

/**
 * Persist one finished step in a single transaction: its candidates, the
 * step row, and the guidance pair it produced (if the best improved).
 */
export function saveStep(
  store: Store,
  runId: number,
  step: StepRecord,
  candidates: readonly CandidateRecord[],
  newPair: GuidancePairRecord | null,
): SavedStep {
  return store.transaction((): SavedStep => {
    const candidateIds = candidates.map((candidate) => insertCandidate(store, runId, candidate));
    let guidancePairId: number | null = null;
    if (newPair) {
      const result = store
        .prepare(
          `INSERT INTO guidance_pairs (run_id, step, best_candidate_id, second_candidate_id, vector, vector_norm, layer, alpha, pooling)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          runId,
          step.step,
          candidateId(store, runId, newPair.bestCandidate),
          candidateId(store, runId, newPair.secondCandidate),
          floatsToBlob(newPair.vector),
          newPair.vectorNorm,
          newPair.layer,
          newPair.alpha,
          newPair.pooling,
        );
      guidancePairId = Number(result.lastInsertRowid);
    }
    const rejectedCount = Object.values(step.rejections).reduce((sum, count) => sum + count, 0);
    store
      .prepare(
        `INSERT INTO steps (run_id, step, seed, meta_prompt, guidance_pair_id, generation_seconds, scoring_seconds,
           prompt_tokens, generated_tokens, accepted_count, rejected_count, rejections, best_fitness,
           ensemble_templates, ensemble_train_accuracy, ensemble_mean_fitness, finished_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        runId,
        step.step,
        step.seed,
        step.metaPrompt,
        step.guidancePairId,
        step.generationSeconds,
        step.scoringSeconds,
        step.promptTokens,
        step.generatedTokens,
        step.acceptedCount,
        rejectedCount,
        JSON.stringify(step.rejections),
        step.bestFitness,
        JSON.stringify(step.ensembleTemplates),
        step.ensembleTrainAccuracy,
        step.ensembleMeanFitness,
        nowIso(),
      );
    store.prepare('UPDATE runs SET updated_at = ? WHERE id = ?').run(nowIso(), runId);
    return { candidateIds, guidancePairId };
  })();
}

export interface EvaluationRecord {
  split: string;
  kind: 'glov-ensemble' | 'baseline' | 'custom';
  label: string;
  templates: readonly string[];
  /** Top-1 accuracy x100. */
  top1: number;
  correct: number;
  total: number;
  perClass?: ReadonlyArray<{ className: string; correct: number; total: number }>;
}

export function saveEvaluation(store: Store, runId: number, evaluation: EvaluationRecord): number {
  const result = store
    .prepare(
      `INSERT INTO evaluations (run_id, split, kind, label, templates, top1, correct, total, per_class, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      runId,
      evaluation.split,
      evaluation.kind,
      evaluation.label,
      JSON.stringify(evaluation.templates),
      evaluation.top1,
      evaluation.correct,
      evaluation.total,
      evaluation.perClass ? JSON.stringify(evaluation.perClass) : null,
      nowIso(),
    );
  return Number(result.lastInsertRowid);
}

export interface StoredCandidate {
  id: number;
  step: number;
  sampleIndex: number;
  rawText: string;
  template: string;
  fitness: number | null;
  rejection: string | null;
}

export interface StoredGuidancePair {
  id: number;
  step: number;
  bestCandidateId: number;
  secondCandidateId: number;
  vector: Float32Array;
  vectorNorm: number;
}

/** What a resumed run needs: its config, every candidate in order, the last guidance pair, steps done. */
export interface RunState {
  config: ResolvedGlovConfig;
  status: RunStatus;
  candidates: StoredCandidate[];
  lastPair: StoredGuidancePair | null;
  completedSteps: number;
}

export function loadRunState(store: Store, runId: number): RunState | null {
  const run = store
    .prepare<[number], { config: string; status: RunStatus }>('SELECT config, status FROM runs WHERE id = ?')
    .get(runId);
  if (!run) {
    return null;
  }
  const candidates = store
    .prepare<[number], StoredCandidate>(
      `SELECT id, step, sample_index AS sampleIndex, raw_text AS rawText, template, fitness, rejection
       FROM candidates WHERE run_id = ? ORDER BY step, sample_index`,
    )
    .all(runId);
  const pairRow = store
    .prepare<
      [number],
      { id: number; step: number; best: number; second: number; vector: Buffer; norm: number }
    >(
      `SELECT id, step, best_candidate_id AS best, second_candidate_id AS second, vector, vector_norm AS norm
       FROM guidance_pairs WHERE run_id = ? ORDER BY step DESC LIMIT 1`,
    )
    .get(runId);
  const stepsRow = store
    .prepare<[number], { done: number }>('SELECT COUNT(*) AS done FROM steps WHERE run_id = ?')
    .get(runId);
  return {
    config: JSON.parse(run.config) as ResolvedGlovConfig,
    status: run.status,
    candidates,
    lastPair: pairRow
      ? {
          id: pairRow.id,
          step: pairRow.step,
          bestCandidateId: pairRow.best,
          secondCandidateId: pairRow.second,
          vector: blobToFloats(pairRow.vector),
          vectorNorm: pairRow.norm,
        }
      : null,
    completedSteps: stepsRow?.done ?? 0,
  };
}
