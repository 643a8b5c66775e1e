/** What image and table predictions share: the model folders (model-folders.ts: one model, k-fold folds or ensemble members), the backend, one scored row, the refusal of images for a table run. Loads tfjs. */
import path from 'node:path';
import { isMulticlass } from '../core/data.js';
import { UsageError } from '../core/errors.js';
import type { BackendChoice } from '../core/spec.js';
import { argmaxClasses } from '../evaluate/multiclass-score.js';
import { initBackend } from '../learn/backend/backend.js';
import type { Preprocess } from '../run/write-run.js';
import type { PredictRow } from './predict-csv.js';
import { modelFolders } from './model-folders.js';
import { MODEL_JSON, modelDir, PREDICTIONS_FILE, PREPROCESS_FILE } from '../store/run-folder.js';

/** The run's model folders (one, k folds, or m ensemble members) with their fitted transforms. */
export { modelFolders };

export function className(pre: Preprocess, probability: number): string {
  if (probability >= pre.threshold) return pre.classes[pre.positive]!;
  return pre.classes.length === 2 ? pre.classes[1 - pre.positive]! : `not-${pre.classes[pre.positive]}`;
}

/** The run's backend, or (with a warning) the best one here when that is unavailable. */
export async function runBackend(pre: Preprocess, warnings: string[]): Promise<{ name: string }> {
  try {
    return await initBackend(pre.backend as BackendChoice);
  } catch (err) {
    // NOTE: a model trained on a native backend still loads on wasm; its probabilities may differ in the last digits.
    const backend = await initBackend('auto');
    warnings.push(`the run used the ${pre.backend} backend, which is unavailable here (${(err as Error).message}); using ${backend.name}, so probabilities may differ slightly from the run's`);
    return backend;
  }
}

/** Row `k`'s result from the models' mean probabilities (one per item, or k per item for a multi-class run). */
export function scoredRow(ref: string, probs: readonly number[], k: number, pre: Preprocess): PredictRow {
  if (!isMulticlass(pre.positive)) return { path: ref, probability: probs[k]!, prediction: className(pre, probs[k]!), error: null };
  const row = probs.slice(k * pre.classes.length, (k + 1) * pre.classes.length);
  const best = argmaxClasses(row, pre.classes.length)[0]!;
  return { path: ref, probability: row[best]!, prediction: pre.classes[best]!, error: null, classProbabilities: row };
}

/**
 * A run trained on table rows scores one CSV file; image paths have no table to read. Throws a
 * UsageError (exit 2) that says so and where the model and its transform are.
 */
export function refuseTabular(id: string, dir: string, pre: Preprocess, paths: readonly string[]): void {
  if (pre.input !== 'table') return;
  if (paths.length === 1 && /\.csv$/i.test(paths[0]!)) return;
  const columns = pre.columns ?? [];
  const shown = columns.length > 8 ? `${columns.slice(0, 8).join(', ')}, ...` : columns.join(', ');
  throw new UsageError(
    `run ${id} was trained on table rows (${columns.length} input columns: ${shown}); give it one CSV file with those columns (assay predict ${id} table.csv), not image files. `
    + `The run's transform and model are in ${modelDir(dir)}: ${PREPROCESS_FILE} lists the input columns in order `
    + `and the feature steps fitted on the training rows (one-hot categories, impute fills, normalize statistics), and ${MODEL_JSON} is the tfjs model that takes their output; `
    + `the hold-out rows' scores are in ${path.join(dir, PREDICTIONS_FILE)}.`,
  );
}
