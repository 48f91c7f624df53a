import { useCallback, useEffect, useState } from 'react';

import type { RunDetail } from '../../../engine/api.js';
import type { ScreenContext } from '../App.js';
import { api } from '../api.js';
import { LineChart } from '../charts.js';
import { formatPercent, formatSeconds } from '../format.js';
import { RunPicker } from './RunPicker.js';

export function LiveRunScreen({ context }: { context: ScreenContext }) {
  const [run, setRun] = useState<RunDetail | null>(null);
  const [currentMetaPrompt, setCurrentMetaPrompt] = useState<string | null>(null);
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
    void load();
    return api.onRunEvent((event) => {
      if (event.runId !== runId) {
        return;
      }
      if (event.type === 'step-started') {
        setCurrentMetaPrompt(event.metaPrompt);
      } else {
        void load();
      }
    });
  }, [load, runId]);

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

  if (!run) {
    return (
      <section aria-labelledby="live-title">
        <h2 id="live-title">Live run</h2>
        <RunPicker context={context} />
        <div className="empty-state">No run selected. Start one on the New run screen.</div>
      </section>
    );
  }

  // Best so far starts from the initial template's fitness, so it has a value even when a step rejects everything.
  const bestSoFar: (number | null)[] = [];
  let runningBest = run.initialFitness;
  for (const step of run.steps) {
    if (step.bestFitness !== null) {
      runningBest = Math.max(step.bestFitness, runningBest ?? Number.NEGATIVE_INFINITY);
    }
    bestSoFar.push(runningBest);
  }
  const latest = run.steps.at(-1);
  const metaPrompt = run.status === 'running' && currentMetaPrompt ? currentMetaPrompt : (latest?.metaPrompt ?? '');
  const progress = run.settings.steps > 0 ? run.stepsDone / run.settings.steps : 0;
  const canResume = run.status === 'paused' || run.status === 'interrupted';
  const isActive = run.status === 'running';

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
        <button type="button" onClick={() => void control('pause')} disabled={!isActive}>
          Pause
        </button>
        <button type="button" onClick={() => void control('resume')} disabled={!canResume}>
          Resume
        </button>
        <button type="button" onClick={() => void control('cancel')} disabled={!isActive && run.status !== 'paused'}>
          Cancel
        </button>
      </div>
      {run.error && (
        <p className="warning" role="alert">
          {run.error}
        </p>
      )}
      <LineChart
        title="Fitness per step"
        xLabel="step"
        series={[
          { label: 'best this step', values: run.steps.map((step) => step.bestFitness) },
          { label: 'mean this step', values: run.steps.map((step) => step.meanFitness) },
          { label: 'best so far', values: bestSoFar },
        ]}
      />
      <h3>Current meta-prompt</h3>
      <pre className="meta-prompt" data-testid="meta-prompt">
        {metaPrompt || '(none yet)'}
      </pre>
      <h3>Steps</h3>
      {run.steps.length === 0 && <p className="muted">Waiting for the first step…</p>}
      {[...run.steps].reverse().map((step) => (
        <details key={step.step} className="step" open={step === latest} data-testid="step">
          <summary>
            Step {step.step}: best {formatPercent(step.bestFitness)}, mean {formatPercent(step.meanFitness)},{' '}
            {step.candidates.length} candidates, {formatSeconds(step.seconds)}
          </summary>
          {step.guidance ? (
            <p className="guidance">
              Guidance: <q>{step.guidance.positiveTemplate}</q> ({formatPercent(step.guidance.positiveFitness)}) minus{' '}
              <q>{step.guidance.negativeTemplate}</q> ({formatPercent(step.guidance.negativeFitness)}), vector norm{' '}
              {step.guidance.vectorNorm.toFixed(3)}
            </p>
          ) : (
            <p className="guidance muted">Unsteered step (no guidance pair yet, or guidance off).</p>
          )}
          <table className="table">
            <thead>
              <tr>
                <th>#</th>
                <th>Template</th>
                <th>Fitness</th>
              </tr>
            </thead>
            <tbody>
              {step.candidates.map((candidate) => (
                <tr key={candidate.index}>
                  <td>{candidate.index}</td>
                  <td>
                    <code>{candidate.template || '(empty)'}</code>
                  </td>
                  <td>{candidate.rejection ? <span className="rejected">rejected: {candidate.rejection}</span> : formatPercent(candidate.fitness)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ))}
    </section>
  );
}
