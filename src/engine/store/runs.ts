/**
 * Write side of the run records: what the optimizer loop persists, and what
 * it reads back to resume. Each completed step is written in one transaction
 * (`saveStep`), so a crash leaves either the whole step or none of it.
 */
import { hostname } from 'node:os';

import { GlovError } from '../errors.js';
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

/**
 * Age after which the heartbeat of a run owned by another host counts as stale
 * and the run as abandoned. The heartbeat moves once per saved step. One step
 * of a large LLM on a CPU can take several minutes, so the margin is generous.
 */
export const STALE_HEARTBEAT_MS = 10 * 60 * 1000;

/** Owner of a run: the process id and host name recorded when it was claimed. */
export interface RunOwner {
  pid: number;
  host: string;
  heartbeatAt: string | null;
}

interface OwnerRow {
  status: RunStatus;
  owner_pid: number | null;
  owner_host: string | null;
  heartbeat_at: string | null;
}

/** Check that a pid exists on this host; EPERM means it exists under another user, so only ESRCH counts as dead. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Check whether a 'running' row still has a live owner. On this host the pid
 * decides. On another host only the heartbeat can, because its pids mean
 * nothing here. A row without an owner (written before ownership existed) has none.
 */
function ownerIsAlive(row: OwnerRow, now: number): boolean {
  if (row.owner_pid === null) {
    return false;
  }
  if (row.owner_host === hostname()) {
    return isProcessAlive(row.owner_pid);
  }
  const beat = row.heartbeat_at === null ? Number.NaN : Date.parse(row.heartbeat_at);
  return Number.isFinite(beat) && now - beat < STALE_HEARTBEAT_MS;
}

function readOwnerRow(store: Store, runId: number): OwnerRow | undefined {
  return store
    .prepare<[number], OwnerRow>('SELECT status, owner_pid, owner_host, heartbeat_at FROM runs WHERE id = ?')
    .get(runId);
}

/** Build the 'run-in-use' error for a run that a live process executes; return null when the run is free. */
function inUseError(runId: number, row: OwnerRow): GlovError | null {
  if (row.status !== 'running' || !ownerIsAlive(row, Date.now())) {
    return null;
  }
  const where = row.owner_host === hostname() ? 'on this host' : `on host ${row.owner_host ?? 'unknown'}`;
  return new GlovError(
    `Run ${runId} is being executed by process ${row.owner_pid} ${where} (last step saved ${row.heartbeat_at ?? 'never'}).`,
    {
      code: 'run-in-use',
      hint: `Wait for it to finish or stop that process (pid ${row.owner_pid}), then resume run ${runId}.`,
    },
  );
}

/** Throw 'run-in-use' if a live process executes the run; a cheap early check, `claimRun` is the atomic one. */
export function assertRunNotInUse(store: Store, runId: number): void {
  const row = readOwnerRow(store, runId);
  const error = row ? inUseError(runId, row) : null;
  if (error) {
    throw error;
  }
}

/**
 * Make this process the owner of a stored run and mark it 'running'.
 *
 * The read and the write happen in one IMMEDIATE transaction, which takes the
 * write lock first. So of two processes resuming the same run exactly one wins,
 * and the other gets 'run-in-use'. A 'running' run is taken over only when its
 * owner is dead (see `ownerIsAlive`).
 */
export function claimRun(store: Store, runId: number): void {
  store
    .transaction(() => {
      const row = readOwnerRow(store, runId);
      if (!row) {
        throw new GlovError(`Run ${runId} not found.`, {
          code: 'run-not-found',
          hint: 'List the stored runs and pass one of their ids.',
        });
      }
      if (row.status === 'finished') {
        throw new GlovError(`Run ${runId} is already finished.`, {
          code: 'run-already-finished',
          hint: 'Start a new run instead of resuming this one.',
        });
      }
      const error = inUseError(runId, row);
      if (error) {
        throw error;
      }
      const now = nowIso();
      store
        .prepare(
          `UPDATE runs SET status = 'running', error = NULL, owner_pid = ?, owner_host = ?, heartbeat_at = ?, updated_at = ?
           WHERE id = ?`,
        )
        .run(process.pid, hostname(), now, now, runId);
    })
    .immediate();
}

/** Read the recorded owner of a run; return null when none is recorded. */
export function getRunOwner(store: Store, runId: number): RunOwner | null {
  const row = readOwnerRow(store, runId);
  if (!row || row.owner_pid === null) {
    return null;
  }
  return { pid: row.owner_pid, host: row.owner_host ?? '', heartbeatAt: row.heartbeat_at };
}

/** Insert a run with status 'running', owned by this process, and return its id. */
export function createRun(store: Store, run: NewRun): number {
  return store.transaction(() => {
    const datasetId = upsertDataset(store, run.dataset);
    const llmId = upsertModel(store, 'llm', run.llmFingerprint);
    const vlmId = upsertModel(store, 'vlm', run.vlmFingerprint);
    const now = nowIso();
    const result = store
      .prepare(
        `INSERT INTO runs (label, dataset_id, llm_model_id, vlm_model_id, mode, config, seed, status, software,
           owner_pid, owner_host, heartbeat_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)`,
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
        process.pid,
        hostname(),
        now,
        now,
        now,
      );
    return Number(result.lastInsertRowid);
  })();
}

/**
 * Record a run's status. Any status but 'running' releases the owner, since no
 * process executes the run any more; to (re)start a run use `claimRun`.
 */
export function setRunStatus(store: Store, runId: number, status: RunStatus, error: string | null = null): void {
  store
    .prepare(
      `UPDATE runs SET status = ?, error = ?, updated_at = ?,
         owner_pid = CASE WHEN ? = 'running' THEN owner_pid END,
         owner_host = CASE WHEN ? = 'running' THEN owner_host END,
         heartbeat_at = CASE WHEN ? = 'running' THEN heartbeat_at END
       WHERE id = ?`,
    )
    .run(status, error, nowIso(), status, status, status, runId);
}

/**
 * Mark runs left in 'running' by a process that died as 'interrupted'.
 * Runs whose owner is still alive (another CLI or app on the same database)
 * are left alone. Returns how many runs were marked.
 */
export function markInterruptedRuns(store: Store): number {
  return store
    .transaction(() => {
      const now = Date.now();
      const rows = store
        .prepare<[], OwnerRow & { id: number }>(
          "SELECT id, status, owner_pid, owner_host, heartbeat_at FROM runs WHERE status = 'running'",
        )
        .all();
      let marked = 0;
      for (const row of rows) {
        if (!ownerIsAlive(row, now)) {
          setRunStatus(store, row.id, 'interrupted');
          marked += 1;
        }
      }
      return marked;
    })
    .immediate();
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
    // The saved step doubles as the owner's heartbeat.
    const now = nowIso();
    store.prepare('UPDATE runs SET updated_at = ?, heartbeat_at = ? WHERE id = ?').run(now, now, runId);
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
