/** Mixed data features: image steps fitted on the training images, table steps on the training rows, packed image-then-row. */
import { describe, expect, it } from 'vitest';
import type { FeatureStep } from '../../../src/core/spec.js';
import { fitTrainRows, transformRows } from '../../../src/stages/features.js';
import type { Decoded } from '../../../src/stages/decode.js';

// Three items: 1x2 gray images and rows [amount, color] (color a code into [a, b]).
const decoded: Decoded = {
  kind: 'mixed',
  block: { count: 3, height: 1, width: 2, channels: 1, data: Uint8Array.from([0, 255, 255, 255, 51, 102]) },
  table: { rows: 3, columns: ['amount', 'color'], data: Float32Array.from([1, 0, 3, 0, 100, 1]), categories: [null, ['a', 'b']] },
};
const steps: FeatureStep[] = [{ kind: 'normalize', method: 'min-max' }, { kind: 'standardize', columns: 'numeric' }];

describe('features of mixed data', () => {
  it('fits the image steps on the training images and the table steps on the training rows only, and packs image then row', () => {
    const { fitted, train } = fitTrainRows(decoded, [0, 1], steps, ['amount', 'color']);
    // color is one-hot coded by an implicit step fitted on the training rows, which hold only a.
    expect(train.layout).toEqual({ image: [1, 2, 1], columns: 2 });
    expect(train.exampleShape).toEqual([4]);
    expect(fitted.steps.map((s) => s.kind)).toEqual(['normalize']);
    expect(fitted.table?.steps.map((s) => s.kind)).toEqual(['one-hot', 'standardize']);
    expect(fitted.table?.steps[0]).toMatchObject({ names: ['color'], categories: [['a']] });
    // min-max over the two training images (0..1 after bytes / 255); amount standardized over 1 and 3 (mean 2, std 1), color=a untouched.
    expect(Array.from(train.data)).toEqual([0, 1, -1, 1, 1, 1, 1, 1]);
    // The third item goes through the same fitted record: its amount 100 does not move the
    // statistics, and its category b, which no training row held, is coded all-zero.
    const held = transformRows(decoded, [2], fitted, ['amount', 'color']);
    expect(held.exampleShape).toEqual([4]);
    expect(Array.from(held.data).map((v) => Number(v.toFixed(4)))).toEqual([0.2, 0.4, 98, 0]);
  });

  it('impute fills a missing row value with the training rows\' median before the other table steps', () => {
    const withMissing: Decoded = { ...decoded, table: { ...decoded.table, data: Float32Array.from([1, 0, Number.NaN, 1, 5, 1]) } };
    const imputeSteps: FeatureStep[] = [{ kind: 'impute', columns: 'numeric', strategy: 'median', indicator: true }, { kind: 'one-hot', columns: 'categorical' }];
    // Training rows 0 and 1: amount's median over the one present value (1); color categories a and b.
    const { fitted, train } = fitTrainRows(withMissing, [0, 1], imputeSteps, ['amount', 'color']);
    expect(train.layout).toEqual({ image: [1, 2, 1], columns: 4 });
    expect(fitted.table?.steps.map((s) => s.kind)).toEqual(['impute', 'one-hot']);
    // Per item: the image values (bytes / 255), then amount, color=a, color=b and the amount:missing indicator.
    expect(Array.from(train.data)).toEqual([0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 1, 1]);
    const held = transformRows(withMissing, [2], fitted, ['amount', 'color']);
    expect(Array.from(held.data).map((v) => Number(v.toFixed(4)))).toEqual([0.2, 0.4, 5, 0, 1, 0]);
  });
});
