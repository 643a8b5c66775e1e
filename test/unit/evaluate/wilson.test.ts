import { describe, expect, it } from 'vitest';
import { wilsonInterval, withWilsonAtBounds } from '../../../src/evaluate/wilson.js';

describe('Wilson score interval', () => {
  it('matches the textbook values', () => {
    // 0 of 10: [0, 0.2775]; 5 of 10: [0.2366, 0.7634]
    const zero = wilsonInterval(0, 10);
    expect(zero.low).toBe(0);
    expect(zero.high).toBeCloseTo(0.2775, 4);
    const half = wilsonInterval(5, 10);
    expect(half.low).toBeCloseTo(0.2366, 4);
    expect(half.high).toBeCloseTo(0.7634, 4);
  });

  it('gives precision 1.000 with 0 false positives of 750 a real width', () => {
    const iv = withWilsonAtBounds({ precision: { estimate: 1, low: 1, high: 1 } }, { tp: 750, fp: 0, tn: 7000, fn: 40 });
    expect(iv.precision!.method).toBe('wilson');
    expect(iv.precision!.high).toBe(1);
    expect(iv.precision!.low).toBeCloseTo(0.99490, 4);
    expect(iv.precision!.low).toBeLessThan(1);
  });

  it('keeps bootstrap intervals of estimates inside (0, 1) and of non-proportions', () => {
    const given = { recall: { estimate: 0.9, low: 0.8, high: 0.97 }, f1: { estimate: 1, low: 1, high: 1 } };
    expect(withWilsonAtBounds(given, { tp: 9, fp: 0, tn: 5, fn: 1 })).toEqual(given);
  });

  it('covers fnr at 0 (no missed positives) as well', () => {
    const iv = withWilsonAtBounds({ fnr: { estimate: 0, low: 0, high: 0 } }, { tp: 75, fp: 3, tn: 747, fn: 0 });
    expect(iv.fnr).toMatchObject({ estimate: 0, low: 0, method: 'wilson' });
    expect(iv.fnr!.high).toBeCloseTo(0.0487, 3);
  });
});
