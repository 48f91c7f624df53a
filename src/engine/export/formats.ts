/**
 * Export of a stored run: a JSON summary, a CSV of every candidate, a plain
 * template list, and CLIP_benchmark's custom-templates JSON.
 *
 * Accuracies in exports are fractions in [0, 1] named `acc1`, as in
 * CLIP_benchmark's result files; the store keeps percentages.
 */
import { GlovError } from '../errors.js';
import type { Store } from '../store/database.js';
import { getCandidates, getEvaluations, getRun, getSteps, leaderboard } from '../store/queries.js';

function requireRun(store: Store, runId: number) {
  const run = getRun(store, runId);
  if (!run) {
    throw new GlovError(`Run ${runId} not found.`, { code: 'run-not-found', hint: 'List the stored runs and pass one of their ids.' });
  }
  return run;
}

/** The templates a run recommends: its evaluated GLOV ensemble, else its best 3 by train fitness. */
export function bestTemplates(store: Store, runId: number): string[] {
  const ensemble = getEvaluations(store, runId).find((evaluation) => evaluation.kind === 'glov-ensemble');
  if (ensemble) {
    return ensemble.templates;
  }
  return leaderboard(store, runId)
    .slice(0, 3)
    .map((row) => row.template);
}

export interface RunExport {
  format: 'glov-run';
  version: 1;
  run: {
    id: number;
    label: string;
    dataset: string;
    status: string;
    mode: string;
    seed: number;
    llm: string;
    vlm: string;
    createdAt: string;
    stepsDone: number;
    config: Record<string, unknown>;
    software: Record<string, string>;
  };
  bestTemplates: string[];
  evaluations: Array<{ kind: string; split: string; label: string; templates: string[]; acc1: number; correct: number; total: number }>;
  /** Best train fitness per step as a fraction; null for a step with no accepted template. */
  trainAcc1PerStep: Array<number | null>;
}

export function exportRunJson(store: Store, runId: number): RunExport {
  const run = requireRun(store, runId);
  return {
    format: 'glov-run',
    version: 1,
    run: {
      id: run.id,
      label: run.label,
      dataset: run.datasetName,
      status: run.status,
      mode: run.mode,
      seed: run.seed,
      llm: run.llmFingerprint,
      vlm: run.vlmFingerprint,
      createdAt: run.createdAt,
      stepsDone: run.stepsDone,
      config: { ...run.config },
      software: run.software,
    },
    bestTemplates: bestTemplates(store, runId),
    evaluations: getEvaluations(store, runId).map((evaluation) => ({
      kind: evaluation.kind,
      split: evaluation.split,
      label: evaluation.label,
      templates: evaluation.templates,
      acc1: evaluation.top1 / 100,
      correct: evaluation.correct,
      total: evaluation.total,
    })),
    trainAcc1PerStep: getSteps(store, runId).map((step) => (step.bestFitness === null ? null : step.bestFitness / 100)),
  };
}

/** Quote a CSV field as RFC 4180 does: wrap in quotes when needed and double inner quotes. */
function csvField(value: string | number | null): string {
  if (value === null) {
    return '';
  }
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const CSV_HEADER = ['run_id', 'step', 'sample_index', 'template', 'train_acc1', 'rejection', 'raw_text'] as const;

/** Every candidate of a run, one per row; step -1 is the initial template. */
export function exportCandidatesCsv(store: Store, runId: number): string {
  requireRun(store, runId);
  const lines = [CSV_HEADER.join(',')];
  for (const candidate of getCandidates(store, runId)) {
    lines.push(
      [
        runId,
        candidate.step,
        candidate.sampleIndex,
        candidate.template,
        candidate.fitness === null ? null : candidate.fitness / 100,
        candidate.rejection,
        candidate.rawText,
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** One template per line, in the given order. */
export function exportTemplateList(templates: readonly string[]): string {
  return templates.map((template) => `${template.replace(/\s*[\r\n]+\s*/g, ' ')}\n`).join('');
}

/**
 * CLIP_benchmark's custom templates file: `{"<dataset>": ["a photo of a {c}.", ...]}`.
 * The `{c}` placeholder is already CLIP_benchmark's own.
 */
export function exportClipBenchmarkTemplates(datasetKey: string, templates: readonly string[]): string {
  return `${JSON.stringify({ [datasetKey]: [...templates] }, null, 2)}\n`;
}
