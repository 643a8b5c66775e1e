/**
 * Percentile bootstrap intervals for hold-out metrics, and a paired bootstrap for the difference
 * between two models scored on the same items. Seeded through the project Rng; no allocation per
 * resample or per metric (threshold metrics count confusions while drawing; ranking metrics reuse
 * one sorted order and a multiplicity array).
 */
import type { MetricName } from '../core/spec.js';
import type { Rng } from '../core/rng.js';
import { confusionMetric, isThresholdMetric, metricValue } from './metrics.js';
import type { FromScores } from './metric-kinds/kind.js';
import { METRIC_KINDS } from './metric-kinds/registry.js';
import { checkBinaryInputs, descendingOrder } from './ranking.js';

export interface BootstrapOptions {
  /** Number of resamples (integer >= 1). */
  readonly resamples: number;
  /** Consumed by the draws: pass a dedicated child stream (e.g. `rng.child('bootstrap')`). */
  readonly rng: Rng;
  /** Central coverage of the interval, in (0, 1); default 0.95. */
  readonly level?: number;
  /** Resample positives and negatives separately so each resample keeps the class counts (default true). */
  readonly stratified?: boolean;
  /** beta for fbeta (default 1). */
  readonly beta?: number;
}

/** A point estimate on the data as given, with the percentile interval of the resampled values. */
export interface Interval {
  readonly estimate: number;
  readonly low: number;
  readonly high: number;
}

/** Scores of one model on the shared items. */
export interface ScoredModel {
  readonly probs: ArrayLike<number>;
  readonly threshold: number;
}

/** Resamples of item multiplicities; `draw` fills `weights` and returns the counts by class. */
class Resampler {
  readonly weights: Uint32Array;
  private readonly pos: Uint32Array;
  private readonly neg: Uint32Array;
  constructor(labels01: ArrayLike<number>, private readonly rng: Rng, private readonly stratified: boolean) {
    const pos: number[] = [], neg: number[] = [];
    for (let i = 0; i < labels01.length; i++) (labels01[i] === 1 ? pos : neg).push(i);
    this.pos = Uint32Array.from(pos);
    this.neg = Uint32Array.from(neg);
    this.weights = new Uint32Array(labels01.length);
  }

  draw(): void {
    const w = this.weights, n = w.length;
    w.fill(0);
    if (!this.stratified) {
      for (let j = 0; j < n; j++) w[this.rng.int(n)]!++;
      return;
    }
    const { pos, neg } = this;
    for (let j = 0; j < pos.length; j++) w[pos[this.rng.int(pos.length)]!]!++;
    for (let j = 0; j < neg.length; j++) w[neg[this.rng.int(neg.length)]!]!++;
  }
}

/** A metric evaluated on the current resample weights. */
type WeightedMetric = (weights: Uint32Array) => number;

function weightedMetric(metric: MetricName, probs: ArrayLike<number>, labels01: ArrayLike<number>, threshold: number, beta: number): WeightedMetric {
  if (isThresholdMetric(metric)) {
    // NOTE: code each item once as 0..3 (label * 2 + predicted) so a resample's confusion is one pass.
    const code = new Uint8Array(probs.length);
    for (let i = 0; i < code.length; i++) code[i] = (labels01[i] === 1 ? 2 : 0) + (probs[i]! >= threshold ? 1 : 0);
    const counts = new Float64Array(4);
    return (w) => {
      counts.fill(0);
      for (let i = 0; i < code.length; i++) counts[code[i]!]! += w[i]!;
      return confusionMetric(metric, { tn: counts[0]!, fp: counts[1]!, fn: counts[2]!, tp: counts[3]! }, beta);
    };
  }
  const scores = METRIC_KINDS[metric].binary as FromScores;
  const order = descendingOrder(probs);
  return (w) => scores.compute(probs, labels01, order, w);
}

function checkOptions(opts: BootstrapOptions): { level: number; stratified: boolean; beta: number } {
  const level = opts.level ?? 0.95;
  if (!Number.isInteger(opts.resamples) || opts.resamples < 1) throw new RangeError(`resamples must be an integer >= 1, got ${opts.resamples}`);
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  return { level, stratified: opts.stratified ?? true, beta: opts.beta ?? 1 };
}

/** Linear-interpolation quantile (type 7) of ascending-sorted values. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h), hi = Math.ceil(h);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** The central `level` interval of resampled values (sorts `values` in place). */
export function percentile(values: Float64Array, level: number): { low: number; high: number } {
  values.sort();
  const a = (1 - level) / 2;
  return { low: quantileSorted(values, a), high: quantileSorted(values, 1 - a) };
}

/**
 * Percentile bootstrap interval for each metric at a fixed threshold, keyed by metric name.
 * Deterministic for a given Rng path; stratified by default (every resample keeps the positive and
 * negative counts). Throws RangeError on bad input or options.
 */
export function bootstrapIntervals(
  probs: ArrayLike<number>, labels01: ArrayLike<number>, threshold: number,
  metrics: readonly MetricName[], opts: BootstrapOptions,
): Record<string, Interval> {
  checkBinaryInputs(probs, labels01);
  const { level, stratified, beta } = checkOptions(opts);
  const fns = metrics.map((m) => weightedMetric(m, probs, labels01, threshold, beta));
  const values = metrics.map(() => new Float64Array(opts.resamples));
  const sampler = new Resampler(labels01, opts.rng, stratified);
  for (let r = 0; r < opts.resamples; r++) {
    sampler.draw();
    for (let k = 0; k < fns.length; k++) values[k]![r] = fns[k]!(sampler.weights);
  }
  const out: Record<string, Interval> = {};
  metrics.forEach((m, k) => {
    out[m] = { estimate: metricValue(m, probs, labels01, threshold, beta), ...percentile(values[k]!, level) };
  });
  return out;
}

/**
 * Paired bootstrap of `metric(b) - metric(a)` on the same items in the same order: each resample
 * scores both models on the same drawn items, so item difficulty cancels out. A positive delta
 * means b scores higher (better for maximised metrics, worse for fnr/fpr/log-loss).
 */
export function pairedBootstrapDelta(
  a: ScoredModel, b: ScoredModel, labels01: ArrayLike<number>, metric: MetricName, opts: BootstrapOptions,
): { delta: number; low: number; high: number } {
  checkBinaryInputs(a.probs, labels01);
  checkBinaryInputs(b.probs, labels01);
  const { level, stratified, beta } = checkOptions(opts);
  const fa = weightedMetric(metric, a.probs, labels01, a.threshold, beta);
  const fb = weightedMetric(metric, b.probs, labels01, b.threshold, beta);
  const deltas = new Float64Array(opts.resamples);
  const sampler = new Resampler(labels01, opts.rng, stratified);
  for (let r = 0; r < opts.resamples; r++) {
    sampler.draw();
    deltas[r] = fb(sampler.weights) - fa(sampler.weights);
  }
  const delta = metricValue(metric, b.probs, labels01, b.threshold, beta) - metricValue(metric, a.probs, labels01, a.threshold, beta);
  return { delta, ...percentile(deltas, level) };
}
