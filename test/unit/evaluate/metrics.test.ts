import { describe, expect, it } from 'vitest';
import { METRIC_NAMES } from '../../../src/evaluate/metric-kinds/registry.js';
import { Rng } from '../../../src/core/rng.js';
import {
  allMetrics, averagePrecision, confusionAt, isMinimized, logLoss, metricValue, metricsFromConfusion,
  multiclassMetrics, prCurve, rocAuc, rocCurve,
} from '../../../src/evaluate/metrics.js';

const P = [0.9, 0.8, 0.7, 0.6, 0.55, 0.4, 0.3, 0.2];
const Y = [1, 1, 0, 1, 0, 0, 1, 0];

function randomData(seed: number, n: number, levels = 0): { p: number[]; y: number[] } {
  const r = new Rng(seed);
  const y = Array.from({ length: n }, () => (r.next() < 0.3 ? 1 : 0));
  const p = y.map((l) => {
    const v = Math.min(1, Math.max(0, r.normal() * 0.25 + (l ? 0.65 : 0.35)));
    return levels > 0 ? Math.round(v * levels) / levels : v; // rounding creates ties
  });
  return { p, y };
}

describe('confusionAt', () => {
  it('counts prob >= threshold as positive', () => {
    expect(confusionAt(P, Y, 0.55)).toEqual({ tp: 3, fp: 2, tn: 2, fn: 1 });
    expect(confusionAt([0.5, 0.5], [1, 0], 0.5)).toEqual({ tp: 1, fp: 1, tn: 0, fn: 0 });
  });
  it('rejects mismatched lengths, non-finite probabilities and non-binary labels', () => {
    expect(() => confusionAt([0.1], [1, 0], 0.5)).toThrow(RangeError);
    expect(() => confusionAt([Number.NaN], [1], 0.5)).toThrow(/not finite/);
    expect(() => confusionAt([0.3], [2], 0.5)).toThrow(/0 or 1/);
  });
});

describe('metricsFromConfusion', () => {
  it('matches hand-computed values for tp=3 fp=2 tn=2 fn=1', () => {
    const m = metricsFromConfusion({ tp: 3, fp: 2, tn: 2, fn: 1 });
    expect(m.accuracy).toBe(5 / 8);
    expect(m.precision).toBe(3 / 5);
    expect(m.recall).toBe(3 / 4);
    expect(m.specificity).toBe(2 / 4);
    expect(m.f1).toBeCloseTo(6 / 9, 15);
    expect(m.fbeta).toBeCloseTo(6 / 9, 15);
    expect(m.mcc).toBeCloseTo((3 * 2 - 2 * 1) / Math.sqrt(5 * 4 * 4 * 3), 15);
    expect(m['balanced-accuracy']).toBe(0.625);
    expect(m.fnr).toBe(0.25);
    expect(m.fpr).toBe(0.5);
  });
  it('weights recall by beta in fbeta', () => {
    // F2 = 5 tp / (5 tp + 4 fn + fp) = 15 / (15 + 4 + 2)
    expect(metricsFromConfusion({ tp: 3, fp: 2, tn: 2, fn: 1 }, 2).fbeta).toBeCloseTo(15 / 21, 15);
    expect(metricsFromConfusion({ tp: 3, fp: 2, tn: 2, fn: 1 }, 0.5).fbeta).toBeCloseTo(1.25 * 3 / (1.25 * 3 + 0.25 + 2), 15);
  });
  it('gives documented finite values when nothing is predicted positive', () => {
    const m = metricsFromConfusion({ tp: 0, fp: 0, tn: 95, fn: 5 });
    expect(m).toEqual({
      accuracy: 0.95, precision: 0, recall: 0, specificity: 1, f1: 0, fbeta: 0, mcc: 0,
      'balanced-accuracy': 0.5, fnr: 1, fpr: 0,
    });
  });
  it('gives documented finite values when there are no positives at all', () => {
    const m = metricsFromConfusion({ tp: 0, fp: 3, tn: 7, fn: 0 });
    expect(m.recall).toBe(0);
    expect(m.fnr).toBe(0);
    expect(m.precision).toBe(0);
    expect(m.f1).toBe(0);
    expect(m.mcc).toBe(0);
    expect(m['balanced-accuracy']).toBe(0.7); // only the negative class's rate
  });
  it('gives documented finite values with no negatives and with no items', () => {
    const m = metricsFromConfusion({ tp: 4, fp: 0, tn: 0, fn: 1 });
    expect([m.specificity, m.fpr, m.mcc, m['balanced-accuracy'], m.precision]).toEqual([0, 0, 0, 0.8, 1]);
    const e = metricsFromConfusion({ tp: 0, fp: 0, tn: 0, fn: 0 });
    expect(Object.values(e).every((v) => v === 0)).toBe(true);
  });
  it('gives MCC 1 and -1 for perfect and inverted predictions', () => {
    expect(metricsFromConfusion({ tp: 4, fp: 0, tn: 6, fn: 0 }).mcc).toBe(1);
    expect(metricsFromConfusion({ tp: 0, fp: 6, tn: 0, fn: 4 }).mcc).toBe(-1);
  });
});

describe('threshold-free metrics', () => {
  it('average precision and ROC AUC match hand computation', () => {
    // PR points at each positive: (R .25, P 1) (.5, 1) (.75, .75) (1, 4/7)
    expect(averagePrecision(P, Y)).toBeCloseTo(0.25 + 0.25 + 0.25 * 0.75 + 0.25 * (4 / 7), 14);
    expect(rocAuc(P, Y)).toBe(12 / 16);
  });
  it('ROC AUC equals the brute-force pair count (ties = 1/2) on random tied data', () => {
    for (const seed of [1, 2, 3]) {
      const { p, y } = randomData(seed, 300, 20);
      let wins = 0, pairs = 0;
      for (let i = 0; i < p.length; i++) for (let j = 0; j < p.length; j++) {
        if (y[i] === 1 && y[j] === 0) { pairs++; wins += p[i]! > p[j]! ? 1 : p[i] === p[j] ? 0.5 : 0; }
      }
      expect(rocAuc(p, y)).toBeCloseTo(wins / pairs, 12);
    }
  });
  it('average precision equals the brute-force sum over distinct thresholds on random tied data', () => {
    for (const seed of [4, 5]) {
      const { p, y } = randomData(seed, 300, 15);
      const pos = y.filter((v) => v === 1).length;
      const ts = [...new Set(p)].sort((a, b) => b - a);
      let ap = 0, prevR = 0;
      for (const t of ts) {
        const c = confusionAt(p, y, t);
        const r = c.tp / pos;
        ap += (r - prevR) * (c.tp / (c.tp + c.fp));
        prevR = r;
      }
      expect(averagePrecision(p, y)).toBeCloseTo(ap, 12);
    }
  });
  it('handles a single class: AP 0 without positives, AUC 0.5', () => {
    expect(averagePrecision([0.2, 0.9], [0, 0])).toBe(0);
    expect(rocAuc([0.2, 0.9], [0, 0])).toBe(0.5);
    expect(rocAuc([0.2, 0.9], [1, 1])).toBe(0.5);
    expect(averagePrecision([0.2, 0.9], [1, 1])).toBe(1);
  });
  it('log-loss is the mean cross-entropy and stays finite at 0 and 1', () => {
    expect(logLoss([0.8, 0.4], [1, 0])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, 14);
    // clipped to 1e-15 and 1 - 1e-15 (whose complement is 1e-15 up to rounding)
    expect(logLoss([0, 1], [1, 0])).toBeCloseTo(-(Math.log(1e-15) + Math.log(1 - (1 - 1e-15))) / 2, 12);
    expect(logLoss([], [])).toBe(0);
  });
});

describe('curves', () => {
  it('PR and ROC curves have one point per distinct probability after the anchor', () => {
    const pr = prCurve(P, Y);
    expect(pr.thresholds).toEqual([Infinity, 0.9, 0.8, 0.7, 0.6, 0.55, 0.4, 0.3, 0.2]);
    expect(pr.recall).toEqual([0, 0.25, 0.5, 0.5, 0.75, 0.75, 0.75, 1, 1]);
    expect(pr.precision[3]).toBeCloseTo(2 / 3, 15);
    const roc = rocCurve([0.3, 0.3, 0.9], [1, 0, 1]);
    expect(roc).toEqual({ fpr: [0, 0, 1], tpr: [0, 0.5, 1], thresholds: [Infinity, 0.9, 0.3] });
  });
  it('the ROC curve trapezoid area equals rocAuc', () => {
    const { p, y } = randomData(9, 500, 30);
    const { fpr, tpr } = rocCurve(p, y);
    let area = 0;
    for (let i = 1; i < fpr.length; i++) area += (fpr[i]! - fpr[i - 1]!) * (tpr[i]! + tpr[i - 1]!) / 2;
    expect(area).toBeCloseTo(rocAuc(p, y), 12);
  });
});

describe('metricValue and allMetrics', () => {
  it('allMetrics returns every MetricName in declaration order and agrees with metricValue', () => {
    const all = allMetrics(P, Y, 0.5, 2);
    expect(Object.keys(all)).toEqual([...METRIC_NAMES]);
    for (const m of METRIC_NAMES) expect(all[m]).toBe(metricValue(m, P, Y, 0.5, 2));
    expect(all.f1).toBeCloseTo(2 / 3, 15);
  });
  it('is finite for every metric on empty and one-class inputs', () => {
    for (const [p, y] of [[[], []], [[0.1, 0.7], [0, 0]], [[0.1, 0.7], [1, 1]]] as const) {
      expect(Object.values(allMetrics(p, y, 0.5)).every(Number.isFinite)).toBe(true);
    }
  });
  it('isMinimized marks fnr, fpr and log-loss only', () => {
    expect(METRIC_NAMES.filter(isMinimized)).toEqual(['fnr', 'fpr', 'log-loss']);
  });
});

describe('multiclassMetrics', () => {
  it('computes accuracy, macro and micro averages and the confusion matrix', () => {
    const probs = new Float32Array([0.8, 0.1, 0.1, 0.2, 0.7, 0.1, 0.3, 0.3, 0.4, 0.5, 0.4, 0.1]);
    const m = multiclassMetrics(probs, 3, [0, 1, 1, 2]);
    expect(m.confusion).toEqual([[1, 0, 0], [0, 1, 1], [1, 0, 0]]);
    expect(m.accuracy).toBe(0.5);
    expect(m.macro.precision).toBeCloseTo((0.5 + 1 + 0) / 3, 15);
    expect(m.macro.recall).toBeCloseTo((1 + 0.5 + 0) / 3, 15);
    expect(m.macro.f1).toBeCloseTo((2 / 3 + 2 / 3 + 0) / 3, 15);
    expect(m.micro).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5 });
  });
  it('breaks arg-max ties toward the lower class index', () => {
    expect(multiclassMetrics(new Float32Array([0.5, 0.5]), 2, [1]).confusion).toEqual([[0, 0], [1, 0]]);
  });
  it('rejects a wrong matrix size and out-of-range labels', () => {
    expect(() => multiclassMetrics(new Float32Array(5), 2, [0, 1])).toThrow(/expected 2 x 2/);
    expect(() => multiclassMetrics(new Float32Array(4), 2, [0, 2])).toThrow(/label 1/);
    expect(() => multiclassMetrics(new Float32Array(4), 1, [0, 0, 0, 0])).toThrow(RangeError);
  });
});
