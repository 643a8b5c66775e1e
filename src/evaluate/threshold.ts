/**
 * Choosing the decision threshold on validation probabilities: fixed, tuned for a metric, or
 * tuned under constraints (e.g. recall >= 0.95). One sort and one sweep: O(n log n).
 */
import type { Comparison, MetricName, ThresholdSpec } from '../core/spec.js';
import { checkWeights, confusionMetric, isMinimized, isThresholdMetric, metricValue, type Confusion } from './metrics.js';
import { checkBinaryInputs, descendingOrder } from './ranking.js';

/**
 * Every distinct decision over the data. Candidate c (0..m, m = number of distinct probabilities)
 * predicts the items with the c highest distinct probabilities positive: candidate 0 predicts
 * none, candidate m predicts all. Thresholds decrease with c.
 */
export interface ThresholdSweep {
  /** A representative threshold per candidate: the midpoint between consecutive distinct probabilities; (max+1)/2 for "none", min/2 for "all". */
  readonly thresholds: Float64Array;
  /** Cumulative true / false positives per candidate (weighted sums when the sweep has weights). */
  readonly tp: Float64Array;
  readonly fp: Float64Array;
  readonly positives: number;
  readonly negatives: number;
  /** The distinct probabilities, descending: candidate c predicts those >= distinct[c - 1] positive. */
  readonly distinct: Float64Array;
}

/**
 * The candidate decisions for `probs` (throws RangeError on bad input). With per-item `weights`,
 * item i counts weights[i] in tp/fp/positives/negatives instead of 1.
 */
export function thresholdSweep(probs: ArrayLike<number>, labels01: ArrayLike<number>, weights?: ArrayLike<number>): ThresholdSweep {
  checkBinaryInputs(probs, labels01);
  checkWeights(weights, probs.length);
  const order = descendingOrder(probs);
  const distinct: number[] = [];
  const tp: number[] = [0], fp: number[] = [0];
  let t = 0, f = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    const w = weights === undefined ? 1 : weights[i]!;
    if (labels01[i] === 1) t += w; else f += w;
    if (k === order.length - 1 || probs[order[k + 1]!] !== probs[i]) { distinct.push(probs[i]!); tp.push(t); fp.push(f); }
  }
  const m = distinct.length;
  const thresholds = new Float64Array(m + 1);
  if (m === 0) thresholds[0] = 0.5;
  else {
    const top = distinct[0]!;
    // NOTE: "none" must exceed the top probability; past 1 (or for scores >= 1) step just above it.
    thresholds[0] = top < 1 ? (top + 1) / 2 : top + Math.max(Number.EPSILON, Math.abs(top) * Number.EPSILON * 2);
    for (let c = 1; c < m; c++) {
      const hi = distinct[c - 1]!, lo = distinct[c]!;
      const mid = (hi + lo) / 2;
      thresholds[c] = mid > lo && mid <= hi ? mid : hi; // adjacent doubles: hi itself separates them
    }
    const low = distinct[m - 1]!;
    thresholds[m] = low > 0 ? low / 2 : low;
  }
  return { thresholds, tp: Float64Array.from(tp), fp: Float64Array.from(fp), positives: t, negatives: f, distinct: Float64Array.from(distinct) };
}

/** Confusion counts of candidate c. */
export function candidateConfusion(s: ThresholdSweep, c: number): Confusion {
  const tp = s.tp[c]!, fp = s.fp[c]!;
  return { tp, fp, fn: s.positives - tp, tn: s.negatives - fp };
}

/** `metric` at every candidate (decreasing thresholds): the metric-vs-threshold curve. */
export function metricCurve(probs: ArrayLike<number>, labels01: ArrayLike<number>, metric: MetricName, beta = 1): { thresholds: number[]; values: number[] } {
  const s = thresholdSweep(probs, labels01);
  const values = candidateValues(s, metric, probs, labels01, beta);
  return { thresholds: Array.from(s.thresholds), values: Array.from(values) };
}

function candidateValues(s: ThresholdSweep, metric: MetricName, probs: ArrayLike<number>, labels01: ArrayLike<number>, beta: number, weights?: ArrayLike<number>): Float64Array {
  const out = new Float64Array(s.thresholds.length);
  if (isThresholdMetric(metric)) {
    for (let c = 0; c < out.length; c++) out[c] = confusionMetric(metric, candidateConfusion(s, c), beta);
  } else {
    // NOTE: threshold-free metrics are constant over candidates, so they never decide the threshold.
    const v = metricValue(metric, probs, labels01, 0.5, beta, weights);
    out.fill(v);
  }
  return out;
}

/** What chooseThreshold decided. */
export interface ThresholdChoice {
  readonly threshold: number;
  /** The objective `metric` at `threshold`. */
  readonly value: number;
  /** False only for 'constrained' when no threshold meets every constraint. */
  readonly feasible: boolean;
  /** The optimised metric's value (equals `value` unless 'constrained' optimises another metric). */
  readonly optimized: number;
  /** Summed shortfall over the constraints (0 when feasible). */
  readonly violation: number;
}

/** Shortfall of `value` against `op target` (0 when met; strict comparisons count equality as 1e-12 short). */
export function constraintShortfall(value: number, op: Comparison, target: number): number {
  switch (op) {
    case '>=': return Math.max(0, target - value);
    case '<=': return Math.max(0, value - target);
    case '>': return value > target ? 0 : target - value + 1e-12;
    case '<': return value < target ? 0 : value - target + 1e-12;
    default: return op satisfies never;
  }
}

/**
 * 'fixed': that threshold. 'tune': the candidate optimising `metric` (maximised, or minimised for
 * fnr/fpr/log-loss). 'constrained': the candidate optimising `spec.optimize` among those meeting
 * every `subjectTo` constraint; when none does, the one with the least summed shortfall (then the
 * best optimised value), with feasible = false.
 *
 * Ties: the best candidates form contiguous plateaus; the widest plateau (in threshold span;
 * equal spans: the higher thresholds) wins. Every threshold in the open interval between the
 * highest probability that plateau predicts negative (lo) and the lowest it predicts positive (hi)
 * is equally good on these items; the choice is lo + r * (hi - lo) with r = (P + 1) / (P + N + 2)
 * for P positive and N negative items (counted, not weighted): the middle for balanced classes,
 * near the top of the majority's scores when one class is rare. When the plateau includes
 * "none" or "all", the midpoint of its end candidates' thresholds.
 *
 * NOTE: why not always the middle: each end of the interval is the extreme of one class's scores,
 * and a new item of a class passes the extreme of n seen ones with probability 1 / (n + 1). With
 * 18 validation cracks and 2,800 surfaces, a new crack falls below the lowest validation crack
 * about 150 times as often as a new surface rises above the highest validation surface, so the
 * threshold belongs near the surfaces' edge: the middle traded missed cracks for nothing.
 *
 * `weights` (per item, optional): every count, curve and metric uses weighted items, e.g.
 * `prevalenceWeights` to tune for another class mix. Omitted: the unweighted results exactly.
 */
export function chooseThreshold(spec: ThresholdSpec, metric: MetricName, probs: ArrayLike<number>, labels01: ArrayLike<number>, beta: number, weights?: ArrayLike<number>): ThresholdChoice {
  if (spec.kind === 'fixed') {
    const value = metricValue(metric, probs, labels01, spec.value, beta, weights);
    return { threshold: spec.value, value, feasible: true, optimized: value, violation: 0 };
  }
  const s = thresholdSweep(probs, labels01, weights);
  const n = s.thresholds.length;
  const optimize = spec.kind === 'tune' ? metric : spec.optimize;
  const sign = isMinimized(optimize) ? -1 : 1;
  const score = candidateValues(s, optimize, probs, labels01, beta, weights).map((v) => sign * v);
  const violation = new Float64Array(n);
  if (spec.kind === 'constrained') {
    for (const con of spec.subjectTo) {
      const vals = candidateValues(s, con.metric, probs, labels01, beta, weights);
      for (let c = 0; c < n; c++) violation[c]! += constraintShortfall(vals[c]!, con.op, con.value);
    }
  }
  let minViolation = Infinity;
  for (let c = 0; c < n; c++) minViolation = Math.min(minViolation, violation[c]!);
  let best = -Infinity;
  for (let c = 0; c < n; c++) if (near(violation[c]!, minViolation)) best = Math.max(best, score[c]!);
  const good = (c: number): boolean => near(violation[c]!, minViolation) && near(score[c]!, best);
  let pick: [number, number] | null = null;
  for (let c = 0; c < n; c++) {
    if (!good(c) || (c > 0 && good(c - 1))) continue;
    let e = c;
    while (e + 1 < n && good(e + 1)) e++;
    if (pick === null || s.thresholds[c]! - s.thresholds[e]! > s.thresholds[pick[0]]! - s.thresholds[pick[1]]!) pick = [c, e];
  }
  const [a, b] = pick!;
  const threshold = a >= 1 && b < n - 1 ? inGap(s.distinct[b]!, s.distinct[a - 1]!, labels01)
    : a === b ? s.thresholds[a]! : (s.thresholds[a]! + s.thresholds[b]!) / 2;
  const value = metricValue(metric, probs, labels01, threshold, beta, weights);
  const optimized = metricValue(optimize, probs, labels01, threshold, beta, weights);
  return { threshold, value, feasible: minViolation === 0, optimized, violation: minViolation };
}

/**
 * A threshold in (lo, hi], at the fraction (P + 1) / (P + N + 2) of the way up from lo (counts
 * of positive and negative items); hi itself when lo and hi are adjacent doubles.
 */
function inGap(lo: number, hi: number, labels01: ArrayLike<number>): number {
  let p = 0;
  for (let i = 0; i < labels01.length; i++) p += labels01[i] === 1 ? 1 : 0;
  const r = (p + 1) / (labels01.length + 2);
  const t = lo + r * (hi - lo);
  return t > lo && t <= hi ? t : hi;
}

function near(x: number, y: number): boolean {
  return Math.abs(x - y) <= 1e-12 * Math.max(1, Math.abs(y));
}
