import { describe, expect, it } from 'vitest';
import type { MetricName, ThresholdSpec } from '../../../src/core/spec.js';
import { Rng } from '../../../src/core/rng.js';
import { confusionAt, isMinimized, metricValue } from '../../../src/evaluate/metrics.js';
import { chooseThreshold, constraintShortfall, metricCurve, thresholdSweep } from '../../../src/evaluate/threshold.js';

function randomData(seed: number, n: number, levels: number): { p: number[]; y: number[] } {
  const r = new Rng(seed);
  const y = Array.from({ length: n }, () => (r.next() < 0.25 ? 1 : 0));
  const p = y.map((l) => Math.round(Math.min(1, Math.max(0, r.normal() * 0.25 + (l ? 0.65 : 0.35))) * levels) / levels);
  return { p, y };
}

/** Every decision a threshold can make: above the max, and at each distinct probability. */
function bruteThresholds(p: readonly number[]): number[] {
  return [2, ...[...new Set(p)].sort((a, b) => b - a)];
}

function bruteBest(metric: MetricName, p: number[], y: number[], beta: number): number {
  const vals = bruteThresholds(p).map((t) => metricValue(metric, p, y, t, beta));
  return isMinimized(metric) ? Math.min(...vals) : Math.max(...vals);
}

describe('thresholdSweep', () => {
  it('lists none, then each distinct probability group, with midpoint thresholds', () => {
    const s = thresholdSweep([0.8, 0.2, 0.8, 0.5], [1, 0, 0, 1]);
    expect(Array.from(s.thresholds)).toEqual([0.9, 0.65, 0.35, 0.1]);
    expect(Array.from(s.tp)).toEqual([0, 1, 2, 2]);
    expect(Array.from(s.fp)).toEqual([0, 1, 1, 2]);
    expect([s.positives, s.negatives]).toEqual([2, 2]);
  });
  it('keeps "none" above a top probability of exactly 1 and "all" at 0', () => {
    const s = thresholdSweep([1, 0], [1, 0]);
    expect(s.thresholds[0]).toBeGreaterThan(1);
    expect(s.thresholds[2]).toBe(0);
    expect(confusionAt([1, 0], [1, 0], s.thresholds[0]!).tp).toBe(0);
  });
  it('separates adjacent doubles', () => {
    const hi = 0.5, lo = 0.5 - 2 ** -54;
    const s = thresholdSweep([hi, lo], [1, 0]);
    expect(confusionAt([hi, lo], [1, 0], s.thresholds[1]!)).toEqual({ tp: 1, fp: 0, tn: 1, fn: 0 });
  });
});

describe('chooseThreshold', () => {
  it('returns a fixed threshold as given, with the metric there', () => {
    const r = chooseThreshold({ kind: 'fixed', value: 0.55 }, 'f1', [0.9, 0.6, 0.5, 0.1], [1, 0, 1, 0], 1);
    expect(r).toEqual({ threshold: 0.55, value: 0.5, feasible: true, optimized: 0.5, violation: 0 });
  });

  it('tunes to the brute-force optimum for every threshold metric on random tied data', () => {
    const metrics: MetricName[] = ['accuracy', 'f1', 'fbeta', 'mcc', 'balanced-accuracy', 'precision', 'fnr', 'fpr', 'specificity'];
    for (const seed of [1, 2, 3, 4]) {
      const { p, y } = randomData(seed, 200, seed * 7);
      for (const m of metrics) {
        const r = chooseThreshold({ kind: 'tune' }, m, p, y, 2);
        expect(r.value, `${m} seed ${seed}`).toBeCloseTo(bruteBest(m, p, y, 2), 12);
        expect(metricValue(m, p, y, r.threshold, 2)).toBe(r.value);
        expect(r.feasible).toBe(true);
      }
    }
  });

  it('puts the threshold in the middle of the best plateau', () => {
    // Perfect separation anywhere in (0.3, 0.7]: the choice is the middle of the plateau.
    const r = chooseThreshold({ kind: 'tune' }, 'f1', [0.9, 0.7, 0.3, 0.1], [1, 1, 0, 0], 1);
    expect(r.threshold).toBe(0.5);
    expect(r.value).toBe(1);
    // A threshold-free metric is flat everywhere: the middle of the whole range.
    const auc = chooseThreshold({ kind: 'tune' }, 'roc-auc', [0.8, 0.2], [1, 0], 1);
    expect(auc.threshold).toBeCloseTo((0.9 + 0.1) / 2, 15);
    expect(auc.value).toBe(1);
  });

  it('with a rare class, puts the threshold near the edge of the common class, in proportion to the counts', () => {
    // 2 positives, 8 negatives, perfectly separated in (0.3, 0.9]: (2 + 1) / 12 of the way up.
    const p = [0.95, 0.9, 0.3, 0.25, 0.2, 0.15, 0.1, 0.05, 0.02, 0.01];
    const y = [1, 1, 0, 0, 0, 0, 0, 0, 0, 0];
    const r = chooseThreshold({ kind: 'tune' }, 'f1', p, y, 1);
    expect(r.threshold).toBeCloseTo(0.3 + (3 / 12) * 0.6, 15);
    expect(r.value).toBe(1);
    // Rare negatives: the mirror image, near the positives' edge.
    const m = chooseThreshold({ kind: 'tune' }, 'f1', p.map((x) => 1 - x).reverse(), [...y].reverse().map((l) => 1 - l), 1);
    expect(m.threshold).toBeCloseTo(0.1 + (9 / 12) * 0.6, 15);
    // Item weights (objective.prevalence) do not move it: the counts say how well each edge is known.
    const w = chooseThreshold({ kind: 'tune' }, 'f1', p, y, 1, y.map((l) => (l ? 1 : 0.1)));
    expect(w.threshold).toBe(r.threshold);
  });

  it('is deterministic and independent of item order', () => {
    const { p, y } = randomData(11, 150, 10);
    const perm = new Rng(3).shuffle(p.map((_, i) => i));
    const a = chooseThreshold({ kind: 'tune' }, 'mcc', p, y, 1);
    const b = chooseThreshold({ kind: 'tune' }, 'mcc', perm.map((i) => p[i]!), perm.map((i) => y[i]!), 1);
    expect(b).toEqual(a);
  });

  it('optimises under constraints as brute force does', () => {
    for (const seed of [5, 6, 7]) {
      const { p, y } = randomData(seed, 250, 40);
      const spec: ThresholdSpec = { kind: 'constrained', optimize: 'precision', subjectTo: [{ metric: 'recall', op: '>=', value: 0.9 }] };
      const r = chooseThreshold(spec, 'f1', p, y, 1);
      const feasible = bruteThresholds(p).filter((t) => metricValue('recall', p, y, t) >= 0.9);
      const best = Math.max(...feasible.map((t) => metricValue('precision', p, y, t)));
      expect(r.feasible).toBe(true);
      expect(r.optimized).toBeCloseTo(best, 12);
      expect(metricValue('recall', p, y, r.threshold)).toBeGreaterThanOrEqual(0.9);
      expect(r.value).toBe(metricValue('f1', p, y, r.threshold));
    }
  });

  it('honours several constraints, strict ones included', () => {
    const p = [0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1];
    const y = [1, 1, 0, 1, 0, 1, 0, 0, 0, 0];
    const spec: ThresholdSpec = {
      kind: 'constrained', optimize: 'f1',
      subjectTo: [{ metric: 'recall', op: '>', value: 0.75 }, { metric: 'fpr', op: '<=', value: 0.5 }],
    };
    const r = chooseThreshold(spec, 'f1', p, y, 1);
    // recall > 0.75 needs all 4 positives: threshold in (0.4, 0.5], fpr = 2/6 there; 4 of 10
    // items positive puts it (4 + 1) / 12 of the way up from 0.4.
    expect(r.threshold).toBeCloseTo(0.4 + (5 / 12) * 0.1, 15);
    expect(r.optimized).toBeCloseTo(8 / 10, 15);
    expect(r.feasible).toBe(true);
  });

  it('reports infeasible constraints and returns the threshold that comes closest', () => {
    const p = [0.9, 0.8, 0.7, 0.2];
    const y = [0, 0, 1, 1];
    const spec: ThresholdSpec = { kind: 'constrained', optimize: 'f1', subjectTo: [{ metric: 'precision', op: '>=', value: 0.9 }] };
    const r = chooseThreshold(spec, 'f1', p, y, 1);
    // best reachable precision is 0.5 (all four predicted positive: 2/4; top three: 1/3)
    expect(r.feasible).toBe(false);
    expect(r.violation).toBeCloseTo(0.4, 15);
    expect(metricValue('precision', p, y, r.threshold)).toBe(0.5);
  });

  it('handles empty and one-class data without NaN', () => {
    expect(chooseThreshold({ kind: 'tune' }, 'f1', [], [], 1)).toEqual({ threshold: 0.5, value: 0, feasible: true, optimized: 0, violation: 0 });
    const r = chooseThreshold({ kind: 'tune' }, 'mcc', [0.4, 0.6], [0, 0], 1);
    expect(Number.isFinite(r.threshold) && Number.isFinite(r.value)).toBe(true);
  });

  it('metricCurve lists the metric at each candidate threshold', () => {
    const c = metricCurve([0.8, 0.2, 0.8, 0.5], [1, 0, 0, 1], 'recall');
    expect(c).toEqual({ thresholds: [0.9, 0.65, 0.35, 0.1], values: [0, 0.5, 1, 1] });
  });

  it('constraintShortfall is zero when met and the distance otherwise', () => {
    expect(constraintShortfall(0.96, '>=', 0.95)).toBe(0);
    expect(constraintShortfall(0.9, '>=', 0.95)).toBeCloseTo(0.05, 15);
    expect(constraintShortfall(0.2, '<=', 0.1)).toBeCloseTo(0.1, 15);
    expect(constraintShortfall(0.5, '>', 0.5)).toBeGreaterThan(0);
    expect(constraintShortfall(0.5, '<', 0.5)).toBeGreaterThan(0);
  });

  it('runs in O(n log n): 200k items in well under a second', () => {
    const { p, y } = randomData(1, 200_000, 1e6);
    const t0 = performance.now();
    chooseThreshold({ kind: 'tune' }, 'f1', p, y, 1);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});
