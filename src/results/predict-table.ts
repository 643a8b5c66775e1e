/**
 * `assay predict RUN table.csv`: score the rows of one CSV with a tabular run. The rows are read
 * as the run read its table (table-input.ts), then go through each fold's fitted steps (impute,
 * one-hot, ...) and model, averaged. A row with an unusable value gets an error row, located at
 * its line and column; categories the training part never held are coded all-zero and counted in
 * one warning per column. Loads tfjs.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isMulticlass } from '../core/data.js';
import { AssayError, UsageError } from '../core/errors.js';
import { applyTable, tableContext, type FittedPixelStep } from '../features/index.js';
import { meanProbabilities } from '../learn/fold-aggregate.js';
import { loadModel } from '../learn/model-io.js';
import { predictProbabilities } from '../learn/train-ops.js';
import type { Preprocess } from '../run/write-run.js';
import type { PredictRow } from './predict-csv.js';
import { modelFolders, refuseTabular, runBackend, scoredRow } from './predict-score.js';
import type { PredictResult } from './predict.js';
import { readLock } from '../store/run-folder.js';
import { codeRows, encodeRows, sourceColumns } from './table-input.js';

/** The rows ready for the models: x [n, d] and the context the fitted steps take it with. */
export interface Prepared {
  readonly x: Float32Array;
  readonly d: number;
  readonly context?: ReturnType<typeof tableContext>;
  readonly rows: readonly { readonly ref: string; readonly error: string | null }[];
  readonly warnings: string[];
}

function unseenWarning(column: string, values: readonly string[], rows: number): string {
  return `column ${column}: ${rows} row(s) hold categories the run never saw (${values.map((v) => JSON.stringify(v)).join(', ')}); they are coded all-zero`;
}

/** Runs whose steps code categorical columns: data columns in, one-hot and impute from the fitted steps. */
function prepareCoded(text: string, file: string, dataColumns: readonly string[], fitted: readonly (readonly FittedPixelStep[])[]): Prepared {
  const all = fitted.flat();
  const oneHot = all.flatMap((s) => (s.kind === 'one-hot' ? s.names.map((n, k) => ({ n, cats: s.categories[k]! })) : []));
  const imputed = new Set(all.flatMap((s) => (s.kind === 'impute' ? s.names : [])));
  const fills = new Map<string, string[]>();
  for (const s of all) if (s.kind === 'impute') s.names.forEach((n, k) => { const f = s.fill[k]; if (typeof f === 'string') fills.set(n, [...(fills.get(n) ?? []), f]); });
  const columns = dataColumns.map((name) => ({ name, categorical: oneHot.some((o) => o.n === name), mayMiss: imputed.has(name) }));
  const coded = codeRows(text, file, columns, fills);
  const warnings: string[] = [];
  columns.forEach((c, k) => {
    // NOTE: a category counts as seen only when every fold's training part held it (each fold model codes the others all-zero).
    const seenByAll = (v: string): boolean => oneHot.filter((o) => o.n === c.name).every((o) => o.cats.includes(v));
    const unseen = coded.values[k]!.filter((v) => !seenByAll(v));
    if (unseen.length > 0) warnings.push(unseenWarning(c.name, [...new Set(unseen)].sort(), unseen.length));
  });
  return { x: coded.x, d: columns.length, context: tableContext(dataColumns, dataColumns, coded.categories), rows: coded.rows, warnings };
}

/** Runs whose table held `name=value` one-hot columns (before one-hot was a step). */
function prepareLegacy(text: string, file: string, dataColumns: readonly string[], modelColumns: readonly string[]): Prepared {
  const encoded = encodeRows(text, file, sourceColumns(dataColumns, modelColumns));
  return { x: encoded.x, d: modelColumns.length, rows: encoded.rows, warnings: encoded.unseen.map((u) => unseenWarning(u.column, u.values, u.rows)) };
}

/**
 * The CSV `text`'s rows as a run's table steps take them (tabular runs, and the row part of mixed
 * runs): `modelColumns` is preprocess.json `columns`, `fitted` each model's table steps. A run
 * whose model columns are `name=value` one-hot columns (before one-hot was a step) gets them so.
 */
export function prepareRows(text: string, file: string, dataColumns: readonly string[], modelColumns: readonly string[], fitted: readonly (readonly FittedPixelStep[])[]): Prepared {
  const legacy = modelColumns.some((c) => !dataColumns.includes(c));
  return legacy ? prepareLegacy(text, file, dataColumns, modelColumns) : prepareCoded(text, file, dataColumns, fitted);
}

/** Score the rows of the CSV `paths[0]` with a tabular run. */
export async function predictTable(run: { id: string; dir: string }, pre: Preprocess, paths: readonly string[], cwd: string): Promise<PredictResult> {
  refuseTabular(run.id, run.dir, pre, paths);
  const file = paths[0]!;
  const lock = await readLock(run.dir);
  const dataColumns = (lock.pipeline as { data?: { columns?: unknown } } | undefined)?.data?.columns;
  if (!Array.isArray(dataColumns)) throw new AssayError('predict.lock', `run ${run.id}'s lock.json does not record its data columns`);
  let text: string;
  try { text = await readFile(path.resolve(cwd, file), 'utf8'); } catch (err) {
    throw new UsageError(`${file} cannot be read: ${(err as Error).message}`);
  }
  const models = modelFolders(run.dir, pre);
  const prepared = prepareRows(text, file, dataColumns as string[], pre.columns ?? [], models.map((m) => m.fitted.steps));
  const warnings = [...prepared.warnings];
  const backend = await runBackend(pre, warnings);
  const { d } = prepared;
  const n = prepared.x.length / d;
  const perModel: Float32Array[] = [];
  for (const m of models) {
    const model = await loadModel(m.dir);
    try {
      // NOTE: each fold's steps give its own width (a k-fold run's folds may have fitted different categories).
      const x = applyTable(m.fitted, prepared.x, d, prepared.context);
      // NOTE: the labels only feed the loss, which is not used here.
      perModel.push(predictProbabilities(model, x.data, [x.d], new Uint8Array(n), pre.classes.length, pre.positive).probs);
    } finally {
      model.dispose();
    }
  }
  const probs = n > 0 ? meanProbabilities(perModel) : [];
  let k = 0;
  const rows = prepared.rows.map((r): PredictRow => (r.error !== null ? { path: r.ref, probability: null, prediction: null, error: r.error } : scoredRow(r.ref, probs, k++, pre)));
  return {
    run, classes: pre.classes, positive: isMulticlass(pre.positive) ? null : pre.classes[pre.positive]!, threshold: pre.threshold,
    backend: backend.name, rows, failed: rows.filter((r) => r.error !== null).length, warnings,
    conversion: null,
  };
}
