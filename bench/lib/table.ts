/**
 * Plain-text output of benchmark tables: GitHub Markdown and RFC 4180 CSV.
 */

/** A table as header cells plus rows of cells, all already formatted as text. */
export interface TextTable {
  header: readonly string[];
  rows: ReadonlyArray<readonly string[]>;
}

function checkWidths(table: TextTable): void {
  for (const [index, row] of table.rows.entries()) {
    if (row.length !== table.header.length) {
      throw new RangeError(`Row ${index} has ${row.length} cells, but the header has ${table.header.length}.`);
    }
  }
}

/** Escape a cell for a Markdown table: pipes are escaped and line breaks become spaces. */
export function markdownCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Render a Markdown table; the first column is left-aligned and the others right-aligned. */
export function toMarkdown(table: TextTable): string {
  checkWidths(table);
  const line = (cells: readonly string[]) => `| ${cells.map(markdownCell).join(' | ')} |`;
  const rule = `|${table.header.map((_, index) => (index === 0 ? '---' : '---:')).join('|')}|`;
  return [line(table.header), rule, ...table.rows.map(line)].join('\n') + '\n';
}

/** Quote a CSV field when it contains a comma, a quote or a line break; quotes are doubled. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Render CSV with CRLF line ends, as RFC 4180 specifies. */
export function toCsv(table: TextTable): string {
  checkWidths(table);
  const line = (cells: readonly string[]) => cells.map(csvField).join(',');
  return [line(table.header), ...table.rows.map(line)].join('\r\n') + '\r\n';
}
