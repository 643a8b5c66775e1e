import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { METRIC_KINDS, METRIC_NAMES, MINIMIZED_METRICS, MULTICLASS_METRIC_NAMES, THRESHOLD_FREE_METRICS } from '../../../src/evaluate/metric-kinds/registry.js';
import { confusionAt, isThresholdMetric, metricValue } from '../../../src/evaluate/metrics.js';

describe('the metric registry', () => {
  it('derives the report order, the threshold-free set and the minimized set from the modules', () => {
    expect(METRIC_NAMES).toEqual(['accuracy', 'precision', 'recall', 'specificity', 'f1', 'fbeta', 'mcc', 'balanced-accuracy', 'fnr', 'fpr', 'pr-auc', 'roc-auc', 'log-loss']);
    expect(MULTICLASS_METRIC_NAMES).toEqual(['accuracy', 'mcc', 'balanced-accuracy', 'log-loss', 'macro-precision', 'macro-recall', 'macro-f1', 'weighted-f1']);
    expect([...THRESHOLD_FREE_METRICS]).toEqual(['pr-auc', 'roc-auc', 'log-loss']);
    expect([...MINIMIZED_METRICS]).toEqual(['fnr', 'fpr', 'log-loss']);
    for (const name of METRIC_NAMES) expect(METRIC_KINDS[name].name).toBe(name);
  });

  it('keeps every metric inside its declared range on any prediction', () => {
    const item = fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 1));
    fc.assert(fc.property(fc.array(item, { minLength: 1, maxLength: 40 }), fc.double({ min: 0, max: 1, noNaN: true }), (items, threshold) => {
      const probs = items.map(([p]) => p), labels = items.map(([, y]) => y);
      for (const name of METRIC_NAMES) {
        const v = metricValue(name, probs, labels, threshold, 2);
        const range = METRIC_KINDS[name].range;
        expect(Number.isFinite(v), name).toBe(true);
        if (range !== null) {
          expect(v, name).toBeGreaterThanOrEqual(range[0] - 1e-12);
          expect(v, name).toBeLessThanOrEqual(range[1] + 1e-12);
        } else expect(v, name).toBeGreaterThanOrEqual(0);
      }
    }), { numRuns: 200, seed: 7 });
  });

  it('scores threshold metrics from the confusion counts at the threshold alone', () => {
    const probs = [0.9, 0.8, 0.4, 0.3, 0.2], labels = [1, 0, 1, 0, 0];
    const c = confusionAt(probs, labels, 0.5);
    expect(c).toEqual({ tp: 1, fp: 1, tn: 2, fn: 1 });
    for (const name of METRIC_NAMES.filter(isThresholdMetric)) {
      const kind = METRIC_KINDS[name].binary;
      expect(kind.from).toBe('confusion');
      if (kind.from === 'confusion') expect(metricValue(name, probs, labels, 0.5)).toBe(kind.compute(c, 1));
    }
    // Threshold-free metrics ignore the threshold.
    for (const name of THRESHOLD_FREE_METRICS) expect(metricValue(name, probs, labels, 0.1)).toBe(metricValue(name, probs, labels, 0.9));
    expect(() => metricValue('macro-f1', probs, labels, 0.5)).toThrow('macro-f1 is a multi-class metric; it does not score a binary prediction');
  });
});
