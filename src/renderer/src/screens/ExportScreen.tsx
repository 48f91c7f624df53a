import { useState } from 'react';

import type { ExportFormat, ExportedFile } from '../../../engine/api.js';
import type { ScreenContext } from '../App.js';
import { api } from '../api.js';
import { NoRunsYet } from './NoRunsYet.js';
import { RunPicker } from './RunPicker.js';

const formats: { format: ExportFormat; label: string; what: string }[] = [
  {
    format: 'json',
    label: 'JSON',
    what: 'The whole run: settings, steps, candidates, guidance and results.',
  },
  { format: 'csv', label: 'CSV', what: 'One row per candidate with step, template, fitness and rejection.' },
  { format: 'templates', label: 'Template list', what: 'Distinct templates, best first, one per line.' },
  {
    format: 'clip-benchmark',
    label: 'CLIP_benchmark templates',
    what: 'A custom-templates JSON file for CLIP_benchmark.',
  },
];

export function ExportScreen({ context }: { context: ScreenContext }) {
  const [preview, setPreview] = useState<ExportedFile | null>(null);
  const [notice, setNotice] = useState('');
  const runId = context.selectedRunId ?? context.runs[0]?.id ?? null;

  async function exportAs(format: ExportFormat, action: 'download' | 'copy') {
    if (!runId) {
      return;
    }
    try {
      const file = await api.exportRun({ runId, format });
      setPreview(file);
      if (action === 'copy') {
        await navigator.clipboard.writeText(file.content);
        setNotice(`Copied ${file.fileName} to the clipboard.`);
        return;
      }
      // A blob URL download keeps the renderer away from the file system.
      const url = URL.createObjectURL(new Blob([file.content], { type: file.mimeType }));
      const link = document.createElement('a');
      link.href = url;
      link.download = file.fileName;
      link.click();
      URL.revokeObjectURL(url);
      setNotice(`Saved ${file.fileName}.`);
    } catch (caught) {
      context.reportError(caught);
    }
  }

  return (
    <section aria-labelledby="export-title">
      <h2 id="export-title">Export</h2>
      {runId ? (
        <RunPicker context={context} />
      ) : (
        <NoRunsYet
          context={context}
          purpose="This screen saves a run's templates and results as JSON, CSV or template lists."
        />
      )}
      {runId && (
        <ul className="export-list">
          {formats.map((entry) => (
            <li key={entry.format}>
              <button type="button" onClick={() => void exportAs(entry.format, 'download')}>
                Export {entry.label}
              </button>
              <span className="muted">{entry.what}</span>
            </li>
          ))}
          <li>
            <button type="button" onClick={() => void exportAs('templates', 'copy')}>
              Copy template list
            </button>
            <span className="muted">Puts the template list on the clipboard.</span>
          </li>
        </ul>
      )}
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {preview && (
        <>
          <h3>{preview.fileName}</h3>
          <pre className="preview" data-testid="export-preview">
            {preview.content.slice(0, 4000)}
          </pre>
        </>
      )}
    </section>
  );
}
