import { useEffect, useMemo, useState } from 'react';

import type { LeaderboardEntry } from '../../../engine/api.js';
import type { ScreenContext } from '../App.js';
import { api } from '../api.js';
import { displayStep, formatPercent } from '../format.js';
import { NoRunsYet } from './NoRunsYet.js';
import { RunPicker } from './RunPicker.js';

/** Rows shown at first and added per "Show more", because a 100-step run can propose about 1000 distinct templates. */
const rowsPerPage = 100;

type SortKey = 'trainFitness' | 'testAccuracy' | 'occurrences' | 'firstStep' | 'template';

export function LeaderboardScreen({ context }: { context: ScreenContext }) {
  const [entries, setEntries] = useState<LeaderboardEntry[]>([]);
  const [query, setQuery] = useState('');
  const [sortKey, setSortKey] = useState<SortKey>('trainFitness');
  const [descending, setDescending] = useState(true);
  const [rowLimit, setRowLimit] = useState(rowsPerPage);
  const runId = context.selectedRunId ?? context.runs[0]?.id ?? null;
  const { reportError } = context;

  useEffect(() => {
    if (!runId) {
      setEntries([]);
      return;
    }
    api.getLeaderboard(runId).then(setEntries).catch(reportError);
  }, [runId, reportError]);

  const visible = useMemo(() => {
    const needle = query.trim().toLowerCase();
    const filtered = needle
      ? entries.filter((entry) => entry.template.toLowerCase().includes(needle))
      : entries;
    const sign = descending ? -1 : 1;
    return [...filtered].sort((left, right) => {
      const a = left[sortKey];
      const b = right[sortKey];
      if (typeof a === 'string' && typeof b === 'string') {
        return sign * a.localeCompare(b);
      }
      return sign * ((a ?? -1) as number) - sign * ((b ?? -1) as number);
    });
  }, [entries, query, sortKey, descending]);

  function header(key: SortKey, label: string) {
    const active = sortKey === key;
    return (
      <th aria-sort={active ? (descending ? 'descending' : 'ascending') : 'none'}>
        <button
          type="button"
          className="link"
          onClick={() => {
            setDescending(active ? !descending : true);
            setSortKey(key);
          }}
        >
          {label}
          {active ? (descending ? ' ▼' : ' ▲') : ''}
        </button>
      </th>
    );
  }

  if (context.runs.length === 0) {
    return (
      <section aria-labelledby="leaderboard-title">
        <h2 id="leaderboard-title">Leaderboard</h2>
        <NoRunsYet
          context={context}
          purpose="This screen ranks every template a run proposed by train fitness, with test accuracy where measured."
        />
      </section>
    );
  }

  return (
    <section aria-labelledby="leaderboard-title">
      <h2 id="leaderboard-title">Leaderboard</h2>
      <div className="toolbar">
        <RunPicker context={context} />
        <input
          type="search"
          name="template-search"
          aria-label="Search templates"
          placeholder="Search templates"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
        />
        <span className="muted">
          {visible.length} of {entries.length} distinct templates (duplicates collapsed)
        </span>
      </div>
      <table className="table" data-testid="leaderboard">
        <thead>
          <tr>
            {header('template', 'Template')}
            {header('trainFitness', 'Train fitness')}
            {header('testAccuracy', 'Test accuracy')}
            {header('occurrences', 'Proposed')}
            {header('firstStep', 'First step')}
          </tr>
        </thead>
        <tbody>
          {visible.slice(0, rowLimit).map((entry) => (
            <tr key={entry.template}>
              <td>
                <code>{entry.template || '(empty)'}</code>
              </td>
              <td>{formatPercent(entry.trainFitness)}</td>
              <td>{formatPercent(entry.testAccuracy)}</td>
              <td>{entry.occurrences}×</td>
              <td>{displayStep(entry.firstStep)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {visible.length > rowLimit && (
        <button type="button" onClick={() => setRowLimit((limit) => limit + rowsPerPage)}>
          Show {Math.min(rowsPerPage, visible.length - rowLimit)} more ({visible.length - rowLimit} hidden)
        </button>
      )}
    </section>
  );
}
