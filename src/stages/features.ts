/**
 * Stage `features`: turns decoded images into model-ready tensors for each fold. Pixel steps
 * (normalize, edges) are FITTED ON THE TRAINING ROWS ONLY and applied to train and validation;
 * the fitted record is kept so evaluation and `assay predict` apply exactly the same transform.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ImageBlock, Inventory } from '../core/data.js';
import type { FeatureStep } from '../core/spec.js';
import { applyPixelSteps, fitPixelSteps, toFloat, type FittedPixelSteps } from '../features/index.js';
import { writeTensor } from '../store/tensor-file.js';
import type { FoldIndices } from './split.js';
import type { StageDef } from './stage.js';

export interface FeaturesInput {
  readonly inventory: Inventory;
  /** Decoded images of every inventory item, in inventory order. */
  readonly block: ImageBlock<Uint8Array>;
  readonly folds: readonly FoldIndices[];
  readonly pixelSteps: readonly FeatureStep[];
  readonly upstream: { readonly decode: string; readonly split: string };
}

export interface FoldTensors {
  /** Tensor-file prefixes (see store/tensor-file.ts). */
  readonly trainX: string;
  readonly trainY: string;
  readonly valX: string;
  readonly valY: string;
  readonly fitted: FittedPixelSteps;
}

export interface FeaturesOutput {
  readonly folds: readonly FoldTensors[];
  /** Shape of one example, e.g. [64, 64, 1]. */
  readonly exampleShape: readonly number[];
}

interface FeaturesMeta {
  readonly folds: number;
  readonly exampleShape: number[];
}

/** Gather rows of a uint8 NHWC block into a new block. */
export function gatherRows(block: ImageBlock<Uint8Array>, rows: readonly number[]): ImageBlock<Uint8Array> {
  const size = block.height * block.width * block.channels;
  const data = new Uint8Array(rows.length * size);
  rows.forEach((r, i) => data.set(block.data.subarray(r * size, (r + 1) * size), i * size));
  return { count: rows.length, height: block.height, width: block.width, channels: block.channels, data };
}

export function labelsOf(inventory: Inventory, rows: readonly number[]): Uint8Array {
  return Uint8Array.from(rows, (r) => inventory.items[r]!.label);
}

/** Decoded rows -> model input, with already-fitted pixel steps. */
export function transformRows(block: ImageBlock<Uint8Array>, rows: readonly number[], fitted: FittedPixelSteps): ImageBlock<Float32Array> {
  return applyPixelSteps(fitted, toFloat(gatherRows(block, rows)));
}

export const featuresStage: StageDef<FeaturesInput, FeaturesOutput, FeaturesMeta> = {
  name: 'features',
  version: 1,
  fingerprint: (input) => ({ params: { steps: input.pixelSteps }, upstream: input.upstream, seed: null }),
  async execute(input, dir, ctx) {
    let exampleShape: number[] = [];
    for (const [f, fold] of input.folds.entries()) {
      const fdir = path.join(dir, `fold${f}`);
      await mkdir(fdir, { recursive: true });
      const trainFloat = toFloat(gatherRows(input.block, fold.train));
      const fitted = fitPixelSteps(input.pixelSteps, trainFloat);
      const train = applyPixelSteps(fitted, trainFloat);
      const val = transformRows(input.block, fold.validation, fitted);
      exampleShape = [train.height, train.width, train.channels];
      await writeTensor(path.join(fdir, 'train.x'), train.data, [train.count, ...exampleShape]);
      await writeTensor(path.join(fdir, 'train.y'), labelsOf(input.inventory, fold.train), [fold.train.length]);
      await writeTensor(path.join(fdir, 'val.x'), val.data, [val.count, ...exampleShape]);
      await writeTensor(path.join(fdir, 'val.y'), labelsOf(input.inventory, fold.validation), [fold.validation.length]);
      await writeFile(path.join(fdir, 'fitted.json'), JSON.stringify(fitted));
      ctx.progress.tick(f + 1, input.folds.length, 'folds');
    }
    return { folds: input.folds.length, exampleShape };
  },
  async load(dir, meta) {
    const folds: FoldTensors[] = [];
    for (let f = 0; f < meta.folds; f++) {
      const fdir = path.join(dir, `fold${f}`);
      folds.push({
        trainX: path.join(fdir, 'train.x'),
        trainY: path.join(fdir, 'train.y'),
        valX: path.join(fdir, 'val.x'),
        valY: path.join(fdir, 'val.y'),
        fitted: JSON.parse(await readFile(path.join(fdir, 'fitted.json'), 'utf8')) as FittedPixelSteps,
      });
    }
    return { folds, exampleShape: meta.exampleShape };
  },
};
