import { describe, expect, it } from 'vitest';
import type { MetricName } from '../../../src/core/spec.js';
import { Rng } from '../../../src/core/rng.js';
import { metricValue } from '../../../src/evaluate/metrics.js';
import { bootstrapIntervals, pairedBootstrapDelta, quantileSorted } from '../../../src/evaluate/bootstrap.js';

function data(seed: number, n: number, positives: number): { p: number[]; y: number[] } {
  const r = new Rng(seed);
  const y = Array.from({ length: n }, (_, i) => (i < positives ? 1 : 0));
  const p = y.map((l) => Math.round(Math.min(1, Math.max(0, r.normal() * 0.2 + (l ? 0.7 : 0.3))) * 50) / 50);
  return { p, y };
}

/** The textbook bootstrap: materialise each stratified resample, score it, take percentiles. */
function naive(p: number[], y: number[], t: number, m: MetricName, resamples: number, rng: Rng): { low: number; high: number } {
  const pos = y.flatMap((v, i) => (v === 1 ? [i] : []));
  const neg = y.flatMap((v, i) => (v === 0 ? [i] : []));
  const vals: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const idx = [...pos.map(() => pos[rng.int(pos.length)]!), ...neg.map(() => neg[rng.int(neg.length)]!)];
    vals.push(metricValue(m, idx.map((i) => p[i]!), idx.map((i) => y[i]!), t));
  }
  vals.sort((a, b) => a - b);
  return { low: quantileSorted(vals, 0.025), high: quantileSorted(vals, 0.975) };
}

describe('bootstrapIntervals', () => {
  const { p, y } = data(1, 300, 40);
  const metrics: MetricName[] = ['f1', 'mcc', 'recall', 'precision', 'fnr', 'pr-auc', 'roc-auc', 'log-loss'];

  it('equals the materialised textbook bootstrap for every kind of metric', () => {
    for (const m of metrics) {
      const got = bootstrapIntervals(p, y, 0.5, [m], { resamples: 60, rng: new Rng(7).child('b') })[m]!;
      const want = naive(p, y, 0.5, m, 60, new Rng(7).child('b'));
      expect(got.low, m).toBeCloseTo(want.low, 12);
      expect(got.high, m).toBeCloseTo(want.high, 12);
      expect(got.estimate).toBe(metricValue(m, p, y, 0.5));
    }
  });

  it('is deterministic for a seed path and differs for another', () => {
    const a = bootstrapIntervals(p, y, 0.5, metrics, { resamples: 200, rng: new Rng(2022).child('bootstrap') });
    const b = bootstrapIntervals(p, y, 0.5, metrics, { resamples: 200, rng: new Rng(2022).child('bootstrap') });
    const c = bootstrapIntervals(p, y, 0.5, metrics, { resamples: 200, rng: new Rng(2023).child('bootstrap') });
    expect(b).toEqual(a);
    expect(c.f1).not.toEqual(a.f1);
  });

  it('gives intervals that contain the estimate and narrow with a lower level', () => {
    const wide = bootstrapIntervals(p, y, 0.5, metrics, { resamples: 400, rng: new Rng(1) });
    const narrow = bootstrapIntervals(p, y, 0.5, metrics, { resamples: 400, rng: new Rng(1), level: 0.5 });
    for (const m of metrics) {
      const iv = wide[m]!;
      expect(iv.low, m).toBeLessThanOrEqual(iv.estimate);
      expect(iv.high, m).toBeGreaterThanOrEqual(iv.estimate);
      expect(iv.high - iv.low, m).toBeGreaterThan(0);
      expect(narrow[m]!.high - narrow[m]!.low, m).toBeLessThan(iv.high - iv.low);
    }
  });

  it('keeps the class counts by default: accuracy of "always negative" does not vary', () => {
    const strat = bootstrapIntervals(p, y, 2, ['accuracy'], { resamples: 100, rng: new Rng(3) }).accuracy!;
    expect(strat).toEqual({ estimate: 260 / 300, low: 260 / 300, high: 260 / 300 });
    const free = bootstrapIntervals(p, y, 2, ['accuracy'], { resamples: 100, rng: new Rng(3), stratified: false }).accuracy!;
    expect(free.high - free.low).toBeGreaterThan(0.03);
  });

  it('rejects bad options and inputs', () => {
    expect(() => bootstrapIntervals(p, y, 0.5, ['f1'], { resamples: 0, rng: new Rng(1) })).toThrow(/resamples/);
    expect(() => bootstrapIntervals(p, y, 0.5, ['f1'], { resamples: 10, rng: new Rng(1), level: 1 })).toThrow(/level/);
    expect(() => bootstrapIntervals([0.1], [1, 0], 0.5, ['f1'], { resamples: 10, rng: new Rng(1) })).toThrow(RangeError);
  });

  it('runs 1,000 resamples of 800 items x 4 metrics in well under a second', () => {
    const d = data(5, 800, 50);
    const t0 = performance.now();
    bootstrapIntervals(d.p, d.y, 0.5, ['f1', 'mcc', 'recall', 'precision'], { resamples: 1000, rng: new Rng(1) });
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(1000);
  });
});

describe('pairedBootstrapDelta', () => {
  const { p, y } = data(2, 400, 60);
  it('is zero with a zero-width interval for identical models', () => {
    const r = pairedBootstrapDelta({ probs: p, threshold: 0.5 }, { probs: p, threshold: 0.5 }, y, 'f1', { resamples: 200, rng: new Rng(1) });
    expect(r).toEqual({ delta: 0, low: 0, high: 0 });
  });
  it('measures b - a and excludes 0 when b is clearly better', () => {
    const worse = p.map((v, i) => (i % 3 === 0 ? 1 - v : v));
    const r = pairedBootstrapDelta({ probs: worse, threshold: 0.5 }, { probs: p, threshold: 0.5 }, y, 'mcc', { resamples: 300, rng: new Rng(1) });
    expect(r.delta).toBeCloseTo(metricValue('mcc', p, y, 0.5) - metricValue('mcc', worse, y, 0.5), 14);
    expect(r.delta).toBeGreaterThan(0);
    expect(r.low).toBeGreaterThan(0);
    expect(r.high).toBeGreaterThanOrEqual(r.delta);
  });
  it('is narrower than the difference of two unpaired intervals', () => {
    const other = p.map((v, i) => Math.min(1, v + (i % 5 === 0 ? 0.1 : 0)));
    const d = pairedBootstrapDelta({ probs: p, threshold: 0.5 }, { probs: other, threshold: 0.5 }, y, 'f1', { resamples: 300, rng: new Rng(4) });
    const ia = bootstrapIntervals(p, y, 0.5, ['f1'], { resamples: 300, rng: new Rng(4) }).f1!;
    expect(d.high - d.low).toBeLessThan(ia.high - ia.low);
  });
});
