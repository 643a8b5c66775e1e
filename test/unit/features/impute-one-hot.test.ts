import { describe, expect, it } from 'vitest';
import type { FeatureStep } from '../../../src/core/spec.js';
import { median, mostFrequent } from '../../../src/features/kinds/impute.js';
import { applyTable, fitTabular, tableContext, withImplicitOneHot } from '../../../src/features/tabular.js';

const N = Number.NaN;
// Columns: amount (numeric), region (categorical codes into CATS), age (numeric).
const COLUMNS = ['amount', 'region', 'age'];
const CATS = [null, ['east', 'north', 'west'], null];
const ctx = () => tableContext(COLUMNS, COLUMNS, CATS);
const fit = (steps: FeatureStep[], x: Float32Array) => fitTabular(steps, x, 3, COLUMNS, COLUMNS, CATS);

describe('impute', () => {
  it('median of an even count is the mean of the middle two; of an odd count the middle one', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([])).toBeNull();
  });

  it('most-frequent breaks ties deterministically, whatever the order', () => {
    expect(mostFrequent([3, 1, 3, 1, 2], (a, b) => a < b)).toBe(1);
    expect(mostFrequent([1, 3, 1, 3, 2], (a, b) => a < b)).toBe(1);
    expect(mostFrequent([2, 2, 9], (a, b) => a < b)).toBe(2);
  });

  it('fills numeric columns with the training median and categorical ones with the most frequent category', () => {
    // region: north, west, west, north, missing -> tie north/west, north first in code-unit order.
    const x = Float32Array.of(1, 1, 10, N, 2, 20, 3, 2, N, 4, 1, 40, 2, N, 50);
    const f = fit([{ kind: 'impute', columns: 'numeric', strategy: 'median', indicator: false }, { kind: 'impute', columns: ['region'], strategy: 'most-frequent', indicator: false }], x);
    expect(f.steps[0]).toEqual({ kind: 'impute', columns: [0, 2], names: ['amount', 'age'], fill: [2.5, 30], indicator: [] });
    expect(f.steps[1]).toEqual({ kind: 'impute', columns: [1], names: ['region'], fill: ['north'], indicator: [] });
    // The implicit one-hot of region comes after the impute that covers it, fitted on north and west only.
    expect(f.steps[2]).toEqual({ kind: 'one-hot', columns: [1], names: ['region'], categories: [['north', 'west']] });
    const out = applyTable(f, Float32Array.of(N, N, N), 3, ctx());
    expect(out.columns).toEqual(['amount', 'region=north', 'region=west', 'age']);
    expect(Array.from(out.data)).toEqual([2.5, 1, 0, 30]);
  });

  it('adds a name:missing indicator for each imputed column that had a missing value in training', () => {
    const x = Float32Array.of(1, 1, 10, N, 1, 20, 3, 1, 30);
    const f = fit([{ kind: 'impute', columns: 'numeric', strategy: 'median', indicator: true }], x);
    // region is coded first (no step names it), so age is column 2 of 3 after it.
    expect(f.steps[1]).toMatchObject({ kind: 'impute', columns: [0, 2], indicator: [0] });
    const out = applyTable(f, Float32Array.of(N, 1, N, 5, 1, 6), 3, ctx());
    expect(out.columns).toEqual(['amount', 'region=north', 'age', 'amount:missing']);
    // age had no missing value in training, so no indicator, but a missing age is still filled.
    expect(Array.from(out.data)).toEqual([2, 1, 20, 1, 5, 1, 6, 0]);
  });

  it('an all-missing column fills numbers with 0 and leaves a category missing (one-hot all-zero)', () => {
    const x = Float32Array.of(N, N, 1, N, N, 2);
    const f = fit([{ kind: 'impute', columns: 'numeric', strategy: 'median', indicator: false }, { kind: 'impute', columns: 'categorical', strategy: 'most-frequent', indicator: false }], x);
    expect(f.steps[0]).toMatchObject({ fill: [0, 1.5] });
    expect(f.steps[1]).toMatchObject({ fill: [null] });
    expect(f.steps[2]).toMatchObject({ kind: 'one-hot', categories: [[]] });
    expect(Array.from(applyTable(f, Float32Array.of(N, 0, N), 3, ctx()).data)).toEqual([0, 1.5]);
  });

  it('refuses median on a categorical column, and a missing value no step fills', () => {
    expect(() => fit([{ kind: 'impute', columns: ['region'], strategy: 'median', indicator: false }], Float32Array.of(1, 0, 1))).toThrow(/strategy median takes numeric columns; region is categorical/);
    expect(() => fit([{ kind: 'standardize', columns: 'numeric' }, { kind: 'impute', columns: 'numeric', strategy: 'median', indicator: false }], Float32Array.of(N, 0, 1, 2, 0, 1))).toThrow(/column amount holds missing values when feature step standardize runs: place an impute step that covers it before standardize/);
    expect(() => fit([{ kind: 'normalize', method: 'standard' }, { kind: 'impute', columns: ['region'], strategy: 'most-frequent', indicator: false }], Float32Array.of(1, 0, 1, 2, N, 1))).toThrow(/feature step normalize takes every column, but region is not one-hot coded yet/);
  });

  it('names an unknown column, and one that an earlier one-hot coded', () => {
    expect(() => fit([{ kind: 'impute', columns: ['amout'], strategy: 'median', indicator: false }], Float32Array.of(1, 0, 1))).toThrow(/names column amout, which the table does not have \(columns: amount, region=east, age\)/);
    expect(() => fit([{ kind: 'one-hot', columns: ['region'] }, { kind: 'impute', columns: ['region'], strategy: 'most-frequent', indicator: false }], Float32Array.of(1, 0, 1))).toThrow(/region, which an earlier step has one-hot coded/);
  });
});

describe('one-hot', () => {
  it('learns the training categories only; unseen categories and missing cells code all-zero', () => {
    // Training rows hold east and west; north appears only later.
    const f = fit([{ kind: 'one-hot', columns: 'categorical' }], Float32Array.of(1, 2, 10, 2, 0, 20));
    expect(f.steps).toEqual([{ kind: 'one-hot', columns: [1], names: ['region'], categories: [['east', 'west']] }]);
    const out = applyTable(f, Float32Array.of(5, 1, 50, 6, 0, 60, 7, N, 70), 3, ctx());
    expect(out.columns).toEqual(['amount', 'region=east', 'region=west', 'age']);
    expect(Array.from(out.data)).toEqual([5, 0, 0, 50, 6, 1, 0, 60, 7, 0, 0, 70]);
  });

  it('maps by category name, so another table\'s category list codes the same', () => {
    const f = fit([{ kind: 'one-hot', columns: ['region'] }], Float32Array.of(1, 2, 10, 2, 0, 20));
    // A table whose list is [west, zulu]: code 0 is west, code 1 an unseen category.
    const other = tableContext(COLUMNS, COLUMNS, [null, ['west', 'zulu'], null]);
    expect(Array.from(applyTable(f, Float32Array.of(1, 0, 1, 2, 1, 2), 3, other).data)).toEqual([1, 0, 1, 1, 2, 0, 0, 2]);
  });

  it('numeric steps leave categorical and one-hot columns alone; a categorical column no step names is coded first', () => {
    const steps: FeatureStep[] = [{ kind: 'standardize', columns: 'numeric' }];
    expect(withImplicitOneHot(steps, ctx())).toEqual([{ kind: 'one-hot', columns: ['region'] }, ...steps]);
    const f = fit(steps, Float32Array.of(0, 0, 1, 2, 1, 3));
    expect(f.steps[1]).toMatchObject({ kind: 'standardize', columns: [0, 3] });
    expect(() => fit([{ kind: 'standardize', columns: ['region'] }], Float32Array.of(0, 0, 1))).toThrow(/region, which an earlier step has one-hot coded/);
  });

  it('is refused on a numeric column', () => {
    expect(() => fit([{ kind: 'one-hot', columns: ['amount'] }], Float32Array.of(0, 0, 1))).toThrow(/names column amount, a numeric column; it takes categorical columns/);
  });
});
