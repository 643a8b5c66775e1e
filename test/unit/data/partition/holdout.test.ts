import { describe, expect, it } from 'vitest';
import type { Item } from '../../../../src/core/data.js';
import { DataError } from '../../../../src/core/errors.js';
import { Rng } from '../../../../src/core/rng.js';
import { carveHoldout } from '../../../../src/data/partition/holdout.js';
import { groupKeyFn } from '../../../../src/data/partition/groups.js';
import { isAscending, labelCounts, makeItems } from './fixtures.js';

const classes = ['no-crack', 'crack'];

describe('carveHoldout', () => {
  it('takes a stratified fraction, rounded per class, that never overlaps the pool', () => {
    const items = makeItems([200, 15]);
    const { holdout, pool } = carveHoldout(items, { kind: 'fraction', fraction: 0.1, stratify: true }, classes, new Rng(1));
    // round(0.1 * 200) = 20, round(0.1 * 15) = round(1.5) = 2
    expect(labelCounts(items, holdout, 2)).toEqual([20, 2]);
    expect(labelCounts(items, pool, 2)).toEqual([180, 13]);
    const pooled = new Set(pool);
    expect(holdout.some((i) => pooled.has(i))).toBe(false);
    expect([...holdout, ...pool].sort((a, b) => a - b)).toEqual(items.map((_, i) => i));
    expect(isAscending(holdout) && isAscending(pool)).toBe(true);
  });

  it('holds out at least one of a class with 2+ items and none of a class with one', () => {
    const items = makeItems([100, 3, 1]);
    const { holdout } = carveHoldout(items, { kind: 'fraction', fraction: 0.05, stratify: true }, ['a', 'b', 'c'], new Rng(1));
    // round(0.15) = 0 -> raised to 1; the single item of class c stays in the pool
    expect(labelCounts(items, holdout, 3)).toEqual([5, 1, 0]);
  });

  it('without stratification takes a rounded total', () => {
    const items = makeItems([50, 50]);
    const { holdout } = carveHoldout(items, { kind: 'fraction', fraction: 0.25, stratify: false }, classes, new Rng(3));
    expect(holdout).toHaveLength(25);
  });

  it('takes exact counts per class name', () => {
    const items = makeItems([300, 40]);
    const { holdout } = carveHoldout(items, { kind: 'counts', counts: { crack: 7, 'no-crack': 30 } }, classes, new Rng(9));
    expect(labelCounts(items, holdout, 2)).toEqual([30, 7]);
  });

  it('rejects counts above what a class has, and unknown class names, listing every problem', () => {
    const items = makeItems([10, 4]);
    let err: unknown;
    try {
      carveHoldout(items, { kind: 'counts', counts: { crack: 5, 'no-crack': 11, cat: 1 } }, classes, new Rng(1));
    } catch (e) { err = e; }
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).details).toEqual([
      'cat: not a class (classes: no-crack, crack)',
      'no-crack: hold-out asks for 11 but only 10 exist',
      'crack: hold-out asks for 5 but only 4 exist',
    ]);
  });

  it('repeats for the same seed and differs for another', () => {
    const items = makeItems([100, 20]);
    const spec = { kind: 'fraction', fraction: 0.2, stratify: true } as const;
    const a = carveHoldout(items, spec, classes, new Rng(7).child('holdout'));
    const b = carveHoldout(items, spec, classes, new Rng(7).child('holdout'));
    const c = carveHoldout(items, spec, classes, new Rng(8).child('holdout'));
    expect(a).toEqual(b);
    expect(c.holdout).not.toEqual(a.holdout);
  });

  it('keeps whole groups on one side and approaches the target', () => {
    // 30 slabs of 4 photos each (2 crack, 2 no-crack): group-by the slab prefix
    const items: Item[] = [];
    for (let s = 0; s < 30; s++) {
      for (let p = 0; p < 4; p++) {
        const ref = `${p < 2 ? 'Negative' : 'Positive'}/slab${s}_${p}.jpg`;
        items.push({ id: `sha-${ref}`, ref, label: p < 2 ? 0 : 1 });
      }
    }
    const groupOf = groupKeyFn({ kind: 'pattern', pattern: '^(slab\\d+)_' });
    const { holdout, pool } = carveHoldout(items, { kind: 'fraction', fraction: 0.2, stratify: true }, classes, new Rng(4), groupOf);
    const slab = (i: number) => /slab(\d+)_/.exec(items[i]!.ref)![1];
    const held = new Set(holdout.map(slab));
    expect(pool.some((i) => held.has(slab(i)))).toBe(false);
    // 20% of 60 per class = 12 = 6 whole slabs
    expect(labelCounts(items, holdout, 2)).toEqual([12, 12]);
  });

  it('never lets exact duplicates (same id) straddle hold-out and pool', () => {
    const base = makeItems([60, 60]);
    // every third item is a byte-identical copy of the item before it (even across classes)
    const items = base.map((it, i) => (i % 3 === 2 ? { ...it, id: base[i - 1]!.id } : it));
    for (let seed = 0; seed < 20; seed++) {
      const { holdout } = carveHoldout(items, { kind: 'fraction', fraction: 0.3, stratify: true }, classes, new Rng(seed));
      const held = new Set(holdout);
      items.forEach((it, i) => {
        if (i % 3 === 2) expect(held.has(i)).toBe(held.has(i - 1));
      });
    }
  });

  it('refuses to hold out everything or nothing', () => {
    const items = makeItems([5, 5]).map((it) => ({ ...it, id: 'same' }));
    expect(() => carveHoldout(items, { kind: 'fraction', fraction: 0.2, stratify: true }, classes, new Rng(1))).toThrow(/hold-out would be empty/);
    expect(() => carveHoldout(items, { kind: 'fraction', fraction: 0.9, stratify: true }, classes, new Rng(1))).toThrow(/leaving nothing to train on/);
    expect(() => carveHoldout(makeItems([5, 5]), { kind: 'fraction', fraction: 1, stratify: true }, classes, new Rng(1))).toThrow(DataError);
  });
});
