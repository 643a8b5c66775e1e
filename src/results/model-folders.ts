/**
 * A run folder's saved models and the fitted transform each one's inputs go through, as written
 * by run/write-run.ts: `model/` with `fitted` for one fold; `model/fold-<f>/` with
 * `folds[f].fitted` for a k-fold run; `model/member-<i>/` with `fitted` for an ensemble of trials
 * (preprocess.json `ensemble`). The run's probability is the mean of the models'.
 */
import path from 'node:path';
import type { Preprocess } from '../run/write-run.js';

export function modelFolders(dir: string, pre: Preprocess): { readonly dir: string; readonly fitted: Preprocess['fitted'] }[] {
  return modelSubfolders(pre).map((sub, k) => ({ dir: path.join(dir, sub), fitted: pre.folds && pre.folds.length > 1 ? pre.folds[k]!.fitted : pre.fitted }));
}

/** The model folders relative to the run folder (`model`, `model/fold-<f>` or `model/member-<i>`), from any parsed preprocess.json. */
export function modelSubfolders(pre: unknown): string[] {
  const p = pre as { folds?: unknown; ensemble?: { trials?: unknown } } | null;
  const members = Array.isArray(p?.ensemble?.trials) ? p.ensemble.trials.length : 0;
  if (members > 0) return Array.from({ length: members }, (_, i) => `model/member-${i}`);
  const k = Array.isArray(p?.folds) ? p.folds.length : 0;
  return k <= 1 ? ['model'] : Array.from({ length: k }, (_, f) => `model/fold-${f}`);
}
