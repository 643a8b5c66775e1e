/**
 * Table rows for `assay predict RUN table.csv`: a CSV read with the project's reader and encoded
 * into the model's input columns exactly as the run's csv source encoded its training table: a
 * numeric column as its number, a categorical one as `name=value` one-hot columns. A category the
 * run never saw becomes an all-zero code (counted, for a warning); a missing column is a usage
 * error naming the header; an empty or non-numeric value in a numeric column fails that row only,
 * located at its file line and column. Pure: no tfjs. (encodeRows reads runs whose table held the
 * one-hot columns; codeRows, runs whose feature steps code categorical columns.)
 */
import { UsageError } from '../core/errors.js';
import { parseCsv } from '../data/sources/csv-table.js';
import { isMissing, isNumber, missingNotImputed, notANumber } from '../data/sources/csv.js';
import { cellAt } from '../data/sources/csv-images.js';

/** One source column and how it is encoded: numeric (categories null) or one-hot over `categories`. */
export interface SourceColumn {
  readonly name: string;
  readonly categories: readonly string[] | null;
}

/**
 * The run's source columns from its pipeline's `data.columns` and its model input columns
 * (preprocess.json `columns`): a source column the model takes by its own name is numeric, one it
 * takes as `name=value` columns is categorical over those values, in model-column order.
 */
export function sourceColumns(dataColumns: readonly string[], modelColumns: readonly string[]): SourceColumn[] {
  const out = dataColumns.map((name): SourceColumn => {
    if (modelColumns.includes(name)) return { name, categories: null };
    const categories = modelColumns.filter((c) => c.startsWith(`${name}=`)).map((c) => c.slice(name.length + 1));
    return { name, categories };
  });
  const encoded = out.flatMap((c) => (c.categories === null ? [c.name] : c.categories.map((v) => `${c.name}=${v}`)));
  if (encoded.join('\n') !== modelColumns.join('\n')) {
    throw new Error(`the run's input columns (${modelColumns.join(', ')}) do not follow from its data columns (${dataColumns.join(', ')})`);
  }
  return out;
}

export interface EncodedRows {
  /** Encoded rows that can be scored, [good.length, d] row-major. */
  readonly x: Float32Array;
  /** One entry per data row, in file order: its ref (`FILE:LINE`) and an error, or null when it is in `x`. */
  readonly rows: readonly { readonly ref: string; readonly error: string | null }[];
  /** Per categorical column: values never seen in training (sorted) and how many rows held one. */
  readonly unseen: readonly { readonly column: string; readonly values: readonly string[]; readonly rows: number }[];
}

/** Encode the CSV `text` (named `name` in messages and refs) for a model over `columns`. */
export function encodeRows(text: string, name: string, columns: readonly SourceColumn[]): EncodedRows {
  const table = parseCsv(text, name);
  const missing = columns.filter((c) => !table.header.includes(c.name)).map((c) => c.name);
  if (missing.length > 0) {
    throw new UsageError(`${name} lacks column(s) ${missing.join(', ')} that the run's model takes (the file has ${table.header.join(', ') || 'no columns'})`);
  }
  const at = columns.map((c) => table.header.indexOf(c.name));
  const d = columns.reduce((n, c) => n + (c.categories === null ? 1 : c.categories.length), 0);
  const values: number[] = [];
  const rows: { ref: string; error: string | null }[] = [];
  const unseen = columns.map(() => ({ values: new Set<string>(), rows: 0 }));
  table.rows.forEach((cells, r) => {
    const ref = `${name}:${table.line[r]}`;
    const problems: string[] = [];
    const row = new Array<number>(d).fill(0);
    let o = 0;
    columns.forEach((c, k) => {
      const v = cells[at[k]!]!.trim();
      if (c.categories === null) {
        if (!isNumber(v)) problems.push(`${cellAt(table, r, at[k]!)}: ${isMissing(v) ? missingNotImputed(v, c.name) : notANumber(v)}`);
        else row[o] = Number(v);
        o++;
        return;
      }
      const i = c.categories.indexOf(v);
      if (i >= 0) row[o + i] = 1;
      else { unseen[k]!.values.add(v); unseen[k]!.rows++; }
      o += c.categories.length;
    });
    if (problems.length > 0) { rows.push({ ref, error: problems.join('; ') }); return; }
    values.push(...row);
    rows.push({ ref, error: null });
  });
  return {
    x: Float32Array.from(values),
    rows,
    unseen: columns.flatMap((c, k) => (unseen[k]!.rows === 0 ? [] : [{ column: c.name, values: [...unseen[k]!.values].sort(), rows: unseen[k]!.rows }])),
  };
}

/** One data column as a run's fitted steps take it: categorical (coded by a one-hot step) or numeric, and whether an impute step fills it. */
export interface DataColumn {
  readonly name: string;
  readonly categorical: boolean;
  readonly mayMiss: boolean;
}

export interface CodedRows {
  /** Rows that can be scored, [good.length, columns.length]: numbers, category codes, NaN where missing. */
  readonly x: Float32Array;
  /** Per column: the category list its codes index (categorical columns), else null. */
  readonly categories: readonly (readonly string[] | null)[];
  readonly rows: EncodedRows['rows'];
  /** Per column: each present value of the scored rows (categorical columns; else empty), for counting unseen categories. */
  readonly values: readonly (readonly string[])[];
}

/**
 * Read the CSV `text` into the data columns a run's feature steps take (runs that one-hot code
 * their categorical columns in the steps). Missing cells (empty, NA, NaN) are NaN in a column an
 * impute step fills and fail the row elsewhere, as does a non-numeric value in a numeric column.
 * `fills`: per column, categories the steps may write (impute fills), added to its category list.
 */
export function codeRows(text: string, name: string, columns: readonly DataColumn[], fills: ReadonlyMap<string, readonly string[]>): CodedRows {
  const table = parseCsv(text, name);
  const missing = columns.filter((c) => !table.header.includes(c.name)).map((c) => c.name);
  if (missing.length > 0) {
    throw new UsageError(`${name} lacks column(s) ${missing.join(', ')} that the run's model takes (the file has ${table.header.join(', ') || 'no columns'})`);
  }
  const at = columns.map((c) => table.header.indexOf(c.name));
  const categories = columns.map((c, k) => (c.categorical
    ? [...new Set([...table.rows.map((r) => r[at[k]!]!.trim()).filter((v) => !isMissing(v)), ...(fills.get(c.name) ?? [])])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    : null));
  const x: number[] = [];
  const rows: { ref: string; error: string | null }[] = [];
  const values = columns.map((): string[] => []);
  table.rows.forEach((cells, r) => {
    const problems: string[] = [];
    const row = columns.map((c, k) => {
      const v = cells[at[k]!]!.trim();
      const where = cellAt(table, r, at[k]!);
      if (isMissing(v)) {
        if (!c.mayMiss) problems.push(`${where}: ${missingNotImputed(v, c.name)}`);
        return Number.NaN;
      }
      if (categories[k]) return categories[k]!.indexOf(v);
      if (!isNumber(v)) problems.push(`${where}: ${notANumber(v)}`);
      return Number(v);
    });
    rows.push({ ref: `${name}:${table.line[r]}`, error: problems.length > 0 ? problems.join('; ') : null });
    if (problems.length > 0) return;
    x.push(...row);
    columns.forEach((c, k) => { if (categories[k] && !isMissing(cells[at[k]!]!)) values[k]!.push(cells[at[k]!]!.trim()); });
  });
  return { x: Float32Array.from(x), categories, rows, values };
}
