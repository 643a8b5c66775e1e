import { describe, expect, it } from 'vitest';
import { DataError } from '../../../../src/core/errors.js';
import { Rng } from '../../../../src/core/rng.js';
import { availableCounts, drawSample, sampleCounts, sampleShortfall } from '../../../../src/data/partition/sample.js';
import { isAscending, labelCounts, makeItems } from './fixtures.js';

const classes = ['no-crack', 'crack'];

function thrown(fn: () => unknown): DataError {
  try { fn(); } catch (e) { if (e instanceof DataError) return e; throw e; }
  throw new Error('expected a DataError');
}

describe('sampleCounts', () => {
  it('takes as many whole units of the ratio as the scarcest class allows', () => {
    // the flagship: 160 negatives per crack, 1,425 cracks and 14,250 negatives left after the hold-out
    expect(sampleCounts({ kind: 'ratio', ratio: { 'no-crack': 160, crack: 1 } }, [14250, 1425], classes)).toEqual([14240, 89]);
    // the scarce class can be the one with the larger weight
    expect(sampleCounts({ kind: 'ratio', ratio: { 'no-crack': 1, crack: 2 } }, [100, 31], classes)).toEqual([15, 30]);
    // fractional weights are scaled so the smallest is 1: {0.5, 1.5} -> {1, 3}
    expect(sampleCounts({ kind: 'ratio', ratio: { 'no-crack': 1.5, crack: 0.5 } }, [100, 10], classes)).toEqual([30, 10]);
  });

  it('splits a total by the ratio with largest remainders, summing to the total', () => {
    // 100 * 2/3 = 66.67, 100 * 1/3 = 33.33 -> 67 + 33
    expect(sampleCounts({ kind: 'ratio', ratio: { 'no-crack': 2, crack: 1 }, total: 100 }, [500, 500], classes)).toEqual([67, 33]);
    expect(sampleCounts({ kind: 'ratio', ratio: { a: 1, b: 1, c: 1 }, total: 10 }, [9, 9, 9], ['a', 'b', 'c'])).toEqual([4, 3, 3]);
  });

  it('takes at-most items at the ratio when the data has them, else whole units capped at each share', () => {
    const spec = { kind: 'ratio' as const, ratio: { 'no-crack': 160, crack: 1 }, atMost: 14088 };
    // the flagship's data (1,425 / 14,250 after the hold-out): exactly `total: 14088`, i.e. counts 14,000 / 88
    expect(sampleCounts(spec, [14250, 1425], classes)).toEqual([14000, 88]);
    expect(sampleCounts(spec, [14250, 1425], classes)).toEqual(sampleCounts({ kind: 'ratio', ratio: spec.ratio, total: 14088 }, [14250, 1425], classes));
    expect(sampleShortfall(spec, [14250, 1425], [14000, 88], classes)).toBeNull();
    // 300 cracks and 5,000 surfaces (285 / 4,750 after the hold-out): the surfaces are short, the ratio holds
    expect(sampleCounts(spec, [4750, 285], classes)).toEqual([4640, 29]);
    expect(sampleShortfall(spec, [4750, 285], [4640, 29], classes)).toBe('4669 of at most 14088 at the ratio: no-crack has 4750 of the 14000 its share needs after the hold-out');
    // 20,000 cracks and 40,000 surfaces: capped at 14,088, as on the flagship's data
    expect(sampleCounts(spec, [38000, 19000], classes)).toEqual([14000, 88]);
    // cracks short, surfaces plenty: whole units, never more of a class than its share
    expect(sampleCounts(spec, [100000, 40], classes)).toEqual([6400, 40]);
    // not one whole unit: refused like a ratio without a total
    expect(thrown(() => sampleCounts(spec, [100, 75], classes)).details).toEqual(['no-crack: asks for 160, 100 remain after the hold-out']);
    expect(thrown(() => sampleCounts({ ...spec, atMost: 2.5 }, [100, 75], classes)).code).toBe('data.sample-spec');
  });

  it('gives a class missing from counts or ratio none', () => {
    expect(sampleCounts({ kind: 'counts', counts: { crack: 5 } }, [10, 10], classes)).toEqual([0, 5]);
    expect(sampleCounts({ kind: 'ratio', ratio: { crack: 1 } }, [10, 7], classes)).toEqual([0, 7]);
  });

  it('reports a request larger than the data with the real numbers, listing every short class', () => {
    const err = thrown(() => sampleCounts({ kind: 'counts', counts: { 'no-crack': 5000, crack: 200 } }, [4000, 75], classes));
    expect(err.code).toBe('data.sample-short');
    expect(err.message).toBe('sampling asks for 5000 no-crack but only 4000 remain after the hold-out (and 1 more class short)');
    expect(err.details).toEqual([
      'no-crack: asks for 5000, 4000 remain after the hold-out',
      'crack: asks for 200, 75 remain after the hold-out',
    ]);
    const one = thrown(() => sampleCounts({ kind: 'counts', counts: { crack: 200 } }, [4000, 75], classes));
    expect(one.message).toBe('sampling asks for 200 crack but only 75 remain after the hold-out');
    const total = thrown(() => sampleCounts({ kind: 'ratio', ratio: { 'no-crack': 1, crack: 1 }, total: 300 }, [1000, 75], classes));
    expect(total.details).toEqual(['crack: asks for 150, 75 remain after the hold-out']);
    const noUnit = thrown(() => sampleCounts({ kind: 'ratio', ratio: { 'no-crack': 160, crack: 1 } }, [100, 75], classes));
    expect(noUnit.details).toEqual(['no-crack: asks for 160, 100 remain after the hold-out']);
  });

  it('rejects unknown classes and bad counts', () => {
    expect(thrown(() => sampleCounts({ kind: 'counts', counts: { cat: 1 } }, [1, 1], classes)).code).toBe('data.sample-spec');
    expect(thrown(() => sampleCounts({ kind: 'counts', counts: { crack: 1.5 } }, [1, 9], classes)).code).toBe('data.sample-spec');
    expect(thrown(() => sampleCounts({ kind: 'ratio', ratio: { crack: 0 } }, [1, 9], classes)).code).toBe('data.sample-spec');
  });
});

describe('drawSample', () => {
  const items = makeItems([400, 30]);
  const pool = items.map((_, i) => i).filter((i) => i % 5 !== 0); // 320 + 24

  it('draws the very same items for counts and for a ratio with at-most that gives those counts', () => {
    const counts = drawSample(items, pool, { kind: 'counts', counts: { 'no-crack': 160, crack: 1 } }, classes, new Rng(7));
    const capped = drawSample(items, pool, { kind: 'ratio', ratio: { 'no-crack': 160, crack: 1 }, atMost: 161 }, classes, new Rng(7));
    expect(capped).toEqual(counts);
    expect(labelCounts(items, capped, 2)).toEqual([160, 1]);
  });

  it('draws the asked counts from the pool only, ascending', () => {
    expect(availableCounts(items, pool, 2)).toEqual([320, 24]);
    const s = drawSample(items, pool, { kind: 'ratio', ratio: { 'no-crack': 10, crack: 1 } }, classes, new Rng(1));
    expect(labelCounts(items, s, 2)).toEqual([240, 24]);
    const inPool = new Set(pool);
    expect(s.every((i) => inPool.has(i))).toBe(true);
    expect(isAscending(s)).toBe(true);
  });

  it('returns the whole pool for all, sorted', () => {
    expect(drawSample(items, [...pool].reverse(), { kind: 'all' }, classes, new Rng(1))).toEqual(pool);
  });

  it('repeats for the same seed, differs for another, and one class count never moves another class', () => {
    const spec = { kind: 'counts', counts: { 'no-crack': 50, crack: 10 } } as const;
    const a = drawSample(items, pool, spec, classes, new Rng(5));
    expect(drawSample(items, pool, spec, classes, new Rng(5))).toEqual(a);
    expect(drawSample(items, pool, spec, classes, new Rng(6))).not.toEqual(a);
    const more = drawSample(items, pool, { kind: 'counts', counts: { 'no-crack': 50, crack: 12 } }, classes, new Rng(5));
    const negatives = (xs: number[]) => xs.filter((i) => items[i]!.label === 0);
    expect(negatives(more)).toEqual(negatives(a));
  });

  it('throws with the counts that remain in the pool, not in the inventory', () => {
    expect(() => drawSample(items, pool, { kind: 'counts', counts: { crack: 25 } }, classes, new Rng(1))).toThrow('sampling asks for 25 crack but only 24 remain after the hold-out');
  });
});
