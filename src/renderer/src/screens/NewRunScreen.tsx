import { useEffect, useRef, useState, type KeyboardEvent } from 'react';

import type { DatasetSummary, RunSettingSpec } from '../../../engine/api.js';
import type { ScreenContext } from '../App.js';
import { api } from '../api.js';
import { defaultFormValues, parseSettingsForm, type FormValues } from '../settings-form.js';

/** Settings the form fills from the chosen dataset until the user edits them. */
type DatasetField = 'datasetName' | 'datasetDescription';

function datasetDefaults(dataset: DatasetSummary | undefined): Record<DatasetField, string> {
  return { datasetName: dataset?.name ?? '', datasetDescription: dataset?.description ?? '' };
}

function SettingField({
  spec,
  value,
  error,
  onChange,
  onSubmitShortcut,
}: {
  spec: RunSettingSpec;
  value: string;
  error: string | undefined;
  onChange(value: string): void;
  onSubmitShortcut(): void;
}) {
  const helpId = `help-${spec.key}`;
  const errorId = `error-${spec.key}`;
  const common = {
    id: `setting-${spec.key}`,
    name: spec.key,
    value,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': error ? `${errorId} ${helpId}` : helpId,
  };
  let control;
  if (spec.kind === 'choice') {
    control = (
      <select {...common} onChange={(event) => onChange(event.target.value)}>
        {spec.choices?.map((choice) => (
          <option key={choice} value={choice}>
            {choice}
          </option>
        ))}
      </select>
    );
  } else if (spec.kind === 'long-text') {
    // Enter adds a line to the paragraph, so Ctrl+Enter (Cmd+Enter) submits, as in most editors.
    const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        onSubmitShortcut();
      }
    };
    control = (
      <textarea
        {...common}
        rows={3}
        placeholder={spec.placeholder}
        onKeyDown={onKeyDown}
        onChange={(event) => onChange(event.target.value)}
      />
    );
  } else {
    const inputModes = { number: 'decimal', text: 'text', integer: 'numeric', layer: 'numeric' } as const;
    control = (
      <input
        {...common}
        inputMode={inputModes[spec.kind]}
        placeholder={spec.placeholder}
        onChange={(event) => onChange(event.target.value)}
      />
    );
  }
  const defaultText =
    spec.kind === 'text' || spec.kind === 'long-text' ? '' : ` Default: ${String(spec.defaultValue)}.`;
  return (
    <div className={spec.kind === 'long-text' ? 'setting setting-wide' : 'setting'}>
      <label className="setting-label" htmlFor={common.id}>
        {spec.label}
      </label>
      {control}
      <span className="muted" id={helpId}>
        {spec.explanation}
        {defaultText}
        {spec.kind === 'long-text' && ' Ctrl+Enter starts the run.'}
      </span>
      {error && (
        <span className="field-error" id={errorId}>
          {error}
        </span>
      )}
    </div>
  );
}

export function NewRunScreen({ context }: { context: ScreenContext }) {
  const [specs, setSpecs] = useState<RunSettingSpec[]>([]);
  const [datasets, setDatasets] = useState<DatasetSummary[]>([]);
  const [datasetId, setDatasetId] = useState('');
  const [label, setLabel] = useState('');
  const [values, setValues] = useState<FormValues>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [edited, setEdited] = useState<Set<DatasetField>>(new Set());
  const [starting, setStarting] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const { reportError } = context;

  useEffect(() => {
    Promise.all([api.getRunSettingSpecs(), api.listDatasets()])
      .then(([loadedSpecs, loadedDatasets]) => {
        const first = loadedDatasets[0];
        setSpecs(loadedSpecs);
        setValues({ ...defaultFormValues(loadedSpecs), ...datasetDefaults(first) });
        setDatasets(loadedDatasets);
        setDatasetId(first?.id ?? '');
      })
      .catch(reportError);
  }, [reportError]);

  function chooseDataset(id: string) {
    setDatasetId(id);
    // Follow the dataset in the name and description fields, unless the user typed their own.
    const defaults = datasetDefaults(datasets.find((dataset) => dataset.id === id));
    setValues((current) => ({
      ...current,
      ...(edited.has('datasetName') ? {} : { datasetName: defaults.datasetName }),
      ...(edited.has('datasetDescription') ? {} : { datasetDescription: defaults.datasetDescription }),
    }));
  }

  function change(key: string, value: string) {
    setValues((current) => ({ ...current, [key]: value }));
    if (key === 'datasetName' || key === 'datasetDescription') {
      setEdited((current) => new Set(current).add(key));
    }
    if (errors[key]) {
      setErrors(({ [key]: _fixed, ...rest }) => rest);
    }
  }

  async function start() {
    const parsed = parseSettingsForm(specs, values, { layerCount: context.info?.llm?.layerCount ?? null });
    setErrors(parsed.errors);
    if (!parsed.settings) {
      // Put the cursor on the first bad field, so a keyboard user can fix it at once.
      const firstBad = specs.find((spec) => parsed.errors[spec.key]);
      if (firstBad) {
        const field = formRef.current?.querySelector<HTMLElement>(`[name="${firstBad.key}"]`);
        field?.closest('details')?.setAttribute('open', '');
        field?.focus();
      }
      return;
    }
    setStarting(true);
    try {
      const run = await api.startRun({
        datasetId,
        settings: parsed.settings,
        ...(label.trim() ? { label: label.trim() } : {}),
      });
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
  const errorCount = Object.keys(errors).length;
  const field = (spec: RunSettingSpec) => (
    <SettingField
      key={spec.key}
      spec={spec}
      value={values[spec.key] ?? ''}
      error={errors[spec.key]}
      onChange={(value) => change(spec.key, value)}
      onSubmitShortcut={() => formRef.current?.requestSubmit()}
    />
  );

  return (
    <section aria-labelledby="new-run-title">
      <h2 id="new-run-title">New run</h2>
      {datasets.length === 0 && (
        <div className="empty-state">
          Add a dataset first, then come back here.{' '}
          <button type="button" onClick={() => context.go('datasets')}>
            Go to Datasets
          </button>
        </div>
      )}
      {missingModels && (
        <p className="warning">
          Choose the LLM and the VLM before starting.{' '}
          <button type="button" onClick={() => context.go('models')}>
            Go to Models
          </button>
        </p>
      )}
      <form
        ref={formRef}
        className="settings-form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void start();
        }}
      >
        <div className="setting">
          <label className="setting-label" htmlFor="setting-dataset">
            Dataset
          </label>
          <select
            id="setting-dataset"
            name="dataset"
            value={datasetId}
            onChange={(event) => chooseDataset(event.target.value)}
          >
            {datasets.map((dataset) => (
              <option key={dataset.id} value={dataset.id}>
                {dataset.name} ({dataset.classCount} classes)
              </option>
            ))}
          </select>
          <span className="muted">The images whose classes the templates must name.</span>
        </div>
        <div className="setting">
          <label className="setting-label" htmlFor="setting-label">
            Label
          </label>
          <input
            id="setting-label"
            name="label"
            value={label}
            onChange={(event) => setLabel(event.target.value)}
            placeholder="optional"
          />
          <span className="muted">A name for this run in the lists and the comparison.</span>
        </div>
        {specs.filter((spec) => !spec.advanced).map(field)}
        {specs.some((spec) => spec.advanced) && (
          <details className="advanced">
            <summary>Advanced: LLM sampling</summary>
            {specs.filter((spec) => spec.advanced).map(field)}
          </details>
        )}
        {errorCount > 0 && (
          <p className="form-error" role="alert">
            {errorCount === 1 ? 'One setting is invalid' : `${errorCount} settings are invalid`}; fix the
            marked {errorCount === 1 ? 'field' : 'fields'} and start again.
          </p>
        )}
        <div className="form-actions">
          <button type="submit" className="primary" disabled={starting || datasetId === ''}>
            {starting ? 'Starting…' : 'Start run'}
          </button>
          <span className="muted">Enter in any one-line field starts the run.</span>
        </div>
      </form>
    </section>
  );
}
