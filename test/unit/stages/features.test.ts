/**
 * The features stage on both data shapes: steps fitted on the training rows alone, the same
 * fitted record applied to validation (and, through `transformRows`, to the hold-out), tensors
 * of [n, d] for tables and [n, h, w, c] for images.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImageBlock, Inventory } from '../../../src/core/data.js';
import { DataError } from '../../../src/core/errors.js';
import { applyPixelSteps, fitPixelSteps, toFloat } from '../../../src/features/index.js';
import { StageCache } from '../../../src/store/cache.js';
import { readTensor } from '../../../src/store/tensor-file.js';
import type { Decoded } from '../../../src/stages/decode.js';
import { featuresStage, fitTrainRows, gatherTableRows, transformRows } from '../../../src/stages/features.js';
import { silentProgress } from '../../../src/stages/progress.js';
import { runStage, type StageContext } from '../../../src/stages/stage.js';

/** 5 rows x 2 columns; rows 0..2 train, 3 validation, 4 hold-out (an outlier that must not move the statistics). */
const TABLE: Decoded = {
  kind: 'table',
  table: { rows: 5, columns: ['a', 'b=x'], data: Float32Array.from([1, 0, 2, 1, 3, 1, 10, 0, 1000, 1]) },
};
const inventory: Inventory = {
  classes: ['neg', 'pos'], positive: 1, skipped: [],
  items: [0, 0, 1, 1, 0].map((label, i) => ({ id: `id${i}`, ref: `row:${i + 1}`, label })),
};
const NORMALIZE = [{ kind: 'normalize', method: 'standard' }] as const;

describe('features on a table', () => {
  it('gathers rows in the order asked', () => {
    if (TABLE.kind !== 'table') throw new Error('fixture');
    expect(Array.from(gatherTableRows(TABLE.table, [4, 0]))).toEqual([1000, 1, 1, 0]);
  });

  it('fits normalize on the training rows only and applies the same statistics to the other rows', () => {
    const { fitted, train } = fitTrainRows(TABLE, [0, 1, 2], NORMALIZE);
    // a: mean 2, population std sqrt(2/3); b=x: mean 2/3, std sqrt(2/9).
    const step = fitted.steps[0]!;
    expect(step.kind === 'normalize' && step.method === 'standard').toBe(true);
    if (step.kind !== 'normalize' || step.method !== 'standard') return;
    expect(step.mean[0]).toBe(2);
    expect(step.mean[1]).toBeCloseTo(2 / 3, 15);
    expect(step.std[0]).toBeCloseTo(Math.sqrt(2 / 3), 15);
    expect(step.std[1]).toBeCloseTo(Math.sqrt(2 / 9), 15);
    expect(train.exampleShape).toEqual([2]);
    expect(Array.from(train.data)).toEqual(Array.from(Float32Array.from([-1 / Math.sqrt(2 / 3), (0 - 2 / 3) / Math.sqrt(2 / 9), 0, (1 - 2 / 3) / Math.sqrt(2 / 9), 1 / Math.sqrt(2 / 3), (1 - 2 / 3) / Math.sqrt(2 / 9)])));
    const held = transformRows(TABLE, [4], fitted);
    expect(held.exampleShape).toEqual([2]);
    expect(held.data[0]).toBeCloseTo((1000 - 2) / Math.sqrt(2 / 3), 2);
  });

  it('keeps the table as it is without fitted steps', () => {
    const { fitted, train } = fitTrainRows(TABLE, [3, 4], []);
    expect(fitted).toEqual({ steps: [] });
    expect(Array.from(train.data)).toEqual([10, 0, 1000, 1]);
  });

  it('rejects an image-only step on a table with a DataError', () => {
    expect(() => fitTrainRows(TABLE, [0, 1, 2], [{ kind: 'edges', method: 'sobel', mode: 'append' }])).toThrow(DataError);
    expect(() => fitTrainRows(TABLE, [0, 1, 2], [{ kind: 'edges', method: 'sobel', mode: 'append' }])).toThrow('this data is tabular [3, 2]');
  });
});

describe('features on images', () => {
  // 3 images 1x2x1: bytes 0/255, 51/102, 255/0.
  const block: ImageBlock<Uint8Array> = { count: 3, height: 1, width: 2, channels: 1, data: Uint8Array.from([0, 255, 51, 102, 255, 0]) };
  const IMAGES: Decoded = { kind: 'images', block };

  it('fits on the training images as floats in [0, 1], exactly as the pixel steps do', () => {
    const { fitted, train } = fitTrainRows(IMAGES, [0, 2], NORMALIZE);
    const trainFloat = toFloat({ ...block, count: 2, data: Uint8Array.from([0, 255, 255, 0]) });
    const expected = fitPixelSteps(NORMALIZE, trainFloat);
    expect(fitted).toEqual(expected);
    expect(train.exampleShape).toEqual([1, 2, 1]);
    expect(Array.from(train.data)).toEqual(Array.from(applyPixelSteps(expected, trainFloat).data));
    const val = transformRows(IMAGES, [1], fitted);
    expect(val.exampleShape).toEqual([1, 2, 1]);
    expect(Array.from(val.data)).toEqual(Array.from(applyPixelSteps(expected, toFloat({ ...block, count: 1, data: Uint8Array.from([51, 102]) })).data));
  });
});

describe('features stage through the cache', () => {
  let dir: string;
  let ctx: StageContext;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'assay-features-'));
    ctx = { cache: new StageCache(path.join(dir, 'cache'), { warn: () => {} }), noCache: false, progress: silentProgress, cwd: dir, packageVersion: () => '1.0.0', transient: new Set() };
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('writes [n, d] train and validation tensors with their labels and the fitted record, and restores them', async () => {
    const input = { inventory, decoded: TABLE, folds: [{ train: [0, 1, 2], validation: [3] }], pixelSteps: NORMALIZE, upstream: { decode: 'd', split: 's' } };
    const out = await runStage(featuresStage, input, ctx);
    expect(out.output.exampleShape).toEqual([2]);
    const fold = out.output.folds[0]!;
    expect(fold.fitted).toEqual(fitTrainRows(TABLE, [0, 1, 2], NORMALIZE).fitted);
    const trainX = await readTensor(fold.trainX);
    expect(trainX.header).toEqual({ dtype: 'float32', shape: [3, 2] });
    expect(Array.from((await readTensor(fold.trainY)).data)).toEqual([0, 0, 1]);
    const valX = await readTensor(fold.valX);
    expect(valX.header).toEqual({ dtype: 'float32', shape: [1, 2] });
    expect(Array.from(valX.data)).toEqual(Array.from(transformRows(TABLE, [3], fold.fitted).data));
    expect(Array.from((await readTensor(fold.valY)).data)).toEqual([1]);
    expect(JSON.parse(await readFile(path.join(out.dir, 'fold0', 'fitted.json'), 'utf8'))).toEqual(fold.fitted);
    const again = await runStage(featuresStage, input, ctx);
    expect(again.record.cached).toBe(true);
    expect(again.output).toEqual(out.output);
  });
});
