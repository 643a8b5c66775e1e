import { describe, expect, it } from 'vitest';
import type { Item } from '../../../../src/core/data.js';
import { DataError } from '../../../../src/core/errors.js';
import { Rng } from '../../../../src/core/rng.js';
import { groupKeyFn } from '../../../../src/data/partition/groups.js';
import { splitTrainVal } from '../../../../src/data/partition/split.js';
import { isAscending, labelCounts, makeItems } from './fixtures.js';

describe('splitTrainVal', () => {
  const items = makeItems([90, 12]);
  const indices = items.map((_, i) => i).filter((i) => i % 7 !== 3); // a pool with holes

  it('makes one stratified fraction fold over the given indices only', () => {
    const { folds } = splitTrainVal(items, indices, { kind: 'fraction', validation: 0.2, stratify: true }, 2, new Rng(1));
    expect(folds).toHaveLength(1);
    const { train, validation } = folds[0]!;
    const have = labelCounts(items, indices, 2);
    expect(have).toEqual([77, 10]);
    // round(0.2 * 77) = 15, round(0.2 * 10) = 2
    expect(labelCounts(items, validation, 2)).toEqual([15, 2]);
    expect([...train, ...validation].sort((a, b) => a - b)).toEqual(indices);
    expect(isAscending(train) && isAscending(validation)).toBe(true);
  });

  it('makes k stratified folds whose validation sides partition the indices', () => {
    const { folds } = splitTrainVal(items, indices, { kind: 'k-fold', folds: 4, stratify: true }, 2, new Rng(2));
    expect(folds).toHaveLength(4);
    const allVal = folds.flatMap((f) => f.validation).sort((a, b) => a - b);
    expect(allVal).toEqual(indices);
    for (const f of folds) {
      const v = labelCounts(items, f.validation, 2);
      // 77 negatives over 4 folds -> 19 or 20; 10 positives -> 2 or 3
      expect(v[0]).toBeGreaterThanOrEqual(19); expect(v[0]).toBeLessThanOrEqual(20);
      expect(v[1]).toBeGreaterThanOrEqual(2); expect(v[1]).toBeLessThanOrEqual(3);
      const val = new Set(f.validation);
      expect(f.train.filter((i) => val.has(i))).toEqual([]);
      expect(f.train.length + f.validation.length).toBe(indices.length);
    }
  });

  it('balances fold sizes without stratification', () => {
    const { folds } = splitTrainVal(items, indices, { kind: 'k-fold', folds: 5, stratify: false }, 2, new Rng(2));
    expect(folds.map((f) => f.validation.length).sort()).toEqual([17, 17, 17, 18, 18]);
  });

  it('keeps every group on one side in fraction and k-fold splits', () => {
    // 40 slabs with 1..4 photos each, mixed classes
    const grouped: Item[] = [];
    for (let s = 0; s < 40; s++) {
      for (let p = 0; p <= s % 4; p++) {
        const ref = `${p % 2 ? 'Positive' : 'Negative'}/slab${s}_${p}.jpg`;
        grouped.push({ id: `sha-${ref}`, ref, label: p % 2 });
      }
    }
    const all = grouped.map((_, i) => i);
    const groupOf = groupKeyFn({ kind: 'pattern', pattern: '^(slab\\d+)_' });
    const slab = (i: number) => /slab(\d+)_/.exec(grouped[i]!.ref)![1];
    const specs = [
      { kind: 'fraction', validation: 0.25, stratify: true },
      { kind: 'k-fold', folds: 5, stratify: true },
      { kind: 'k-fold', folds: 3, stratify: false },
    ] as const;
    for (const spec of specs) {
      for (let seed = 0; seed < 5; seed++) {
        for (const f of splitTrainVal(grouped, all, spec, 2, new Rng(seed), groupOf).folds) {
          const valSlabs = new Set(f.validation.map(slab));
          expect(f.train.some((i) => valSlabs.has(slab(i)))).toBe(false);
        }
      }
    }
  });

  it('keeps exact duplicates together even without group-by', () => {
    const dup = items.map((it, i) => (i % 2 === 1 ? { ...it, id: items[i - 1]!.id } : it));
    const all = dup.map((_, i) => i);
    for (const f of splitTrainVal(dup, all, { kind: 'k-fold', folds: 3, stratify: true }, 2, new Rng(1)).folds) {
      const val = new Set(f.validation);
      for (let i = 1; i < dup.length; i += 2) expect(val.has(i)).toBe(val.has(i - 1));
    }
  });

  it('repeats for the same seed and differs for another', () => {
    const spec = { kind: 'k-fold', folds: 3, stratify: true } as const;
    const a = splitTrainVal(items, indices, spec, 2, new Rng(11));
    expect(splitTrainVal(items, indices, spec, 2, new Rng(11))).toEqual(a);
    expect(splitTrainVal(items, indices, spec, 2, new Rng(12)).folds[0]!.validation).not.toEqual(a.folds[0]!.validation);
  });

  it('rejects k < 2, more folds than groups, and splits that leave a side empty', () => {
    const few = makeItems([2, 1]);
    const all = [0, 1, 2];
    expect(() => splitTrainVal(few, all, { kind: 'k-fold', folds: 1, stratify: true }, 2, new Rng(1))).toThrow(DataError);
    expect(() => splitTrainVal(few, all, { kind: 'k-fold', folds: 4, stratify: true }, 2, new Rng(1))).toThrow('k-fold asks for 4 folds but there are only 3 items');
    const same = few.map((it) => ({ ...it, id: 'x' }));
    expect(() => splitTrainVal(same, all, { kind: 'fraction', validation: 0.3, stratify: true }, 2, new Rng(1))).toThrow(/validation empty/);
  });
});
