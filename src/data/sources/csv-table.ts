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

export function parseCsv(text: string, name: string): CsvTable {
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
  if (quoted) throw new DataError('data.csv', `${name}: a quoted field starting on line ${recordLine} is never closed`);
  if (any || field !== '' || record.length > 0) endRecord();
  if (records.length === 0) throw new DataError('data.csv', `${name} is empty (no header row)`);
  const header = records[0]!.map((h) => h.trim());
  const bad = records.slice(1).flatMap((r, k) => (r.length === header.length ? [] : [`line ${starts[k + 1]}: ${r.length} fields, the header has ${header.length}`]));
  if (bad.length > 0) throw new DataError('data.csv', `${name}: ${bad.length} row(s) do not match the header`, bad);
  return { header, rows: records.slice(1), line: starts.slice(1) };
}

/** One CSV cell as written: quoted when it holds a comma, a quote or a line break (RFC 4180). */
export function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
