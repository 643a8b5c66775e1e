import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.js';

describe('Rng', () => {
  it('repeats the same stream for the same seed path', () => {
    const a = new Rng(2022).child('split');
    const b = new Rng(2022).child('split');
    expect(Array.from({ length: 5 }, () => a.nextUint32())).toEqual(Array.from({ length: 5 }, () => b.nextUint32()));
  });

  it('gives different streams to different children and seeds', () => {
    const root = new Rng(2022);
    expect(root.child('a').nextUint32()).not.toBe(root.child('b').nextUint32());
    expect(new Rng(1).nextUint32()).not.toBe(new Rng(2).nextUint32());
  });

  it('derives a child independently of draws already made by the parent', () => {
    const used = new Rng(7);
    for (let i = 0; i < 100; i++) used.next();
    expect(used.child('x').next()).toBe(new Rng(7).child('x').next());
  });

  it('draws uniform numbers in [0, 1) with a plausible mean', () => {
    const r = new Rng(3);
    let sum = 0;
    for (let i = 0; i < 20000; i++) {
      const v = r.next();
      expect(v >= 0 && v < 1).toBe(true);
      sum += v;
    }
    expect(Math.abs(sum / 20000 - 0.5)).toBeLessThan(0.01);
  });

  it('samples k distinct indices and shuffles to a permutation', () => {
    const r = new Rng(5);
    const s = r.sample(50, 20);
    expect(new Set(s).size).toBe(20);
    expect(s.every((i) => i >= 0 && i < 50)).toBe(true);
    expect(r.shuffle([1, 2, 3, 4, 5, 6]).sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
