/**
 * What one metric is, in one place: its direction, the interval it lies in, and how it is
 * computed: from the confusion counts at a threshold, or from the scores alone (threshold-free).
 * Each metric lives in its own module beside this one; `registry.ts` lists them.
 */
import type { MetricName } from '../../core/spec.js';

/** Counts of a binary prediction against the truth (fractional when items carry weights). */
export interface Confusion {
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
}

/** From the confusion counts at a threshold; `beta` is read by fbeta only. */
export interface FromConfusion {
  readonly from: 'confusion';
  compute(c: Confusion, beta: number): number;
}

/**
 * From the scores alone, so it cannot choose or constrain a threshold. `order` is the items by
 * decreasing probability (descendingOrder), `weights` per-item multiplicities (optional).
 */
export interface FromScores {
  readonly from: 'scores';
  compute(probs: ArrayLike<number>, labels01: ArrayLike<number>, order: Uint32Array | undefined, weights: ArrayLike<number> | undefined): number;
}

export interface MetricKind<N extends MetricName, F extends 'confusion' | 'scores' = 'confusion' | 'scores'> {
  readonly name: N;
  /** minimize: smaller is better (fnr, fpr, log-loss). */
  readonly direction: 'maximize' | 'minimize';
  /** The interval every value lies in, or null when unbounded (log-loss). */
  readonly range: readonly [number, number] | null;
  /** How a binary prediction is scored. */
  readonly binary: F extends 'confusion' ? FromConfusion : FromScores;
}

/** a / b, or 0 when b is 0 (a rate with nothing to count is 0, never NaN). */
export function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}
