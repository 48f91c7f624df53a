/**
 * Progress events of a run. The loop emits a step's events only after the
 * step is committed to the store, so every listener sees stored facts.
 */
import type { ResolvedGlovConfig } from './config.js';

export type RunOutcome = 'finished' | 'paused' | 'cancelled';

export type GlovEvent =
  | { type: 'run-started'; runId: number; config: ResolvedGlovConfig; firstStep: number; resumed: boolean }
  | { type: 'step-started'; runId: number; step: number; metaPrompt: string; steered: boolean }
  | {
      type: 'candidate-scored';
      runId: number;
      step: number;
      sampleIndex: number;
      candidateId: number;
      rawText: string;
      template: string;
      /** Train fitness x100; null when rejected. */
      fitness: number | null;
      rejection: string | null;
    }
  | {
      type: 'guidance-updated';
      runId: number;
      step: number;
      bestTemplate: string;
      bestFitness: number;
      secondTemplate: string;
      secondFitness: number;
      vectorNorm: number;
    }
  | {
      type: 'step-finished';
      runId: number;
      step: number;
      accepted: number;
      rejections: Record<string, number>;
      /** Best fitness among this step's candidates; null when all were rejected. */
      stepBestFitness: number | null;
      /** Best fitness of the whole history after this step. */
      historyBestFitness: number;
      generationSeconds: number;
      scoringSeconds: number;
      promptTokens: number;
      generatedTokens: number;
    }
  | {
      type: 'run-finished';
      runId: number;
      outcome: RunOutcome;
      /** Present when outcome is 'finished'. */
      result?: {
        selectedStep: number | null;
        templates: string[];
        trainAccuracy: number;
        testAccuracy: number;
        baselineTestAccuracy: number;
      };
    }
  | { type: 'run-failed'; runId: number; message: string };

export type GlovEventListener = (event: GlovEvent) => void;
