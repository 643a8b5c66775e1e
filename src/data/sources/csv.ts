/**
 * The `csv` source: a table with a label column and an image-path column (paths relative to the
 * CSV file; id = sha256 of the image file), feature columns (id = sha256 of the row's feature
 * values; ref `row:<n>`, n the 1-based data row), or both (mixed data: ref the image path, id =
 * sha256 over the image's sha256 and the row's values). Items come in class order, then file order.
 *
 * A cell that is empty, `NA` or `NaN` (after trimming) is missing. A feature column is numeric when
 * at least half its present values parse as finite numbers (then every present value must: the
 * others are reported by row), otherwise categorical. A missing cell is allowed only in a column
 * the {@link MissingPolicy} covers (an impute step); elsewhere it is reported by row.
 *
 * Every unusable cell (value or image path) is reported the same way, `PATH line L, column NAME
 * (i): what is wrong` (cellAt), located at data.path, the key naming the file that holds it.
 */
import path from 'node:path';
import type { BadItem, Inventory, Item } from '../../core/data.js';
import { DataError, UsageError } from '../../core/errors.js';
import { readFileBounded } from '../read-file-bounded.js';
import type { CsvData } from '../../core/spec.js';
import { parseCsv, type CsvTable } from './csv-table.js';
import { NO_MISSING, classIndex, type ListOptions, type MissingPolicy } from './common.js';
import { hashFiles, sha256Hex } from './quick-check.js';
import { cellAt, checkedImageRefs, imageRef, imageRefs } from './csv-images.js';

/** True when a cell (trimmed) is a finite number. */
export function isNumber(s: string): boolean {
  return s.trim() !== '' && Number.isFinite(Number(s));
}

/**
 * What is wrong with a present cell of a numeric column that does not hold a number: the one
 * wording training (this source) and `assay predict` (results/table-input.ts) both print.
 */
export function notANumber(s: string): string {
  return `${JSON.stringify(s.trim())} is not a number (the column is numeric)`;
}

/**
 * What is wrong with a missing cell (see {@link isMissing}) of a column no impute step fills: the
 * one wording training (this source) and `assay predict` (results/table-input.ts) both print.
 */
export function missingNotImputed(s: string, column: string): string {
  const v = s.trim();
  return `${v === '' ? 'empty' : JSON.stringify(v)}, a missing value, and no impute step covers ${column}`;
}

/** The cell texts (trimmed) that mean a missing value. */
export const MISSING_VALUES: readonly string[] = ['', 'NA', 'NaN'];

/** True when a cell is a missing value. */
export function isMissing(s: string): boolean {
  return MISSING_VALUES.includes(s.trim());
}


async function loadTable(spec: CsvData, cwd: string): Promise<{ table: CsvTable; file: string }> {
  const file = path.resolve(cwd, spec.path);
  let text: string;
  try { text = (await readFileBounded(file)).toString('utf8'); } catch (err) {
    if (err instanceof UsageError) throw err;
    const e = err as NodeJS.ErrnoException;
    const reason = e.code === 'ENOENT' ? 'does not exist' : e.code === 'EACCES' ? 'is not readable (permission denied)' : `cannot be read: ${e.message}`;
    const message = `CSV file ${spec.path} ${reason}${e.code === 'ENOENT' ? ` (resolved to ${file})` : ''}`;
    throw DataError.at('data.missing', 'data.path', message, [file]);
  }
  const table = parseCsv(text, spec.path);
  if (table.rows.length === 0) throw DataError.at('data.csv', 'data.path', `${spec.path} has a header row but no data rows`);
  const wanted = [spec.label, ...(spec.image ? [spec.image] : []), ...spec.columns];
  const missing = wanted.filter((c) => !table.header.includes(c));
  const keyOf = (c: string): string => (c === spec.label ? 'data.label' : c === spec.image ? 'data.image' : 'data.columns');
  if (missing.length > 0) throw new DataError('data.csv-column', `${spec.path} lacks column(s) ${missing.join(', ')} (it has ${table.header.join(', ')})`, missing.map((c) => `missing column ${c}`), missing.map((c) => ({ at: keyOf(c), message: `${spec.path} lacks column ${c} (it has ${table.header.join(', ')})` })));
  if (!spec.image && spec.columns.length === 0) throw DataError.at('data.csv-column', 'data', `${spec.path}: name an image column or at least one feature column`);
  return { table, file };
}

interface ColumnKind { readonly name: string; readonly index: number; readonly categories: readonly string[] | null }

/** Numeric or categorical, per feature column; DataError naming rows with unusable values. */
function columnKinds(spec: CsvData, table: CsvTable, missing: MissingPolicy): ColumnKind[] {
  const problems: string[] = [];
  const kinds = spec.columns.map((name) => {
    const index = table.header.indexOf(name);
    const values = table.rows.map((r) => r[index]!);
    const present = values.filter((v) => !isMissing(v));
    const numeric = present.filter(isNumber).length * 2 >= present.length;
    const mayMiss = missing.columns.includes(name) || (numeric ? missing.numeric : missing.categorical);
    values.forEach((v, r) => {
      const at = cellAt(table, r, index);
      if (isMissing(v)) {
        if (!mayMiss) problems.push(`${at}: ${missingNotImputed(v, name)}`);
      } else if (numeric && !isNumber(v)) problems.push(`${at}: ${notANumber(v)}`);
    });
    // NOTE: the category list (code-unit order) only names the codes the table holds; which
    // categories reach the model is fitted on the training part by the one-hot step.
    const categories = numeric ? null : [...new Set(present.map((v) => v.trim()))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return { name, index, categories };
  });
  if (problems.length > 0) {
    const message = `${spec.path}: ${problems.length} unusable value(s)${problems.some((p) => p.includes('no impute step')) ? ' (a missing value is allowed only in a column an impute step covers)' : ''}`;
    // NOTE: one located problem per cell, so every line and column is printed (the CLI shows the first 100).
    throw new DataError('data.csv-value', message, problems, problems.map((p) => ({ at: 'data.path', message: `${spec.path} ${p}` })));
  }
  return kinds;
}

export async function listCsv(spec: CsvData, opts: ListOptions): Promise<Inventory> {
  const { table, file } = await loadTable(spec, opts.cwd);
  const li = table.header.indexOf(spec.label);
  const labelsSeen = [...new Set(table.rows.map((r) => r[li]!.trim()))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const classes = spec.classes ? [...spec.classes] : labelsSeen;
  const unknownRows = table.rows.flatMap((r, k) => (classes.includes(r[li]!.trim()) ? [] : [k]));
  if (unknownRows.length > 0) {
    const what = (k: number): string => `label ${JSON.stringify(table.rows[k]![li])} is not one of ${classes.join(', ')}`;
    throw new DataError('data.csv-label', `${spec.path}: ${unknownRows.length} row(s) with an unknown label`, unknownRows.map((k) => `line ${table.line[k]}: ${what(k)}`),
      unknownRows.map((k) => ({ at: 'data.path', message: `${spec.path} ${cellAt(table, k, li)}: ${what(k)}` })));
  }
  const positive = classIndex(classes, spec.positive);
  const labelOf = (k: number): number => classes.indexOf(table.rows[k]![li]!.trim());
  const rowsByClass = table.rows.map((_, k) => k).sort((a, b) => labelOf(a) - labelOf(b) || a - b);
  const items: Item[] = [];
  const skipped: BadItem[] = [];
  if (spec.image) {
    const image = spec.image;
    // Mixed data (feature columns too): an item is its image and its row, so its id covers both.
    const kinds = spec.columns.length > 0 ? columnKinds(spec, table, opts.missing ?? NO_MISSING) : null;
    const refs = await checkedImageRefs({ ...spec, image }, table, rowsByClass, path.dirname(file));
    const { outcomes } = await hashFiles(path.dirname(file), refs, opts.fingerprintCache, opts.progress);
    const ii = table.header.indexOf(image);
    const where: string[] = [];
    outcomes.forEach((o, j) => {
      const k = rowsByClass[j]!;
      if (o.sha256 === null) { skipped.push({ ref: o.ref, reason: o.reason ?? 'cannot read' }); where.push(cellAt(table, k, ii)); return; }
      const id = kinds ? sha256Hex(JSON.stringify([o.sha256, ...kinds.map((c) => table.rows[k]![c.index]!.trim())])) : o.sha256;
      items.push({ id, ref: o.ref, label: labelOf(k) });
    });
    if (skipped.length > 0 && spec.onError === 'fail') {
      const problems = skipped.map((b, j) => `${spec.path} ${where[j]}: image ${b.ref}: ${b.reason} (set data.on-error: skip to leave such rows out)`);
      throw new DataError('data.unreadable', `${skipped.length} image(s) named in ${spec.path} cannot be read`, skipped.map((b, j) => `${where[j]}: ${b.ref}: ${b.reason}`), problems.map((message) => ({ at: 'data.path', message })));
    }
  } else {
    const kinds = columnKinds(spec, table, opts.missing ?? NO_MISSING);
    for (const k of rowsByClass) {
      const values = kinds.map((c) => table.rows[k]![c.index]!.trim());
      items.push({ id: sha256Hex(JSON.stringify(values)), ref: `row:${k + 1}`, label: labelOf(k) });
    }
    opts.progress?.(items.length, items.length);
  }
  return { classes, positive, items, skipped };
}

/**
 * The feature matrix of a tabular CSV for `inventory`'s items, in inventory order, one column per
 * `spec.columns` entry: a numeric column holds its number, a categorical one the code of its value
 * in `categories[i]` (the values of the whole file in code-unit order; the one-hot step fits which
 * of them the model sees on the training part only). A missing cell is NaN.
 */
export async function readTabular(spec: CsvData, inventory: Inventory, opts: { readonly cwd: string; readonly missing?: MissingPolicy }): Promise<{ x: Float32Array; shape: [number, number]; columns: string[]; categories: (string[] | null)[] }> {
  const { table } = await loadTable(spec, opts.cwd);
  const kinds = columnKinds(spec, table, opts.missing ?? NO_MISSING);
  const columns = kinds.map((c) => c.name);
  const n = inventory.items.length, d = columns.length;
  const x = new Float32Array(n * d);
  // Mixed data: an item's ref is its image path, named on exactly one row.
  const byImage = spec.image ? new Map(imageRefs({ ...spec, image: spec.image }, table, table.rows.map((_, k) => k)).map((ref, k) => [ref, table.rows[k]!])) : null;
  inventory.items.forEach((it, i) => {
    const m = /^row:(\d+)$/.exec(it.ref);
    const row = m ? table.rows[Number(m[1]) - 1] : byImage?.get(it.ref);
    if (!row) throw new DataError('data.csv-row', `${spec.path} has no row for item ${it.ref}: the file changed since it was listed`);
    kinds.forEach((c, j) => {
      const v = row[c.index]!.trim();
      x[i * d + j] = isMissing(v) ? Number.NaN : c.categories ? c.categories.indexOf(v) : Number(v);
    });
  });
  return { x, shape: [n, d], columns, categories: kinds.map((c) => (c.categories ? [...c.categories] : null)) };
}

/**
 * The cells of `columns` (trimmed, as the CSV holds them) on the rows of the items with these refs:
 * a table item's `row:<n>`, a mixed item's image path. Undefined for a ref no row names, or when
 * the file lacks a column (it changed since it was listed).
 */
export async function readCells(spec: CsvData, refs: readonly string[], columns: readonly string[], opts: { readonly cwd: string }): Promise<(string[] | undefined)[]> {
  const { table } = await loadTable(spec, opts.cwd);
  const at = columns.map((c) => table.header.indexOf(c));
  const byImage = spec.image ? new Map(imageRefs({ ...spec, image: spec.image }, table, table.rows.map((_, k) => k)).map((ref, k) => [ref, table.rows[k]!])) : null;
  return refs.map((ref) => {
    const m = /^row:(\d+)$/.exec(ref);
    const row = m ? table.rows[Number(m[1]) - 1] : byImage?.get(ref);
    return row && at.every((i) => i >= 0) ? at.map((i) => row[i]!.trim()) : undefined;
  });
}

/**
 * The text of `column` for each of `inventory`'s items, in inventory order (for `group-by:
 * { column }`). Tabular items are matched by row (`row:<n>`), image items by their path; an item
 * whose row cannot be found gets undefined (it is then its own group).
 */
export async function readColumn(spec: CsvData, inventory: Inventory, column: string, opts: { readonly cwd: string; readonly at?: string }): Promise<(string | undefined)[]> {
  const { table } = await loadTable(spec, opts.cwd);
  const ci = table.header.indexOf(column);
  if (ci < 0) throw DataError.at('data.csv-column', opts.at ?? 'holdout.group-by.column', `${spec.path} lacks the group-by column ${column} (it has ${table.header.join(', ')})`, [`missing column ${column}`]);
  const byRef = new Map<string, string>();
  if (spec.image) {
    const ii = table.header.indexOf(spec.image);
    // NOTE: the same normalisation as the items' refs (`./a.png` and `a.png` name one image).
    for (const row of table.rows) byRef.set(imageRef(row[ii]!), row[ci]!.trim());
  }
  return inventory.items.map((it) => {
    const m = /^row:(\d+)$/.exec(it.ref);
    return m ? table.rows[Number(m[1]) - 1]?.[ci]?.trim() : byRef.get(it.ref);
  });
}
