/**
 * Stage `resample`: rebalances the TRAINING part of each fold only (validation and hold-out keep
 * the original class distribution, always). Methods that do not copy rows (none, class-weights,
 * balanced-batches) point at the features stage's tensors instead of duplicating them.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Rng } from '../core/rng.js';
import type { ResampleSpec } from '../core/spec.js';
import { resample } from '../data/resample/index.js';
import { readTensor, writeTensor } from '../store/tensor-file.js';
import type { FoldTensors } from './features.js';
import type { StageDef } from './stage.js';

export interface ResampleInput {
  readonly folds: readonly FoldTensors[];
  readonly spec: ResampleSpec;
  readonly classes: readonly string[];
  readonly seed: number;
  readonly upstream: { readonly features: string };
}

export interface ResampledFold {
  readonly trainX: string;
  readonly trainY: string;
  readonly classWeights: readonly number[] | null;
  readonly balancedBatches: { readonly ratio: number } | null;
  /** Class counts of the training part before and after resampling. */
  readonly before: readonly number[];
  readonly after: readonly number[];
}

export interface ResampleOutput {
  readonly folds: readonly ResampledFold[];
}

interface FoldMeta {
  readonly copied: boolean;
  readonly classWeights: number[] | null;
  readonly balancedBatches: { ratio: number } | null;
  readonly before: number[];
  readonly after: number[];
}

const copiesRows = (spec: ResampleSpec): boolean =>
  spec.method === 'random-oversample' || spec.method === 'random-undersample' || spec.method === 'smote';

export const resampleStage: StageDef<ResampleInput, ResampleOutput, { folds: FoldMeta[] }> = {
  name: 'resample',
  version: 1,
  fingerprint: (input) => ({ params: input.spec, upstream: input.upstream, seed: input.seed }),
  async execute(input, dir) {
    const folds: FoldMeta[] = [];
    for (const [f, fold] of input.folds.entries()) {
      const x = await readTensor(fold.trainX);
      const y = await readTensor(fold.trainY);
      const rng = new Rng(input.seed).child('resample').child(f);
      const out = resample(input.spec, { x: x.data as Float32Array, shape: x.header.shape, y: y.data as Uint8Array }, input.classes.length, rng, input.classes);
      const copied = copiesRows(input.spec);
      if (copied) {
        const fdir = path.join(dir, `fold${f}`);
        await mkdir(fdir, { recursive: true });
        await writeTensor(path.join(fdir, 'train.x'), out.x, out.shape);
        await writeTensor(path.join(fdir, 'train.y'), out.y, [out.y.length]);
      }
      folds.push({ copied, classWeights: out.classWeights, balancedBatches: out.balancedBatches, before: out.before, after: out.after });
    }
    await writeFile(path.join(dir, 'resample.json'), JSON.stringify({ folds }, null, 1));
    return { folds };
  },
  async load(dir, meta, input) {
    const stored = JSON.parse(await readFile(path.join(dir, 'resample.json'), 'utf8')) as { folds: FoldMeta[] };
    return {
      folds: stored.folds.map((m, f) => ({
        trainX: m.copied ? path.join(dir, `fold${f}`, 'train.x') : input.folds[f]!.trainX,
        trainY: m.copied ? path.join(dir, `fold${f}`, 'train.y') : input.folds[f]!.trainY,
        classWeights: m.classWeights,
        balancedBatches: m.balancedBatches,
        before: m.before,
        after: m.after,
      })),
    };
  },
};
