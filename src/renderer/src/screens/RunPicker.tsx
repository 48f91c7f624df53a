import type { ScreenContext } from '../App.js';

/** Select box of the stored runs; the choice is shared by all screens. */
export function RunPicker({ context }: { context: ScreenContext }) {
  return (
    <label className="run-picker">
      Run{' '}
      <select
        name="run"
        // Screens fall back to the newest run when none is chosen, so the picker shows that run too.
        value={context.selectedRunId ?? context.runs[0]?.id ?? ''}
        onChange={(event) => context.selectRun(event.target.value || null)}
      >
        <option value="">(choose a run)</option>
        {context.runs.map((run) => (
          <option key={run.id} value={run.id}>
            {run.label} · {run.datasetName} · {run.status}
          </option>
        ))}
      </select>
    </label>
  );
}
