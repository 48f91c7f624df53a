import { useEffect, useState } from 'react';

import type { ComparedRun } from '../../../engine/api.js';
import type { ScreenContext } from '../App.js';
import { api } from '../api.js';
import { BarChart, LineChart } from '../charts.js';
import { formatPercent } from '../format.js';

function describeSettings(run: ComparedRun): string {
  if (!run.settings) {
    return 'baseline';
  }
  const guidance = run.settings.guidance === 'none' ? 'no guidance' : `${run.settings.guidance}, α ${run.settings.alpha}`;
  return `${guidance}, seed ${run.settings.seed}, ${run.settings.steps} steps`;
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

  function toggle(runId: string) {
    setChosen((current) => (current.includes(runId) ? current.filter((id) => id !== runId) : [...current, runId]));
  }

  return (
    <section aria-labelledby="compare-title">
      <h2 id="compare-title">Compare</h2>
      {runs.length === 0 && <div className="empty-state">No runs yet. Start two runs to compare them.</div>}
      <fieldset className="run-choices">
        <legend>Runs to compare</legend>
        {runs.map((run) => (
          <label key={run.id}>
            <input type="checkbox" checked={chosen.includes(run.id)} onChange={() => toggle(run.id)} /> {run.label} ·{' '}
            {run.datasetName} · {run.status}
          </label>
        ))}
      </fieldset>
      {compared.length > 0 && (
        <>
          <LineChart
            title="Best fitness so far per step"
            xLabel="step"
            series={compared.filter((run) => run.kind === 'run').map((run) => ({ label: run.label, values: run.bestFitnessPerStep }))}
          />
          <BarChart title="Test accuracy per run" bars={compared.map((run) => ({ label: run.label, value: run.testAccuracy }))} />
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
