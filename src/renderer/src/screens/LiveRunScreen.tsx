import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';

import type { RunDetail, StepView } from '../../../engine/api.js';
import type { ScreenContext } from '../App.js';
import { api } from '../api.js';
import { LineChart, type ChartSeries } from '../charts.js';
import { displayStep, formatPercent, formatSeconds } from '../format.js';
import { NoRunsYet } from './NoRunsYet.js';
import { RunPicker } from './RunPicker.js';

/** Steps listed at first and added per "Show more", because a 100-step run would otherwise put 100 panels in the page. */
const stepsPerPage = 20;
/** Candidate rows shown per step before "Show all". */
const candidatesShown = 25;

/** Insert or replace one step, keeping every other step object as it was, so memoized rows skip re-rendering. */
function mergeStep(run: RunDetail, step: StepView, secondsLeftEstimate: number | null): RunDetail {
  const index = run.steps.findIndex((entry) => entry.step === step.step);
  const steps =
    index === -1 ? [...run.steps, step].sort((a, b) => a.step - b.step) : run.steps.with(index, step);
  const bestFitness =
    step.bestFitness === null
      ? run.bestFitness
      : Math.max(step.bestFitness, run.bestFitness ?? Number.NEGATIVE_INFINITY);
  return {
    ...run,
    steps,
    stepsDone: Math.max(run.stepsDone, step.step + 1),
    bestFitness,
    secondsLeftEstimate,
  };
}

function fitnessSeries(steps: readonly StepView[], initialFitness: number | null): ChartSeries[] {
  // Best so far starts from the initial template's fitness, so it has a value even when a step rejects everything.
  const bestSoFar: (number | null)[] = [];
  let runningBest = initialFitness;
  for (const step of steps) {
    if (step.bestFitness !== null) {
      runningBest = Math.max(step.bestFitness, runningBest ?? Number.NEGATIVE_INFINITY);
    }
    bestSoFar.push(runningBest);
  }
  return [
    { label: 'best so far', values: bestSoFar },
    { label: 'best of this step', values: steps.map((step) => step.bestFitness) },
    { label: 'mean of this step', values: steps.map((step) => step.meanFitness) },
  ];
}

/**
 * One step as a disclosure. Memoized on the step object, and the candidate table is built only while open.
 * The newest step opens by itself and closes when the next one arrives, unless the user toggled it.
 */
const StepItem = memo(function StepItem({ step, autoOpen }: { step: StepView; autoOpen: boolean }) {
  const [userOpen, setUserOpen] = useState<boolean | null>(null);
  const open = userOpen ?? autoOpen;
  const [showAll, setShowAll] = useState(false);
  const rejected = step.candidates.filter((candidate) => candidate.rejection !== null).length;
  const shown = showAll ? step.candidates : step.candidates.slice(0, candidatesShown);
  return (
    <details
      className="step"
      open={open}
      onToggle={(event) => event.currentTarget.open !== open && setUserOpen(event.currentTarget.open)}
      data-testid="step"
    >
      <summary>
        Step {displayStep(step.step)}: best {formatPercent(step.bestFitness)}, mean{' '}
        {formatPercent(step.meanFitness)}, {step.candidates.length} candidates
        {rejected > 0 ? ` (${rejected} rejected)` : ''}, {formatSeconds(step.seconds)}
      </summary>
      {open && (
        <>
          {step.guidance ? (
            <p className="guidance">
              Guidance: <q>{step.guidance.positiveTemplate}</q> (
              {formatPercent(step.guidance.positiveFitness)}) minus <q>{step.guidance.negativeTemplate}</q> (
              {formatPercent(step.guidance.negativeFitness)}), vector norm{' '}
              {step.guidance.vectorNorm.toFixed(3)}
            </p>
          ) : (
            <p className="guidance muted">Unsteered step (no guidance pair yet, or guidance off).</p>
          )}
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Sample</th>
                <th scope="col">Template</th>
                <th scope="col">Fitness</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((candidate) => (
                <tr key={candidate.index}>
                  <td>{candidate.index + 1}</td>
                  <td>
                    <code>{candidate.template || '(empty)'}</code>
                  </td>
                  <td>
                    {candidate.rejection ? (
                      <span className="rejected">rejected: {candidate.rejection}</span>
                    ) : (
                      formatPercent(candidate.fitness)
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {shown.length < step.candidates.length && (
            <button type="button" onClick={() => setShowAll(true)}>
              Show all {step.candidates.length} candidates
            </button>
          )}
        </>
      )}
    </details>
  );
});

export function LiveRunScreen({ context }: { context: ScreenContext }) {
  const [run, setRun] = useState<RunDetail | null>(null);
  // The event handler reads the latest run through this ref, so it need not resubscribe on every change.
  const runRef = useRef<RunDetail | null>(null);
  runRef.current = run;
  const [current, setCurrent] = useState<{ runId: string; step: number; metaPrompt: string } | null>(null);
  const [stepLimit, setStepLimit] = useState(stepsPerPage);
  const runId = context.selectedRunId ?? context.runs[0]?.id ?? null;
  const { reportError } = context;

  const load = useCallback(async () => {
    if (!runId) {
      setRun(null);
      return;
    }
    try {
      setRun(await api.getRun(runId));
    } catch (caught) {
      reportError(caught);
    }
  }, [runId, reportError]);

  useEffect(() => {
    setStepLimit(stepsPerPage);
    void load();
    return api.onRunEvent((event) => {
      if (event.runId !== runId) {
        return;
      }
      if (event.type === 'step-started') {
        setCurrent({ runId: event.runId, step: event.step, metaPrompt: event.metaPrompt });
      } else if (event.type === 'step-finished' && runRef.current?.initialFitness != null) {
        // The event carries the whole step, so only that step is added, because a full reload would rebuild every row.
        // A run loaded before its initial template was scored is reloaded once instead, to pick up that fitness.
        setRun((previous) =>
          previous && previous.id === event.runId
            ? mergeStep(previous, event.step, event.secondsLeftEstimate)
            : previous,
        );
      } else {
        void load();
      }
    });
  }, [load, runId]);

  const steps = run?.steps;
  const initialFitness = run?.initialFitness ?? null;
  const series = useMemo(() => fitnessSeries(steps ?? [], initialFitness), [steps, initialFitness]);

  async function control(action: 'pause' | 'resume' | 'cancel') {
    if (!runId) {
      return;
    }
    try {
      if (action === 'pause') {
        await api.pauseRun(runId);
      } else if (action === 'resume') {
        await api.resumeRun(runId);
      } else {
        await api.cancelRun(runId);
      }
      await load();
      await context.refreshRuns();
    } catch (caught) {
      reportError(caught);
    }
  }

  if (context.runs.length === 0) {
    return (
      <section aria-labelledby="live-title">
        <h2 id="live-title">Live run</h2>
        <NoRunsYet
          context={context}
          purpose="This screen follows a run step by step: the fitness chart, the meta-prompt and every template."
        />
      </section>
    );
  }
  if (!run) {
    return (
      <section aria-labelledby="live-title">
        <h2 id="live-title">Live run</h2>
        <RunPicker context={context} />
        <p className="muted">Loading the run…</p>
      </section>
    );
  }

  const latest = run.steps.at(-1);
  const live =
    run.status === 'running' &&
    current !== null &&
    current.runId === run.id &&
    current.step >= (latest?.step ?? -1);
  const metaPrompt = live ? current.metaPrompt : (latest?.metaPrompt ?? '');
  const metaPromptStep = live ? current.step : latest?.step;
  const progress = run.settings.steps > 0 ? run.stepsDone / run.settings.steps : 0;
  const canResume = run.status === 'paused' || run.status === 'interrupted';
  const isActive = run.status === 'running';
  const newestFirst = [...run.steps].reverse();
  const hiddenSteps = Math.max(0, newestFirst.length - stepLimit);

  return (
    <section aria-labelledby="live-title">
      <h2 id="live-title">Live run</h2>
      <RunPicker context={context} />
      <div className="run-header">
        <span className={`status status-${run.status}`} data-testid="run-status">
          {run.status}
        </span>
        <progress max={1} value={progress} aria-label="Progress" />
        <span data-testid="run-progress">
          {run.stepsDone} / {run.settings.steps} steps
        </span>
        <span>Time left: {isActive ? formatSeconds(run.secondsLeftEstimate) : '–'}</span>
        <span>Best: {formatPercent(run.bestFitness)}</span>
        <button type="button" onClick={() => void control('pause')} disabled={!isActive}>
          Pause
        </button>
        <button type="button" onClick={() => void control('resume')} disabled={!canResume}>
          Resume
        </button>
        <button
          type="button"
          onClick={() => void control('cancel')}
          disabled={!isActive && run.status !== 'paused'}
        >
          Cancel
        </button>
      </div>
      <p className="muted run-settings">
        {run.settings.mode === 'llm-opt' ? 'llm-opt baseline' : `glov, guidance ${run.settings.guidance}`} ·
        dataset name “{run.settings.datasetName}” · {run.settings.candidatesPerStep} candidates per step ·
        seed {run.settings.seed}
      </p>
      {run.error && (
        <p className="warning" role="alert">
          {run.error}
        </p>
      )}
      <LineChart title="Train fitness per step" xLabel="step" yLabel="fitness (%)" series={series} />
      <h3>
        {metaPromptStep === undefined ? 'Meta-prompt' : `Meta-prompt of step ${displayStep(metaPromptStep)}`}
      </h3>
      <pre className="meta-prompt" data-testid="meta-prompt" tabIndex={0} aria-label="Meta-prompt">
        {metaPrompt || '(none yet)'}
      </pre>
      <h3>Steps</h3>
      {run.steps.length === 0 && <p className="muted">Waiting for the first step…</p>}
      {newestFirst.slice(0, stepLimit).map((step) => (
        <StepItem key={step.step} step={step} autoOpen={step === latest} />
      ))}
      {hiddenSteps > 0 && (
        <button type="button" onClick={() => setStepLimit((limit) => limit + stepsPerPage)}>
          Show {Math.min(stepsPerPage, hiddenSteps)} earlier steps ({hiddenSteps} hidden)
        </button>
      )}
    </section>
  );
}
