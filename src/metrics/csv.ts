/**
 * RFC 4180 CSV for metrics output (docs/metrics.md#csv): CRLF line ends, a field quoted
 * when it holds a comma, a quote, CR or LF, quotes doubled. A text cell that a
 * spreadsheet would run as a formula (it begins with `=`, `+`, `-`, `@`, a tab or a
 * carriage return) is written with a leading apostrophe, so it shows as the text it is.
 * Numbers are written as numbers: tally makes them, and a negative number is not a
 * formula. Pure.
 */

/** A cell: text (escaped), a number, or nothing (an empty cell). */
export type CsvCell = string | number | null;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(cell: CsvCell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') {
    if (!Number.isFinite(cell)) throw new RangeError(`a CSV number must be finite, got ${String(cell)}`);
    return String(cell);
  }
  const inert = FORMULA_START.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]/.test(inert) ? `"${inert.replaceAll('"', '""')}"` : inert;
}

/** The whole document: the header row, then one row per record, each line ended by CRLF. */
export function csvDocument(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  for (const [index, row] of rows.entries()) {
    if (row.length !== header.length) throw new RangeError(`CSV row ${index + 1} has ${row.length} cells, the header ${header.length}`);
  }
  return [header, ...rows].map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}
