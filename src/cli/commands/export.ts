/** `glov export`: write a run's best templates in a format other tools read. */
import { writeFileSync } from 'node:fs';

import type { ExportFormat } from '../../engine/api.js';
import { GlovError } from '../../engine/errors.js';
import { renderExport } from '../../engine/service/exports.js';
import { getRun } from '../../engine/store/queries.js';
import { choiceOption, parseCommandLine, stringOption, type OptionSpecs } from '../options.js';
import { dbOptionHelp, openStoreOption } from '../store-option.js';

export const exportHelp = `Usage: glov export RUN_ID [--format F] [--output FILE]

Export a run. Formats:
  json            run summary, selected templates and accuracies (fractions, as CLIP_benchmark's acc1)
  csv             every candidate of every step, with a header row
  templates       the selected templates, one per line
  clip-benchmark  {"<dataset>": [templates]}, for CLIP_benchmark's --custom_template_file

  --format F             one of the formats above (default json)
  --output FILE          write to FILE instead of stdout
${dbOptionHelp}`;

const formats = ['json', 'csv', 'templates', 'clip-benchmark'] as const satisfies readonly ExportFormat[];

const options: OptionSpecs = {
  format: { type: 'string' },
  output: { type: 'string' },
  db: { type: 'string' },
};

export async function exportCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandLine('export', argv, options);
  const format = choiceOption(values, 'format', formats) ?? 'json';
  const runId = Number(positionals[0]);
  const { store } = openStoreOption(stringOption(values, 'db'));
  try {
    const run = Number.isInteger(runId) ? getRun(store, runId) : null;
    if (!run) {
      throw new GlovError(`Run '${positionals[0] ?? ''}' not found.`, {
        code: 'run-not-found',
        hint: "Pass a run id from 'glov runs'.",
      });
    }
    const file = renderExport(store, run, format);
    const output = stringOption(values, 'output');
    if (output) {
      try {
        writeFileSync(output, file.content);
      } catch (cause) {
        throw new GlovError(`Failed to write ${output}: ${(cause as Error).message}.`, {
          code: 'export-write-failed',
          hint: 'Pass --output with a file path in a writable folder.',
          cause,
        });
      }
      process.stderr.write(`wrote ${output} (${format})\n`);
    } else {
      process.stdout.write(file.content);
    }
    return 0;
  } finally {
    store.close();
  }
}
