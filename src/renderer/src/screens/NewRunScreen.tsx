import { useEffect, useState } from 'react';

import type { DatasetSummary, RunSettingSpec, RunSettings } from '../../../engine/api.js';
import type { ScreenContext } from '../App.js';
import { api } from '../api.js';

export function NewRunScreen({ context }: { context: ScreenContext }) {
  const [specs, setSpecs] = useState<RunSettingSpec[]>([]);
  const [datasets, setDatasets] = useState<DatasetSummary[]>([]);
  const [datasetId, setDatasetId] = useState('');
  const [label, setLabel] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const [starting, setStarting] = useState(false);
  const { reportError } = context;

  useEffect(() => {
    Promise.all([api.getRunSettingSpecs(), api.listDatasets()])
      .then(([loadedSpecs, loadedDatasets]) => {
        setSpecs(loadedSpecs);
        setValues(Object.fromEntries(loadedSpecs.map((spec) => [spec.key, String(spec.defaultValue)])));
        setDatasets(loadedDatasets);
        setDatasetId((current) => current || (loadedDatasets[0]?.id ?? ''));
      })
      .catch(reportError);
  }, [reportError]);

  function settingsFromForm(): RunSettings {
    const settings: Record<string, unknown> = {};
    for (const spec of specs) {
      const raw = (values[spec.key] ?? '').trim();
      if (spec.kind === 'choice') {
        settings[spec.key] = raw;
      } else if (spec.kind === 'layer') {
        settings[spec.key] = raw === '' || raw === 'auto' ? 'auto' : Number(raw);
      } else {
        settings[spec.key] = Number(raw);
      }
    }
    return settings as unknown as RunSettings;
  }

  async function start() {
    setStarting(true);
    try {
      const run = await api.startRun({ datasetId, settings: settingsFromForm(), ...(label.trim() ? { label: label.trim() } : {}) });
      context.selectRun(run.id);
      await context.refreshRuns();
      context.go('live');
    } catch (caught) {
      reportError(caught);
    } finally {
      setStarting(false);
    }
  }

  const missingModels = !context.info?.llm || !context.info?.vlm;

  return (
    <section aria-labelledby="new-run-title">
      <h2 id="new-run-title">New run</h2>
      {datasets.length === 0 && (
        <div className="empty-state">Add a dataset first (Datasets screen), then come back here.</div>
      )}
      {missingModels && <p className="warning">Choose the LLM and the VLM on the Models screen before starting.</p>}
      <form
        className="settings-form"
        onSubmit={(event) => {
          event.preventDefault();
          void start();
        }}
      >
        <label className="setting">
          <span className="setting-label">Dataset</span>
          <select name="dataset" value={datasetId} onChange={(event) => setDatasetId(event.target.value)}>
            {datasets.map((dataset) => (
              <option key={dataset.id} value={dataset.id}>
                {dataset.name} ({dataset.classCount} classes)
              </option>
            ))}
          </select>
          <span className="muted">The images whose classes the templates must name.</span>
        </label>
        <label className="setting">
          <span className="setting-label">Label</span>
          <input name="label" value={label} onChange={(event) => setLabel(event.target.value)} placeholder="optional" />
          <span className="muted">A name for this run in the lists and the comparison.</span>
        </label>
        {specs.map((spec) => (
          <label key={spec.key} className="setting">
            <span className="setting-label">{spec.label}</span>
            {spec.kind === 'choice' ? (
              <select
                name={spec.key}
                value={values[spec.key] ?? ''}
                onChange={(event) => setValues({ ...values, [spec.key]: event.target.value })}
              >
                {spec.choices?.map((choice) => (
                  <option key={choice} value={choice}>
                    {choice}
                  </option>
                ))}
              </select>
            ) : (
              <input
                name={spec.key}
                inputMode={spec.kind === 'number' ? 'decimal' : 'numeric'}
                value={values[spec.key] ?? ''}
                onChange={(event) => setValues({ ...values, [spec.key]: event.target.value })}
              />
            )}
            <span className="muted">
              {spec.explanation} Default: {String(spec.defaultValue)}.
            </span>
          </label>
        ))}
        <button type="submit" disabled={starting || datasetId === ''}>
          {starting ? 'Starting…' : 'Start run'}
        </button>
      </form>
    </section>
  );
}
