/**
 * A small RFC 4180 reader: comma-separated fields, optional double quotes ("" inside quotes is a
 * quote), quoted fields may hold commas and line breaks, CRLF or LF line ends, a trailing line
 * break allowed. Written here rather than added as a dependency: it is 40 lines and fully tested.
 */
import { DataError } from '../../core/errors.js';

export interface CsvTable {
  readonly header: readonly string[];
  /** Data rows; `line[i]` is the 1-based file line where row i starts (the header is line 1). */
  readonly rows: readonly (readonly string[])[];
  readonly line: readonly number[];
}

/**
 * Parse CSV text. `formulaEscaped`: the text was written with {@link csvCell} (assay's own
 * predictions.csv), so the quote it put before a formula-like cell is taken off again.
 */
export function parseCsv(text: string, name: string, opts: { readonly formulaEscaped?: boolean } = {}): CsvTable {
  const records: string[][] = [];
  const starts: number[] = [];
  let field = '', record: string[] = [], i = 0, line = 1, recordLine = 1, quoted = false, any = false;
  const n = text.charCodeAt(0) === 0xfeff ? (i = 1, text.length) : text.length;
  const endRecord = (): void => { record.push(field); records.push(record); starts.push(recordLine); record = []; field = ''; any = false; };
  while (i < n) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
        quoted = false; i++; continue;
      }
      if (c === '\n') line++;
      field += c; i++; continue;
    }
    if (c === '"' && field === '') { quoted = true; any = true; i++; continue; }
    if (c === ',') { record.push(field); field = ''; any = true; i++; continue; }
    if (c === '\r' || c === '\n') {
      if (any || field !== '' || record.length > 0) endRecord();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++; recordLine = line; continue;
    }
    field += c; any = true; i++;
  }
  // NOTE: located at data.path, the key naming the file (for a run; other callers print the message).
  if (quoted) throw DataError.at('data.csv', 'data.path', `${name}: a quoted field starting on line ${recordLine} is never closed`);
  if (any || field !== '' || record.length > 0) endRecord();
  if (records.length === 0) throw DataError.at('data.csv', 'data.path', `${name} is empty (no header row)`);
  const header = records[0]!.map((h) => h.trim());
  const bad = records.slice(1).flatMap((r, k) => (r.length === header.length ? [] : [`line ${starts[k + 1]}: ${r.length} fields, the header has ${header.length}`]));
  if (bad.length > 0) throw new DataError('data.csv', `${name}: ${bad.length} row(s) do not match the header`, bad, bad.map((b) => ({ at: 'data.path', message: `${name} ${b}` })));
  const rows = opts.formulaEscaped ? records.slice(1).map((r) => r.map(unescapeFormula)) : records.slice(1);
  return { header, rows, line: starts.slice(1) };
}

// NOTE: a spreadsheet runs a cell starting with =, +, -, @, tab or CR as a formula (CSV injection).
// Such a cell, or one that only looks escaped ('=...), is written with one more leading quote; the
// reader takes exactly one off, so every string reads back as it was.
const FORMULA_LIKE = /^'*[=+\-@\t\r]/;
const ESCAPED_FORMULA = /^'+[=+\-@\t\r]/;

function unescapeFormula(cell: string): string {
  return ESCAPED_FORMULA.test(cell) ? cell.slice(1) : cell;
}

/**
 * One CSV cell as written: a leading `'` when it would read as a spreadsheet formula (starts with
 * =, +, -, @, tab or CR), then quoted when it holds a comma, a quote or a line break (RFC 4180).
 * `parseCsv(..., { formulaEscaped: true })` reads it back to `s`.
 */
export function csvCell(s: string): string {
  const safe = FORMULA_LIKE.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
