/**
 * The image column of a CSV: each row's path, checked before anything is read. A path must be
 * relative and stay inside the CSV file's folder (`../../etc/passwd` and `/etc/passwd` are
 * refused, whatever `on-error` says), and so must the file it names once symbolic links are
 * followed (a link in the folder that points outside it is refused the same way); with feature
 * columns too (mixed data) each image may be named once, so an item's row is found by its path.
 * Problems are located at the file line and the column (`line 7, column file (2): ...`).
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { DataError } from '../../core/errors.js';
import type { CsvData } from '../../core/spec.js';
import type { CsvTable } from './csv-table.js';

/** Where a cell is, as messages say it: `line 7, column file (2)`. */
export function cellAt(table: CsvTable, row: number, column: number): string {
  return `line ${table.line[row]}, column ${table.header[column]} (${column + 1})`;
}

/** The `/`-separated form of an image cell's path (relative to the CSV's folder). */
export function imageRef(raw: string): string {
  return path.posix.normalize(raw.trim().split(path.sep).join('/'));
}

/** Why an image cell cannot name an image (empty, absolute, or leaving the CSV's folder), or null. */
export function imagePathProblem(raw: string): string | null {
  const ref = imageRef(raw);
  if (raw.trim() === '') return 'the image path is empty';
  if (raw.includes('\0')) return `image path ${JSON.stringify(raw.trim())} holds a NUL character (no file name can)`;
  if (path.posix.isAbsolute(ref) || path.win32.isAbsolute(raw.trim()) || ref === '..' || ref.startsWith('../')) {
    return `image path ${JSON.stringify(raw.trim())} leaves the CSV file's folder (paths are relative to it and must stay inside)`;
  }
  return null;
}

/**
 * Why the image at `ref` (an imageRef that passed imagePathProblem) leaves `folder` once symbolic
 * links are followed, or null. `realFolder` is `realpath(folder)`. A path that does not resolve
 * (missing, a dangling link) is not this check's concern: reading it fails and says so.
 */
export async function realPathProblem(folder: string, realFolder: string, ref: string, raw: string): Promise<string | null> {
  let real: string;
  try { real = await realpath(path.join(folder, ref)); } catch { return null; }
  const rel = path.relative(realFolder, real);
  if (rel !== '' && !rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel)) return null;
  return `image path ${JSON.stringify(raw.trim())} is a symbolic link (or passes through one) to ${real}, outside the CSV file's folder (images must stay inside it, links followed)`;
}

/**
 * For each row of `rows` (row indices into `table`), the problem of realPathProblem, checked 64 at
 * a time; rows whose path already has a problem (imagePathProblem) are skipped.
 */
export async function realPathProblems(folder: string, table: CsvTable, ii: number, rows: readonly number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  let realFolder: string;
  try { realFolder = await realpath(folder); } catch { return out; }
  const todo = rows.filter((k) => imagePathProblem(table.rows[k]![ii]!) === null);
  for (let s = 0; s < todo.length; s += 64) {
    const batch = todo.slice(s, s + 64);
    const found = await Promise.all(batch.map((k) => realPathProblem(folder, realFolder, imageRef(table.rows[k]![ii]!), table.rows[k]![ii]!)));
    batch.forEach((k, j) => { if (found[j] !== null) out.set(k, found[j]!); });
  }
  return out;
}

/**
 * The image column's paths for `rows` (in that order), `/`-separated: imageRefs, after refusing
 * (a located DataError, every row at once) any path whose real path leaves `folder`.
 */
export async function checkedImageRefs(spec: CsvData & { readonly image: string }, table: CsvTable, rows: readonly number[], folder: string): Promise<string[]> {
  const refs = imageRefs(spec, table, rows);
  const ii = table.header.indexOf(spec.image);
  const outside = await realPathProblems(folder, table, ii, [...rows].sort((a, b) => a - b));
  if (outside.size > 0) {
    const problems = [...outside].map(([k, p]) => `${cellAt(table, k, ii)}: ${p}`);
    throw new DataError('data.csv-value', `${spec.path}: ${problems.length} unusable image path(s)`, problems, problems.map((message) => ({ at: 'data.path', message: `${spec.path} ${message}` })));
  }
  return refs;
}

/**
 * The image column's path for `rows` (in that order), `/`-separated. Throws a located DataError
 * (every problem, in file order) for an empty path, one that leaves the CSV's folder, and (mixed
 * data) an image named on an earlier line too.
 */
export function imageRefs(spec: CsvData & { readonly image: string }, table: CsvTable, rows: readonly number[]): string[] {
  const ii = table.header.indexOf(spec.image);
  const problems: string[] = [];
  const mixed = spec.columns.length > 0;
  // The first row, in file order, naming each image.
  const first = new Map<string, number>();
  table.rows.forEach((r, k) => { const ref = imageRef(r[ii]!); if (!first.has(ref)) first.set(ref, k); });
  for (const k of [...rows].sort((a, b) => a - b)) {
    const raw = table.rows[k]![ii]!;
    const ref = imageRef(raw);
    const problem = imagePathProblem(raw);
    if (problem !== null) problems.push(`${cellAt(table, k, ii)}: ${problem}`);
    else if (mixed && first.get(ref) !== k) {
      problems.push(`${cellAt(table, k, ii)}: image ${JSON.stringify(raw.trim())} is already named on line ${table.line[first.get(ref)!]} (with feature columns, each image is one item: name it once)`);
    }
  }
  if (problems.length > 0) throw new DataError('data.csv-value', `${spec.path}: ${problems.length} unusable image path(s)`, problems, problems.map((message) => ({ at: 'data.path', message: `${spec.path} ${message}` })));
  return rows.map((k) => imageRef(table.rows[k]![ii]!));
}
