/**
 * Binary classification metrics at a threshold (`prob >= threshold` is predicted positive) and
 * threshold-free ones. Pure: no tfjs, no I/O.
 *
 * Degenerate cases are finite by contract, never NaN:
 * - precision, recall, specificity, fnr, fpr, accuracy: a ratio whose denominator is 0 is 0
 *   (no predicted positives -> precision 0; no positives -> recall 0 and fnr 0; no negatives ->
 *   specificity 0 and fpr 0).
 * - f1 / fbeta: 0 when tp = fp = fn = 0 (nothing positive predicted or present).
 * - mcc: 0 when any row or column of the confusion matrix sums to 0.
 * - balanced-accuracy: mean of recall and specificity over the classes present (one class present:
 *   that class's rate); 0 with no items.
 * - pr-auc (average precision): 0 with no positives. roc-auc: 0.5 when a class is absent.
 * - log-loss: probabilities clipped to [1e-15, 1 - 1e-15]; 0 with no items.
 */
import type { MetricName } from '../core/spec.js';
import type { Confusion, FromConfusion, FromScores } from './metric-kinds/kind.js';
import { METRIC_KINDS, METRIC_NAMES, MINIMIZED_METRICS, type ThresholdMetricName } from './metric-kinds/registry.js';
import { checkBinaryInputs, descendingOrder } from './ranking.js';

export { averagePrecision, descendingOrder, logLoss, prCurve, rocAuc, rocCurve, LOG_LOSS_EPS } from './ranking.js';
export type { PrCurve, RocCurve } from './ranking.js';
export { multiclassMetrics, type MulticlassMetrics } from './multiclass.js';
export type { Confusion } from './metric-kinds/kind.js';
export { METRIC_KINDS, METRIC_NAMES, MINIMIZED_METRICS, THRESHOLD_FREE_METRICS, metricKind, type ThresholdMetricName } from './metric-kinds/registry.js';

/** True for metrics computed from the confusion counts alone (each metric's module says so). */
export function isThresholdMetric(name: MetricName): name is ThresholdMetricName {
  return METRIC_KINDS[name].binary?.from === 'confusion';
}

/** Metrics that depend on the threshold only through the confusion counts, in report order. */
export const THRESHOLD_METRIC_NAMES: readonly ThresholdMetricName[] = METRIC_NAMES.filter(isThresholdMetric);

/** True where smaller is better (fnr, fpr, log-loss). */
export function isMinimized(name: MetricName): boolean {
  return MINIMIZED_METRICS.has(name);
}

/**
 * Confusion counts with `probs[i] >= threshold` predicted positive; labels01[i] = 1 is the
 * positive class. With `weights`, item i counts weights[i] instead of 1 (fractional counts; see
 * prevalenceWeights). Throws RangeError on bad input.
 */
export function confusionAt(probs: ArrayLike<number>, labels01: ArrayLike<number>, threshold: number, weights?: ArrayLike<number>): Confusion {
  checkBinaryInputs(probs, labels01);
  checkWeights(weights, probs.length);
  let tp = 0, fp = 0, tn = 0, fn = 0;
  for (let i = 0; i < probs.length; i++) {
    const pos = probs[i]! >= threshold;
    const w = weights === undefined ? 1 : weights[i]!;
    if (labels01[i] === 1) { if (pos) tp += w; else fn += w; } else if (pos) fp += w; else tn += w;
  }
  return { tp, fp, tn, fn };
}

/** Throws RangeError unless `weights` (when given) has `n` finite, non-negative entries. */
export function checkWeights(weights: ArrayLike<number> | undefined, n: number): void {
  if (weights === undefined) return;
  if (weights.length !== n) throw new RangeError(`weights (${weights.length}) and probabilities (${n}) differ in length`);
  for (let i = 0; i < n; i++) {
    const w = weights[i]!;
    if (!Number.isFinite(w) || w < 0) throw new RangeError(`weight ${i} is ${w}; weights must be finite and >= 0`);
  }
}

/** One threshold metric from confusion counts (counts may be fractional weights). */
export function confusionMetric(name: ThresholdMetricName, c: Confusion, beta = 1): number {
  return (METRIC_KINDS[name].binary as FromConfusion).compute(c, beta);
}

/** Every threshold metric from confusion counts (beta for fbeta, default 1). */
export function metricsFromConfusion(c: Confusion, beta = 1): Readonly<Record<ThresholdMetricName, number>> {
  const out = {} as Record<ThresholdMetricName, number>;
  for (const name of THRESHOLD_METRIC_NAMES) out[name] = confusionMetric(name, c, beta);
  return out;
}

/**
 * One metric; `threshold` is ignored by pr-auc, roc-auc and log-loss, `beta` is used by fbeta
 * only. With per-item `weights`, every metric is computed on the weighted items (confusion counts,
 * pr-auc, roc-auc and log-loss alike); without them the results are the unweighted ones, bit for bit.
 */
export function metricValue(name: MetricName, probs: ArrayLike<number>, labels01: ArrayLike<number>, threshold: number, beta = 1, weights?: ArrayLike<number>): number {
  if (isThresholdMetric(name)) return confusionMetric(name, confusionAt(probs, labels01, threshold, weights), beta);
  const scores = METRIC_KINDS[name].binary;
  if (scores === null) throw new RangeError(`${name} is a multi-class metric; it does not score a binary prediction`);
  checkBinaryInputs(probs, labels01);
  checkWeights(weights, probs.length);
  return (scores as FromScores).compute(probs, labels01, weights === undefined ? undefined : descendingOrder(probs), weights);
}

/** Every MetricName at once (one sort, one confusion pass). */
export function allMetrics(probs: ArrayLike<number>, labels01: ArrayLike<number>, threshold: number, beta = 1): Readonly<Record<MetricName, number>> {
  const byConfusion = metricsFromConfusion(confusionAt(probs, labels01, threshold), beta);
  const order = descendingOrder(probs);
  const out = {} as Record<MetricName, number>;
  for (const name of METRIC_NAMES) {
    const kind = METRIC_KINDS[name].binary as FromConfusion | FromScores;
    out[name] = kind.from === 'confusion' ? byConfusion[name as ThresholdMetricName] : kind.compute(probs, labels01, order, undefined);
  }
  // NOTE: return keys in METRIC_NAMES order so JSON output is stable.
  return Object.fromEntries(METRIC_NAMES.map((m) => [m, out[m]])) as Record<MetricName, number>;
}
