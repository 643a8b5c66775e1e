/**
 * objective.prevalence: the negative weight that moves validation to a target positive share, and
 * threshold choice / scoring on the weighted counts (checked against brute force), with weight 1
 * giving exactly the unweighted results.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.js';
import type { MetricName, ObjectiveSpec, ThresholdSpec } from '../../../src/core/spec.js';
import { confusionAt, confusionMetric, metricValue, type ThresholdMetricName } from '../../../src/evaluate/metrics.js';
import {
  binaryCounts, describePrevalence, prevalenceNegativeWeight, prevalenceWeights, targetShare,
} from '../../../src/evaluate/prevalence.js';
import { chooseThreshold } from '../../../src/evaluate/threshold.js';
import { aggregateFolds } from '../../../src/learn/fold-aggregate.js';
import type { TrialResult } from '../../../src/learn/protocol.js';

const TUNE: ThresholdSpec = { kind: 'tune' };

/** n items, about one positive in `every`, positives scoring higher on average, probabilities rounded to 2 places (ties). */
function data(seed: number, n: number, every: number): { probs: number[]; labels: number[] } {
  const rng = new Rng(seed);
  const labels: number[] = [], probs: number[] = [];
  for (let i = 0; i < n; i++) {
    const y = rng.next() < 1 / every ? 1 : 0;
    const z = (y ? 1 : -1) * 0.8 + rng.normal();
    labels.push(y);
    probs.push(Math.round(100 / (1 + Math.exp(-z))) / 100);
  }
  return { probs, labels };
}

/** The best weighted value of `metric` over every cut, computed item by item. */
function bruteBest(metric: ThresholdMetricName, probs: number[], labels: number[], w: number, minimize = false): number {
  const cuts = [...new Set(probs)].sort((a, b) => b - a);
  const thresholds = [Infinity, ...cuts, -Infinity];
  let best = minimize ? Infinity : -Infinity;
  for (const t of thresholds) {
    let tp = 0, fp = 0, tn = 0, fn = 0;
    for (let i = 0; i < probs.length; i++) {
      const pos = probs[i]! >= t;
      if (labels[i] === 1) { if (pos) tp++; else fn++; } else if (pos) fp += w; else tn += w;
    }
    const v = confusionMetric(metric, { tp, fp, tn, fn });
    best = minimize ? Math.min(best, v) : Math.max(best, v);
  }
  return best;
}

describe('the negative weight', () => {
  it('makes the weighted positive share the target: w = (pos/neg) * ((1 - p)/p)', () => {
    const w = prevalenceNegativeWeight({ positives: 10, negatives: 80 }, 1 / 3);
    expect(w).toBeCloseTo(0.25, 15);
    expect(10 / (10 + w * 80)).toBeCloseTo(1 / 3, 15);
    // 1:160 validation tuned for a 1:10 source: each negative counts 10/160.
    expect(prevalenceNegativeWeight({ positives: 20, negatives: 3200 }, 1 / 11)).toBeCloseTo(0.0625, 15);
  });

  it('is 1 for sample (null share) or when a class is absent', () => {
    expect(prevalenceNegativeWeight({ positives: 10, negatives: 80 }, null)).toBe(1);
    expect(prevalenceNegativeWeight({ positives: 0, negatives: 80 }, 0.5)).toBe(1);
    expect(prevalenceNegativeWeight({ positives: 10, negatives: 0 }, 0.5)).toBe(1);
    expect(() => prevalenceNegativeWeight({ positives: 1, negatives: 1 }, 1)).toThrow(RangeError);
  });

  it('takes the target share from the spec: none for sample, the source counts, or the number', () => {
    const source = { positives: 1500, negatives: 15000 };
    expect(targetShare({ kind: 'sample' }, source)).toBeNull();
    expect(targetShare({ kind: 'source' }, source)).toBeCloseTo(1 / 11, 15);
    expect(targetShare({ kind: 'fixed', value: 0.2 }, source)).toBe(0.2);
    expect(() => targetShare({ kind: 'source' }, { positives: 0, negatives: 0 })).toThrow(/needs a data source with items/);
    expect(() => targetShare({ kind: 'source' }, { positives: 0, negatives: 5 })).toThrow(/\(0, 1\), got 0/);
  });

  it('gives per-item weights (1 for positives) and none at all for weight 1', () => {
    expect(prevalenceWeights([1, 0, 0, 1], 1)).toBeUndefined();
    expect(Array.from(prevalenceWeights([1, 0, 0, 1], 0.5)!)).toEqual([1, 0.5, 0.5, 1]);
    expect(binaryCounts([1, 0, 0, 1, 0])).toEqual({ positives: 2, negatives: 3 });
  });

  it('names the share in the report rule', () => {
    expect(describePrevalence({ kind: 'source' }, 1 / 11)).toBe("a positive share of 9.1% (the source's)");
    expect(describePrevalence({ kind: 'fixed', value: 0.25 }, 0.25)).toBe('a positive share of 25.0% (as set)');
    expect(describePrevalence({ kind: 'sample' }, null)).toBeNull();
  });
});

describe('chooseThreshold on weighted counts', () => {
  const { probs, labels } = data(7, 600, 8);
  const w = prevalenceNegativeWeight(binaryCounts(labels), 0.4);

  it('finds the weighted optimum of f1, mcc, precision and fnr (brute force agrees)', () => {
    const weights = prevalenceWeights(labels, w)!;
    for (const metric of ['f1', 'mcc', 'balanced-accuracy', 'accuracy'] as const) {
      const c = chooseThreshold(TUNE, metric, probs, labels, 1, weights);
      expect(c.value).toBeCloseTo(bruteBest(metric, probs, labels, w), 12);
      // The reported value is the weighted metric at the chosen threshold.
      const conf = confusionAt(probs, labels, c.threshold);
      expect(c.value).toBeCloseTo(confusionMetric(metric, { tp: conf.tp, fn: conf.fn, fp: conf.fp * w, tn: conf.tn * w }), 12);
    }
  });

  it('tunes lower for a larger positive share than the sample has', () => {
    const plain = chooseThreshold(TUNE, 'f1', probs, labels, 1);
    const richer = chooseThreshold(TUNE, 'f1', probs, labels, 1, prevalenceWeights(labels, w));
    const poorer = chooseThreshold(TUNE, 'f1', probs, labels, 1, prevalenceWeights(labels, 4));
    expect(w).toBeLessThan(1);
    expect(richer.threshold).toBeLessThan(plain.threshold);
    expect(poorer.threshold).toBeGreaterThan(plain.threshold);
  });

  it('meets constraints on weighted counts', () => {
    const spec: ThresholdSpec = { kind: 'constrained', optimize: 'recall', subjectTo: [{ metric: 'precision', op: '>=', value: 0.8 }] };
    const weights = prevalenceWeights(labels, w)!;
    const c = chooseThreshold(spec, 'f1', probs, labels, 1, weights);
    expect(c.feasible).toBe(true);
    expect(metricValue('precision', probs, labels, c.threshold, 1, weights)).toBeGreaterThanOrEqual(0.8);
    expect(metricValue('precision', probs, labels, c.threshold)).toBeLessThan(0.8); // unweighted it would not hold
  });

  it('with weight 1 (all-ones weights) gives exactly the unweighted choice', () => {
    for (const metric of ['f1', 'mcc', 'fnr', 'pr-auc', 'log-loss'] as MetricName[]) {
      const plain = chooseThreshold(TUNE, metric, probs, labels, 1);
      expect(chooseThreshold(TUNE, metric, probs, labels, 1, new Float64Array(probs.length).fill(1))).toEqual(plain);
      expect(chooseThreshold(TUNE, metric, probs, labels, 1, prevalenceWeights(labels, 1))).toEqual(plain);
    }
  });

  it('weights pr-auc and log-loss but leaves roc-auc as it was', () => {
    const weights = prevalenceWeights(labels, w)!;
    expect(metricValue('roc-auc', probs, labels, 0.5, 1, weights)).toBeCloseTo(metricValue('roc-auc', probs, labels, 0.5), 12);
    expect(metricValue('pr-auc', probs, labels, 0.5, 1, weights)).toBeGreaterThan(metricValue('pr-auc', probs, labels, 0.5) + 0.05);
    expect(metricValue('log-loss', probs, labels, 0.5, 1, weights)).not.toBeCloseTo(metricValue('log-loss', probs, labels, 0.5), 3);
  });

  it('rejects weights of the wrong length or sign', () => {
    expect(() => chooseThreshold(TUNE, 'f1', [0.2, 0.8], [0, 1], 1, [1])).toThrow(/weights \(1\) and probabilities \(2\)/);
    expect(() => chooseThreshold(TUNE, 'f1', [0.2, 0.8], [0, 1], 1, [-1, 1])).toThrow(/weight 0 is -1/);
  });
});

describe('aggregateFolds with per-fold negative weights', () => {
  const F1: ObjectiveSpec = { metric: 'f1', beta: 1, threshold: TUNE, prevalence: { kind: 'source' } };
  const fold = (valProbabilities: number[]): TrialResult => ({
    index: 0, family: 'cnn', params: {}, score: 0, metric: 'f1', threshold: 0.5, bestEpoch: 1, epochs: 1, curves: [], pruned: false, seconds: 1, valProbabilities,
  });
  const a = data(1, 200, 6), b = data(2, 150, 6);

  it('chooses on the pooled items, each fold weighted by its own weight', () => {
    const r = aggregateFolds([fold(a.probs), fold(b.probs)], [a.labels, b.labels], F1, [0.5, 0.25]);
    const weights = [...a.labels.map((y) => (y ? 1 : 0.5)), ...b.labels.map((y) => (y ? 1 : 0.25))];
    const c = chooseThreshold(TUNE, 'f1', [...a.probs, ...b.probs], [...a.labels, ...b.labels], 1, weights);
    expect([r.threshold, r.score]).toEqual([c.threshold, c.value]);
    const plain = aggregateFolds([fold(a.probs), fold(b.probs)], [a.labels, b.labels], F1);
    expect(aggregateFolds([fold(a.probs), fold(b.probs)], [a.labels, b.labels], F1, [1, 1])).toEqual(plain);
    expect(r.threshold).toBeLessThan(plain.threshold);
  });
});
