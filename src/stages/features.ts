/**
 * Stage `features`: turns decoded data into model-ready tensors for each fold. Fitted steps
 * (normalize, edges) are FITTED ON THE TRAINING ROWS ONLY and applied to train and validation;
 * the fitted record is kept so evaluation and `assay predict` apply exactly the same transform.
 * Images become float blocks [n, h, w, c] (bytes / 255 first); a table stays [n, d].
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ImageBlock, Inventory, MixedLayout } from '../core/data.js';
import { DataError } from '../core/errors.js';
import type { FeatureStep } from '../core/spec.js';
import { applyPixelSteps, applyTable, fitPixelSteps, fitTabular, tableContext, toFloat, type FittedPixelSteps } from '../features/index.js';
import { writeTensor } from '../store/tensor-file.js';
import type { Decoded, Table } from './decode.js';
import type { FoldIndices } from './split.js';
import { fitMixedRows, transformMixedRows } from './features-mixed.js';
import type { StageDef } from './stage.js';

export interface FeaturesInput {
  readonly inventory: Inventory;
  /** Decoded images or table of every inventory item, in inventory order. */
  readonly decoded: Decoded;
  readonly folds: readonly FoldIndices[];
  readonly pixelSteps: readonly FeatureStep[];
  readonly upstream: { readonly decode: string; readonly split: string };
  /** A csv source's `data.columns` (which model columns are numeric, for table steps); the decode key covers them. */
  readonly dataColumns?: readonly string[];
}

export interface FoldTensors {
  /** Tensor-file prefixes (see store/tensor-file.ts). */
  readonly trainX: string;
  readonly trainY: string;
  readonly valX: string;
  readonly valY: string;
  readonly fitted: FittedPixelSteps;
  /** Mixed data: how each packed example holds its image and its row. */
  readonly layout?: MixedLayout;
}

export interface FeaturesOutput {
  readonly folds: readonly FoldTensors[];
  /** Shape of one example, e.g. [64, 64, 1] for images or [5] for a table of 5 columns. */
  readonly exampleShape: readonly number[];
  /** Mixed data: each example packs an image and a row so (its exampleShape is [values]). */
  readonly layout?: MixedLayout;
}

interface FeaturesMeta {
  readonly folds: number;
  readonly exampleShape: number[];
  readonly layout?: MixedLayout;
  /** Mixed data, per fold (folds may fit different categories, so rows of different widths). */
  readonly layouts?: MixedLayout[];
}

/** Model input rows: `data` holds `rows.length` examples of `exampleShape`. */
export interface ModelRows {
  readonly data: Float32Array;
  readonly exampleShape: readonly number[];
  /** Mixed data: how each packed example holds its image and its row. */
  readonly layout?: MixedLayout;
}

/** Gather rows of a uint8 NHWC block into a new block. */
export function gatherRows(block: ImageBlock<Uint8Array>, rows: readonly number[]): ImageBlock<Uint8Array> {
  const size = block.height * block.width * block.channels;
  const data = new Uint8Array(rows.length * size);
  rows.forEach((r, i) => data.set(block.data.subarray(r * size, (r + 1) * size), i * size));
  return { count: rows.length, height: block.height, width: block.width, channels: block.channels, data };
}

/** Gather rows of a table into a new row-major array [rows.length, d]. */
export function gatherTableRows(table: Table, rows: readonly number[]): Float32Array {
  const d = table.columns.length;
  const data = new Float32Array(rows.length * d);
  rows.forEach((r, i) => data.set(table.data.subarray(r * d, (r + 1) * d), i * d));
  return data;
}

export function labelsOf(inventory: Inventory, rows: readonly number[]): Uint8Array {
  return Uint8Array.from(rows, (r) => inventory.items[r]!.label);
}

/**
 * Fit the steps on the decoded rows `rows` (the training rows; callers never pass others) and
 * transform those rows with them. Images are fitted as floats in [0, 1]; a table column by column
 * (tabular steps: normalize, identity; others throw a DataError).
 */
export function fitTrainRows(decoded: Decoded, rows: readonly number[], steps: readonly FeatureStep[], dataColumns?: readonly string[]): { readonly fitted: FittedPixelSteps; readonly train: ModelRows } {
  switch (decoded.kind) {
    case 'images': {
      const raw = toFloat(gatherRows(decoded.block, rows));
      const fitted = fitPixelSteps(steps, raw);
      const x = applyPixelSteps(fitted, raw);
      return { fitted, train: { data: x.data, exampleShape: [x.height, x.width, x.channels] } };
    }
    case 'table': {
      const d = decoded.table.columns.length;
      const raw = gatherTableRows(decoded.table, rows);
      const { columns, categories } = decoded.table;
      const fitted = fitTabular(steps, raw, d, columns, dataColumns, categories);
      const out = applyTable(fitted, raw, d, tableContext(columns, dataColumns, categories));
      return { fitted, train: { data: out.data, exampleShape: [out.d] } };
    }
    case 'mixed': return fitMixedRows(decoded, rows, steps, dataColumns);
    default: return decoded satisfies never;
  }
}

/** Decoded rows -> model input, with already-fitted steps (the one transform train, validation, hold-out and the report share). */
export function transformRows(decoded: Decoded, rows: readonly number[], fitted: FittedPixelSteps, dataColumns?: readonly string[]): ModelRows {
  switch (decoded.kind) {
    case 'images': {
      const x = applyPixelSteps(fitted, toFloat(gatherRows(decoded.block, rows)));
      return { data: x.data, exampleShape: [x.height, x.width, x.channels] };
    }
    case 'table': {
      const d = decoded.table.columns.length;
      const out = applyTable(fitted, gatherTableRows(decoded.table, rows), d, tableContext(decoded.table.columns, dataColumns, decoded.table.categories));
      return { data: out.data, exampleShape: [out.d] };
    }
    case 'mixed': return transformMixedRows(decoded, rows, fitted, dataColumns);
    default: return decoded satisfies never;
  }
}

/** Decoded image rows -> the block the model sees (the report's "as the model saw it" view). */
export function transformImageRows(block: ImageBlock<Uint8Array>, rows: readonly number[], fitted: FittedPixelSteps): ImageBlock<Float32Array> {
  return applyPixelSteps(fitted, toFloat(gatherRows(block, rows)));
}

/**
 * Run `fit`; a feature step the data does not fit (a DataError `data.features-*`: a categorical
 * column for a numeric step, a missing value left unfilled, ...) is located at `features`, so the
 * run is refused there (exit 2) rather than failed.
 */
function atFeatures<T>(fit: () => T): T {
  try {
    return fit();
  } catch (err) {
    if (err instanceof DataError && err.problems.length === 0 && err.code.startsWith('data.features')) {
      throw DataError.at(err.code, 'features', err.message, err.details);
    }
    throw err;
  }
}

export const featuresStage: StageDef<FeaturesInput, FeaturesOutput, FeaturesMeta> = {
  name: 'features',
  version: 1,
  fingerprint: (input) => ({ params: { steps: input.pixelSteps }, upstream: input.upstream, seed: null }),
  async execute(input, dir, ctx) {
    let exampleShape: readonly number[] = [];
    let layout: MixedLayout | undefined;
    const layouts: MixedLayout[] = [];
    for (const [f, fold] of input.folds.entries()) {
      const fdir = path.join(dir, `fold${f}`);
      await mkdir(fdir, { recursive: true });
      // NOTE: fitted on the fold's training rows alone; validation (and later the hold-out) only
      // receive the fitted record.
      const { fitted, train, val } = atFeatures(() => {
        const fit = fitTrainRows(input.decoded, fold.train, input.pixelSteps, input.dataColumns);
        return { ...fit, val: transformRows(input.decoded, fold.validation, fit.fitted, input.dataColumns) };
      });
      exampleShape = train.exampleShape;
      layout = train.layout;
      if (layout) layouts.push(layout);
      await writeTensor(path.join(fdir, 'train.x'), train.data, [fold.train.length, ...exampleShape]);
      await writeTensor(path.join(fdir, 'train.y'), labelsOf(input.inventory, fold.train), [fold.train.length]);
      await writeTensor(path.join(fdir, 'val.x'), val.data, [fold.validation.length, ...exampleShape]);
      await writeTensor(path.join(fdir, 'val.y'), labelsOf(input.inventory, fold.validation), [fold.validation.length]);
      await writeFile(path.join(fdir, 'fitted.json'), JSON.stringify(fitted));
      ctx.progress.tick(f + 1, input.folds.length, 'folds');
    }
    return { folds: input.folds.length, exampleShape: [...exampleShape], ...(layout ? { layout, layouts } : {}) };
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
        ...(meta.layout ? { layout: meta.layouts?.[f] ?? meta.layout } : {}),
      });
    }
    return { folds, exampleShape: meta.exampleShape, ...(meta.layout ? { layout: meta.layout } : {}) };
  },
};
