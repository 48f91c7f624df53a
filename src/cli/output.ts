/**
 * Printing helpers: results go to stdout (plain or JSON), progress to stderr,
 * so `glov ... --json | jq` sees only the result.
 */

/** Write a value as pretty JSON on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Write one line of human-readable output on stdout. */
export function printLine(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** Write one progress line on stderr unless quiet. */
export function progress(quiet: boolean, line: string): void {
  if (!quiet) {
    process.stderr.write(`${line}\n`);
  }
}

/** Format a percentage with one decimal, or a dash when missing. */
export function percent(value: number | null | undefined): string {
  return value === null || value === undefined ? '-' : `${value.toFixed(1)}%`;
}

/** Render rows as a left-aligned text table with a header line. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const render = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [render(header), render(widths.map((width) => '-'.repeat(width))), ...rows.map(render)].join('\n');
}
