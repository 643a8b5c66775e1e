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

/**
 * Multi-class, from the k x k confusion matrix of the arg-max decision (`matrix[true][predicted]`,
 * counts possibly fractional weights).
 */
export interface FromMatrix {
  readonly from: 'matrix';
  compute(matrix: readonly (readonly number[])[]): number;
}

/** Multi-class, from the n x k probabilities (row-major) and the class index per item. */
export interface FromProbabilities {
  readonly from: 'probabilities';
  compute(probs: ArrayLike<number>, k: number, labels: ArrayLike<number>, weights: ArrayLike<number> | undefined): number;
}

export type BinaryForm = 'confusion' | 'scores' | 'none';

export interface MetricKind<N extends MetricName, F extends BinaryForm = BinaryForm> {
  readonly name: N;
  /** minimize: smaller is better (fnr, fpr, log-loss). */
  readonly direction: 'maximize' | 'minimize';
  /** The interval every value lies in, or null when unbounded (log-loss). */
  readonly range: readonly [number, number] | null;
  /** How a binary prediction is scored; null: a multi-class metric only. */
  readonly binary: F extends 'confusion' ? FromConfusion : F extends 'scores' ? FromScores : null;
  /** How a multi-class (arg-max) prediction is scored; null: a binary metric only. */
  readonly multiclass: FromMatrix | FromProbabilities | null;
}

/** a / b, or 0 when b is 0 (a rate with nothing to count is 0, never NaN). */
export function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}
