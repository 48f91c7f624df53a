import { useEffect, useMemo, useState } from 'react';

import type { LeaderboardEntry } from '../../../engine/api.js';
import type { ScreenContext } from '../App.js';
import { api } from '../api.js';
import { formatPercent } from '../format.js';
import { RunPicker } from './RunPicker.js';

type SortKey = 'trainFitness' | 'testAccuracy' | 'occurrences' | 'firstStep' | 'template';

export function LeaderboardScreen({ context }: { context: ScreenContext }) {
  const [entries, setEntries] = useState<LeaderboardEntry[]>([]);
  const [query, setQuery] = useState('');
  const [sortKey, setSortKey] = useState<SortKey>('trainFitness');
  const [descending, setDescending] = useState(true);
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
    const filtered = needle ? entries.filter((entry) => entry.template.toLowerCase().includes(needle)) : entries;
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
      {!runId && <div className="empty-state">No runs yet. Start one on the New run screen.</div>}
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
          {visible.map((entry) => (
            <tr key={entry.template}>
              <td>
                <code>{entry.template || '(empty)'}</code>
              </td>
              <td>{formatPercent(entry.trainFitness)}</td>
              <td>{formatPercent(entry.testAccuracy)}</td>
              <td>{entry.occurrences}×</td>
              <td>{entry.firstStep}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
