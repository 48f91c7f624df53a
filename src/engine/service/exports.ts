/**
 * Export of a run in the CLI's formats, as a file the renderer can save or copy.
 *
 * The content comes from the engine's export module, so the app and
 * `glov export` write the same bytes.
 */
import type { ExportFormat, ExportedFile } from '../api.js';
import { GlovError } from '../errors.js';
import {
  bestTemplates,
  exportCandidatesCsv,
  exportClipBenchmarkTemplates,
  exportRunJson,
  exportTemplateList,
} from '../export/formats.js';
import type { Store } from '../store/database.js';
import type { RunRow } from '../store/queries.js';

function baseName(run: RunRow): string {
  const slug = `${run.datasetName}-run-${run.id}`.toLowerCase().replace(/[^a-z0-9._-]+/g, '-');
  return slug.replace(/^-+|-+$/g, '') || `run-${run.id}`;
}

export function renderExport(store: Store, run: RunRow, format: ExportFormat): ExportedFile {
  const name = baseName(run);
  switch (format) {
    case 'json':
      return {
        fileName: `${name}.json`,
        mimeType: 'application/json',
        content: `${JSON.stringify(exportRunJson(store, run.id), null, 2)}\n`,
      };
    case 'csv':
      return { fileName: `${name}.csv`, mimeType: 'text/csv', content: exportCandidatesCsv(store, run.id) };
    case 'templates':
      return {
        fileName: `${name}-templates.txt`,
        mimeType: 'text/plain',
        content: exportTemplateList(bestTemplates(store, run.id)),
      };
    case 'clip-benchmark':
      return {
        fileName: `${name}-clip-benchmark.json`,
        mimeType: 'application/json',
        content: exportClipBenchmarkTemplates(run.datasetName, bestTemplates(store, run.id)),
      };
    default:
      throw new GlovError(`Unknown export format: ${String(format)}.`, {
        code: 'export-unknown-format',
        hint: 'Use one of json, csv, templates, clip-benchmark.',
      });
  }
}
