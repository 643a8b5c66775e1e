/** What image and table predictions share: the backend and one scored row. Loads tfjs. */
import { isMulticlass } from '../core/data.js';
import type { BackendChoice } from '../core/spec.js';
import { argmaxClasses } from '../evaluate/multiclass-score.js';
import { initBackend } from '../learn/backend/backend.js';
import type { Preprocess } from '../run/write-run.js';
import type { PredictRow } from './predict-csv.js';

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
