/**
 * A run folder's saved models and the fitted transform each one's inputs go through (the layout
 * is the run folder's, store/run-folder/model.ts): `model/` with `fitted` for one fold;
 * `model/fold-<f>/` with `folds[f].fitted` for a k-fold run; `model/member-<i>/` with `fitted`
 * for an ensemble of trials (preprocess.json `ensemble`). The run's probability is the mean of the
 * models'.
 */
import path from 'node:path';
import type { Preprocess } from '../run/write-run.js';
import { modelSubfolders } from '../store/run-folder.js';

export { modelSubfolders };

export function modelFolders(dir: string, pre: Preprocess): { readonly dir: string; readonly fitted: Preprocess['fitted'] }[] {
  return modelSubfolders(pre).map((sub, k) => ({ dir: path.join(dir, sub), fitted: pre.folds && pre.folds.length > 1 ? pre.folds[k]!.fitted : pre.fitted }));
}
