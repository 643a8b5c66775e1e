import { describe, expect, it } from 'vitest';
import { DataError } from '../../../../src/core/errors.js';
import { Rng } from '../../../../src/core/rng.js';
import type { ResampleSpec } from '../../../../src/core/spec.js';
import { drawBalancedEpoch, resample, type TrainRows } from '../../../../src/data/resample/index.js';

/** Rows of width `d`; row i holds [i, i + 0.5, ...] so copies can be traced to their source. */
function rows(counts: readonly number[], d = 2): TrainRows {
  const y = Uint8Array.from(counts.flatMap((n, c) => new Array<number>(n).fill(c)));
  // interleave the classes a little so "originals first in order" is visible
  y.reverse();
  const x = Float32Array.from({ length: y.length * d }, (_, t) => Math.floor(t / d) + (t % d) * 0.5);
  return { x, shape: [y.length, d], y };
}

const count = (y: Uint8Array, k: number) => Array.from({ length: k }, (_, c) => y.filter((v) => v === c).length);
const two = ['no-crack', 'crack'];
const three = ['a', 'b', 'c'];

describe('resample', () => {
  it('none returns the rows unchanged, the same arrays', () => {
    const t = rows([30, 5]);
    const r = resample({ method: 'none' }, t, 2, new Rng(1), two);
    expect(r.x).toBe(t.x);
    expect(r.y).toBe(t.y);
    expect([r.before, r.after, r.classWeights, r.balancedBatches]).toEqual([[30, 5], [30, 5], null, null]);
  });

  it('random-oversample copies minority rows after the originals up to ratio x the largest', () => {
    const t = rows([100, 10]);
    const r = resample({ method: 'random-oversample', ratio: 0.5 }, t, 2, new Rng(1), two);
    expect(r.before).toEqual([100, 10]);
    expect(r.after).toEqual([100, 50]);
    expect(count(r.y, 2)).toEqual([100, 50]);
    expect(r.shape).toEqual([150, 2]);
    expect(r.x.subarray(0, 220)).toEqual(t.x);
    expect(r.y.subarray(0, 110)).toEqual(t.y);
    for (let i = 110; i < 150; i++) {
      const src = r.x[i * 2]!;
      expect(t.y[src]).toBe(1);
      expect(r.x[i * 2 + 1]).toBe(src + 0.5);
    }
  });

  it('random-oversample lifts every class to ratio x the largest in multi-class data', () => {
    // ceil(0.3 * 100) = 30; c already has 40 and keeps them
    const r = resample({ method: 'random-oversample', ratio: 0.3 }, rows([100, 10, 40]), 3, new Rng(1), three);
    expect(r.after).toEqual([100, 30, 40]);
    expect(count(r.y, 3)).toEqual([100, 30, 40]);
    // float slack: 0.3 * 10 is 3.0000000000000004 and must ask for 3, not 4
    expect(resample({ method: 'random-oversample', ratio: 0.3 }, rows([10, 2]), 2, new Rng(1), two).after).toEqual([10, 3]);
  });

  it('random-undersample keeps a subset of the majority, in original order, until minority / majority >= ratio', () => {
    const t = rows([100, 10]);
    const r = resample({ method: 'random-undersample', ratio: 0.5 }, t, 2, new Rng(1), two);
    expect([r.before, r.after]).toEqual([[100, 10], [20, 10]]);
    expect(count(r.y, 2)).toEqual([20, 10]);
    expect(r.shape).toEqual([30, 2]);
    const src = Array.from({ length: 30 }, (_, i) => r.x[i * 2]!);
    expect(src).toEqual([...src].sort((a, b) => a - b));
    src.forEach((s, i) => expect(r.y[i]).toBe(t.y[s]));
    expect(resample({ method: 'random-undersample', ratio: 0.5 }, rows([100, 10, 15]), 3, new Rng(1), three).after).toEqual([20, 10, 15]);
  });

  it('class-weights: balanced is n / (k * count); named weights default to 1; rows unchanged', () => {
    const t = rows([30, 10]);
    const r = resample({ method: 'class-weights', weights: 'balanced' }, t, 2, new Rng(1), two);
    expect(r.classWeights).toEqual([40 / 60, 2]);
    expect(r.x).toBe(t.x);
    expect(r.after).toEqual([30, 10]);
    expect(resample({ method: 'class-weights', weights: { crack: 5 } }, t, 2, new Rng(1), two).classWeights).toEqual([1, 5]);
    expect(() => resample({ method: 'class-weights', weights: { cat: 5 } }, t, 2, new Rng(1), two)).toThrow(DataError);
  });

  it('balanced-batches leaves the rows and reports one epoch\'s expected counts; each epoch draws afresh', () => {
    const t = rows([100, 10]);
    const r = resample({ method: 'balanced-batches', ratio: 0.25 }, t, 2, new Rng(1), two);
    expect(r.x).toBe(t.x);
    expect([r.before, r.after, r.balancedBatches]).toEqual([[100, 10], [40, 10], { ratio: 0.25 }]);
    const e1 = drawBalancedEpoch(t.y, 2, 0.25, new Rng(1).child('epoch-1'));
    const e2 = drawBalancedEpoch(t.y, 2, 0.25, new Rng(1).child('epoch-2'));
    expect(count(Uint8Array.from(e1, (i) => t.y[i]!), 2)).toEqual([40, 10]);
    expect(e1.filter((i) => t.y[i] === 1)).toEqual(e2.filter((i) => t.y[i] === 1));
    expect(e1).not.toEqual(e2);
    expect(drawBalancedEpoch(t.y, 2, 0.25, new Rng(1).child('epoch-1'))).toEqual(e1);
  });

  it('is deterministic per seed and never changes the caller\'s arrays', () => {
    const specs: ResampleSpec[] = [
      { method: 'random-oversample', ratio: 1 }, { method: 'random-undersample', ratio: 1 }, { method: 'smote', ratio: 1, k: 3 },
    ];
    for (const spec of specs) {
      const t = rows([50, 8], 3);
      const x0 = t.x.slice(), y0 = t.y.slice();
      const a = resample(spec, t, 2, new Rng(5), two);
      expect(resample(spec, t, 2, new Rng(5), two)).toEqual(a);
      expect(resample(spec, t, 2, new Rng(6), two).x).not.toEqual(a.x);
      expect(t.x).toEqual(x0);
      expect(t.y).toEqual(y0);
    }
  });

  it('rejects a ratio outside (0, 1], rows that do not match their shape, and labels out of range', () => {
    const t = rows([10, 2]);
    expect(() => resample({ method: 'random-oversample', ratio: 0 }, t, 2, new Rng(1), two)).toThrow(DataError);
    expect(() => resample({ method: 'random-undersample', ratio: 1.5 }, t, 2, new Rng(1), two)).toThrow('resampling ratio (minority / majority) must be in (0, 1], got 1.5');
    expect(() => resample({ method: 'none' }, { ...t, shape: [11, 2] }, 2, new Rng(1), two)).toThrow(RangeError);
    expect(() => resample({ method: 'none' }, { ...t, y: t.y.map(() => 2) }, 2, new Rng(1), two)).toThrow(/label 2/);
  });
});
