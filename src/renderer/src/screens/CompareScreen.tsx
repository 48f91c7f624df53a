import { useEffect, useMemo, useState } from 'react';

import type { ComparedRun } from '../../../engine/api.js';
import type { ScreenContext } from '../App.js';
import { api } from '../api.js';
import { BarChart, LineChart } from '../charts.js';
import { formatPercent } from '../format.js';
import { NoRunsYet } from './NoRunsYet.js';

function describeSettings(run: ComparedRun): string {
  if (!run.settings) {
    return 'baseline';
  }
  const { settings } = run;
  const method =
    settings.mode === 'llm-opt'
      ? 'llm-opt baseline'
      : settings.guidance === 'none'
        ? 'glov, no guidance'
        : `glov, ${settings.guidance} guidance, α ${settings.alpha}, layer ${settings.layer}`;
  return `${method}, seed ${settings.seed}, ${settings.steps} steps × ${settings.candidatesPerStep} candidates`;
}

export function CompareScreen({ context }: { context: ScreenContext }) {
  const [chosen, setChosen] = useState<string[]>([]);
  const [compared, setCompared] = useState<ComparedRun[]>([]);
  const { reportError, runs } = context;

  useEffect(() => {
    if (chosen.length === 0) {
      setCompared([]);
      return;
    }
    api.compareRuns(chosen).then(setCompared).catch(reportError);
  }, [chosen, reportError]);

  // One colour per entry, shared by the line and the bar of the same run. Baselines are grey.
  const baselineColour = 7;
  const series = useMemo(
    () =>
      compared.flatMap((run, index) =>
        run.kind === 'run'
          ? [{ label: run.label, values: run.bestFitnessPerStep, colourIndex: index % baselineColour }]
          : [],
      ),
    [compared],
  );
  const bars = compared.map((run, index) => ({
    label: run.kind === 'baseline' ? `${run.label}, baseline` : run.label,
    value: run.testAccuracy,
    colourIndex: run.kind === 'baseline' ? baselineColour : index % baselineColour,
  }));

  function toggle(runId: string) {
    setChosen((current) =>
      current.includes(runId) ? current.filter((id) => id !== runId) : [...current, runId],
    );
  }

  return (
    <section aria-labelledby="compare-title">
      <h2 id="compare-title">Compare</h2>
      {runs.length === 0 && (
        <NoRunsYet
          context={context}
          purpose="This screen compares the fitness curves and test accuracy of two or more runs."
        />
      )}
      {runs.length > 0 && compared.length === 0 && (
        <p className="muted">
          Tick the runs to compare; the CLIP baselines evaluated on the same datasets are added.
        </p>
      )}
      {runs.length > 0 && (
        <fieldset className="run-choices">
          <legend>Runs to compare</legend>
          {runs.map((run) => (
            <label key={run.id}>
              <input type="checkbox" checked={chosen.includes(run.id)} onChange={() => toggle(run.id)} />{' '}
              {run.label} · {run.datasetName} · {run.status}
            </label>
          ))}
        </fieldset>
      )}
      {compared.length > 0 && (
        <>
          <LineChart
            title="Best train fitness so far per step"
            xLabel="step"
            yLabel="fitness (%)"
            series={series}
          />
          <BarChart title="Test accuracy per run" bars={bars} />
          <table className="table" data-testid="compare-table">
            <thead>
              <tr>
                <th>Run</th>
                <th>Settings</th>
                <th>Best train fitness</th>
                <th>Test accuracy</th>
              </tr>
            </thead>
            <tbody>
              {compared.map((run) => (
                <tr key={run.id}>
                  <td>{run.label}</td>
                  <td>{describeSettings(run)}</td>
                  <td>{formatPercent(run.bestFitnessPerStep.at(-1) ?? null)}</td>
                  <td>{formatPercent(run.testAccuracy)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
