import { describe, expect, it } from 'vitest';
import { DataError } from '../../../src/core/errors.js';
import { applyTabular, fitTabular } from '../../../src/features/tabular.js';

describe('tabular steps', () => {
  const x = Float32Array.from([1, 100, 3, 300]); // [2, 2]

  it('normalizes each column with the training statistics', () => {
    const fitted = fitTabular([{ kind: 'normalize', method: 'standard' }], x, 2);
    expect(fitted.steps).toEqual([{ kind: 'normalize', method: 'standard', mean: [2, 200], std: [1, 100] }]);
    expect(Array.from(applyTabular(fitted, x, 2))).toEqual([-1, -1, 1, 1]);
    expect(Array.from(applyTabular(fitted, Float32Array.from([5, 0]), 2))).toEqual([3, -2]);
  });

  it('rejects image-only steps with the table shape in the message', () => {
    expect(() => fitTabular([{ kind: 'edges', method: 'sobel', mode: 'append' }], x, 2)).toThrow('feature step edges (pixel) needs images [n, h, w, c]; this data is tabular [2, 2]');
    expect(() => fitTabular([{ kind: 'grayscale' }], x, 2)).toThrow(DataError);
    expect(() => applyTabular({ steps: [{ kind: 'edges', method: 'sobel', mode: 'replace' }] }, x, 2)).toThrow(/tabular \[2, 2\]/);
  });

  it('rejects a width that does not divide the data', () => {
    expect(() => fitTabular([], x, 3)).toThrow('a table of 4 values cannot have 3 columns');
  });
});
