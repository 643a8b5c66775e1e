/**
 * Per-class arithmetic over a k x k confusion matrix (`m[true][predicted]`): each class seen
 * one-vs-rest. A rate whose denominator is 0 is 0.
 */
import { ratio } from './kind.js';

export type Matrix = readonly (readonly number[])[];

/** tp, predicted (column sum) and actual (row sum, the support) of class c. */
export function classCounts(m: Matrix, c: number): { tp: number; predicted: number; actual: number } {
  let predicted = 0, actual = 0;
  for (let o = 0; o < m.length; o++) { predicted += m[o]![c]!; actual += m[c]![o]!; }
  return { tp: m[c]![c]!, predicted, actual };
}

export function classPrecision(m: Matrix, c: number): number {
  const { tp, predicted } = classCounts(m, c);
  return ratio(tp, predicted);
}

export function classRecall(m: Matrix, c: number): number {
  const { tp, actual } = classCounts(m, c);
  return ratio(tp, actual);
}

export function classF1(m: Matrix, c: number): number {
  const { tp, predicted, actual } = classCounts(m, c);
  return ratio(2 * tp, predicted + actual);
}

/** Unweighted mean over all k classes. */
export function macro(m: Matrix, rate: (m: Matrix, c: number) => number): number {
  let s = 0;
  for (let c = 0; c < m.length; c++) s += rate(m, c);
  return m.length === 0 ? 0 : s / m.length;
}

/** Mean over classes weighted by support (their row sums); 0 with no items. */
export function weighted(m: Matrix, rate: (m: Matrix, c: number) => number): number {
  let s = 0, total = 0;
  for (let c = 0; c < m.length; c++) {
    const { actual } = classCounts(m, c);
    s += actual * rate(m, c);
    total += actual;
  }
  return ratio(s, total);
}

/** Sum of every cell. */
export function total(m: Matrix): number {
  let t = 0;
  for (const row of m) for (const v of row) t += v;
  return t;
}
