/**
 * Shell of the workbench: navigation, the shared error banner and the screen in view.
 *
 * Keys: Alt+1 … Alt+7 switch screens, so the app works without a mouse. After a
 * switch, focus moves to the new screen's heading, so Tab continues inside it.
 */
import { useCallback, useEffect, useRef, useState } from 'react';

import type { AppInfo, RunSummary } from '../../engine/api.js';
import { api, errorText } from './api.js';
import { CompareScreen } from './screens/CompareScreen.js';
import { DatasetsScreen } from './screens/DatasetsScreen.js';
import { ExportScreen } from './screens/ExportScreen.js';
import { LeaderboardScreen } from './screens/LeaderboardScreen.js';
import { LiveRunScreen } from './screens/LiveRunScreen.js';
import { ModelsScreen } from './screens/ModelsScreen.js';
import { NewRunScreen } from './screens/NewRunScreen.js';

export type ScreenId = 'datasets' | 'models' | 'new-run' | 'live' | 'leaderboard' | 'compare' | 'export';

const screens: { id: ScreenId; label: string }[] = [
  { id: 'datasets', label: 'Datasets' },
  { id: 'models', label: 'Models' },
  { id: 'new-run', label: 'New run' },
  { id: 'live', label: 'Live run' },
  { id: 'leaderboard', label: 'Leaderboard' },
  { id: 'compare', label: 'Compare' },
  { id: 'export', label: 'Export' },
];

/** Shared state and actions handed to every screen. */
export interface ScreenContext {
  info: AppInfo | null;
  runs: RunSummary[];
  selectedRunId: string | null;
  selectRun(runId: string | null): void;
  refreshRuns(): Promise<void>;
  refreshInfo(): Promise<void>;
  go(screen: ScreenId): void;
  reportError(error: unknown): void;
}

export function App() {
  const [screen, setScreen] = useState<ScreenId>('datasets');
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [runs, setRuns] = useState<RunSummary[]>([]);
  const [selectedRunId, setSelectedRunId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const mainRef = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

  const reportError = useCallback((caught: unknown) => setError(errorText(caught)), []);
  const refreshRuns = useCallback(async () => {
    try {
      setRuns(await api.listRuns());
    } catch (caught) {
      reportError(caught);
    }
  }, [reportError]);
  const refreshInfo = useCallback(async () => {
    try {
      setInfo(await api.getAppInfo());
    } catch (caught) {
      reportError(caught);
    }
  }, [reportError]);

  useEffect(() => {
    void refreshInfo();
    void refreshRuns();
    return api.onRunEvent((event) => {
      if (event.type === 'run-status' || event.type === 'run-finished' || event.type === 'step-finished') {
        void refreshRuns();
      }
    });
  }, [refreshInfo, refreshRuns]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const index = Number(event.key) - 1;
      if (event.altKey && index >= 0 && index < screens.length) {
        event.preventDefault();
        setScreen(screens[index]!.id);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    const heading = mainRef.current?.querySelector<HTMLElement>('h2');
    if (heading) {
      heading.tabIndex = -1;
      heading.focus();
    }
  }, [screen]);

  const context: ScreenContext = {
    info,
    runs,
    selectedRunId,
    selectRun: setSelectedRunId,
    refreshRuns,
    refreshInfo,
    go: setScreen,
    reportError,
  };

  return (
    <div className="app">
      <nav className="sidebar" aria-label="Screens">
        <h1>GLOV Workbench</h1>
        {screens.map((entry, index) => (
          <button
            key={entry.id}
            type="button"
            className={entry.id === screen ? 'nav active' : 'nav'}
            aria-current={entry.id === screen ? 'page' : undefined}
            onClick={() => setScreen(entry.id)}
            title={`Alt+${index + 1}`}
          >
            {entry.label}
          </button>
        ))}
        <p className="shortcut-hint">Alt+1 … Alt+7 switch screens.</p>
        <p className="transport">
          {info ? `Transport: ${info.transport === 'ipc' ? 'desktop' : 'browser bridge'}` : ''}
        </p>
      </nav>
      <main className="content" ref={mainRef}>
        {error && (
          <div className="error-banner" role="alert">
            <pre>{error}</pre>
            <button type="button" onClick={() => setError(null)}>
              Dismiss
            </button>
          </div>
        )}
        {screen === 'datasets' && <DatasetsScreen context={context} />}
        {screen === 'models' && <ModelsScreen context={context} />}
        {screen === 'new-run' && <NewRunScreen context={context} />}
        {screen === 'live' && <LiveRunScreen context={context} />}
        {screen === 'leaderboard' && <LeaderboardScreen context={context} />}
        {screen === 'compare' && <CompareScreen context={context} />}
        {screen === 'export' && <ExportScreen context={context} />}
      </main>
    </div>
  );
}
