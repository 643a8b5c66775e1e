/** Mixed data features: image steps fitted on the training images, table steps on the training rows, packed image-then-row. */
import { describe, expect, it } from 'vitest';
import type { FeatureStep } from '../../../src/core/spec.js';
import { fitTrainRows, transformRows } from '../../../src/stages/features.js';
import type { Decoded } from '../../../src/stages/decode.js';

// Three items: 1x2 gray images and rows [amount, color=a].
const decoded: Decoded = {
  kind: 'mixed',
  block: { count: 3, height: 1, width: 2, channels: 1, data: Uint8Array.from([0, 255, 255, 255, 51, 102]) },
  table: { rows: 3, columns: ['amount', 'color=a'], data: Float32Array.from([1, 1, 3, 0, 100, 1]) },
};
const steps: FeatureStep[] = [{ kind: 'normalize', method: 'min-max' }, { kind: 'standardize', columns: 'numeric' }];

describe('features of mixed data', () => {
  it('fits the image steps on the training images and the table steps on the training rows only, and packs image then row', () => {
    const { fitted, train } = fitTrainRows(decoded, [0, 1], steps, ['amount', 'color']);
    expect(train.layout).toEqual({ image: [1, 2, 1], columns: 2 });
    expect(train.exampleShape).toEqual([4]);
    expect(fitted.steps.map((s) => s.kind)).toEqual(['normalize']);
    expect(fitted.table?.steps.map((s) => s.kind)).toEqual(['standardize']);
    // min-max over the two training images (0..1 after bytes / 255); amount standardized over 1 and 3 (mean 2, std 1), color=a untouched.
    expect(Array.from(train.data)).toEqual([0, 1, -1, 1, 1, 1, 1, 0]);
    // The third item goes through the same fitted record: its amount 100 does not move the statistics.
    const held = transformRows(decoded, [2], fitted);
    expect(held.exampleShape).toEqual([4]);
    expect(Array.from(held.data).map((v) => Number(v.toFixed(4)))).toEqual([0.2, 0.4, 98, 1]);
  });
});
