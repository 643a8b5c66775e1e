/**
 * The model folders every `assay predict` path (images, table rows, mixed rows) loads, and the
 * folders `diff` / `rerun --check` compare: one model, k fold models each with its fold's fitted
 * transform, or m ensemble members sharing the run's fitted transform.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelFolders, modelSubfolders } from '../../../src/results/model-folders.js';
import { modelFolders as scoreFolders } from '../../../src/results/predict-score.js';
import type { Preprocess } from '../../../src/run/write-run.js';

const fitted = (tag: string) => ({ steps: [], tag }) as unknown as Preprocess['fitted'];
const pre = (extra: Partial<Preprocess>) => ({ fitted: fitted('run'), ...extra }) as Preprocess;

describe('modelFolders', () => {
  it('gives model/ with the run transform for one fold', () => {
    expect(modelFolders('/r', pre({}))).toEqual([{ dir: path.join('/r', 'model'), fitted: fitted('run') }]);
    expect(modelSubfolders({ folds: [{}] })).toEqual(['model']);
  });

  it("gives model/fold-<f>/ with each fold's own transform for a k-fold run", () => {
    const folds = [0, 1, 2].map((f) => ({ fitted: fitted(`fold-${f}`) })) as unknown as Preprocess['folds'];
    const got = modelFolders('/r', pre({ folds }));
    expect(got.map((m) => m.dir)).toEqual([0, 1, 2].map((f) => path.join('/r', 'model', `fold-${f}`)));
    expect(got.map((m) => (m.fitted as unknown as { tag: string }).tag)).toEqual(['fold-0', 'fold-1', 'fold-2']);
  });

  it('gives model/member-<i>/ with the run transform for an ensemble, best first', () => {
    const got = modelFolders('/r', pre({ ensemble: { trials: [4, 1] } }));
    expect(got.map((m) => m.dir)).toEqual([path.join('/r', 'model', 'member-0'), path.join('/r', 'model', 'member-1')]);
    expect(got.every((m) => (m.fitted as unknown as { tag: string }).tag === 'run')).toBe(true);
    expect(modelSubfolders({ ensemble: { trials: [4, 1] } })).toEqual(['model/member-0', 'model/member-1']);
  });

  it('is the one table, mixed and image prediction load', () => {
    expect(scoreFolders).toBe(modelFolders);
  });
});
