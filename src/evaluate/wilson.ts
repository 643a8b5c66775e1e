/**
 * Intervals for proportions at 0 or 1. A percentile bootstrap cannot vary there (0 false
 * positives in 750 resamples to 0 every time, so precision reads "1.000 - 1.000"); the Wilson
 * score interval still says how far 750 clean items let one trust the 1. Pure.
 */
import type { Interval } from './bootstrap.js';
import type { Confusion } from './metrics.js';

/** The normal quantile for a two-sided 95% interval. */
const Z95 = 1.959963984540054;

/** Wilson score interval for `successes` of `n` (95% unless `z` says otherwise); [0, 1] for n = 0. */
export function wilsonInterval(successes: number, n: number, z = Z95): Interval {
  if (!(n > 0)) return { estimate: Number.NaN, low: 0, high: 1 };
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // NOTE: at 0 (or n) successes the bound is exactly 0 (or 1); rounding would leave 1e-17.
  return { estimate: p, low: successes === 0 ? 0 : Math.max(0, centre - half), high: successes === n ? 1 : Math.min(1, centre + half) };
}

/** A metric that is a proportion of confusion counts: its successes and its total. */
const PROPORTIONS: Readonly<Record<string, (c: Confusion) => readonly [number, number]>> = {
  recall: (c) => [c.tp, c.tp + c.fn],
  fnr: (c) => [c.fn, c.tp + c.fn],
  precision: (c) => [c.tp, c.tp + c.fp],
  specificity: (c) => [c.tn, c.tn + c.fp],
  fpr: (c) => [c.fp, c.tn + c.fp],
};

/** An interval with how it was made: absent `method` means the percentile bootstrap. */
export type MethodInterval = Interval & { readonly method?: 'wilson' };

/**
 * `intervals` with each proportion whose estimate is exactly 0 or 1 replaced by its Wilson score
 * interval (marked `method: 'wilson'`); every other interval is returned as it was.
 */
export function withWilsonAtBounds(intervals: Readonly<Record<string, Interval>>, confusion: Confusion): Record<string, MethodInterval> {
  const out: Record<string, MethodInterval> = { ...intervals };
  for (const [metric, iv] of Object.entries(intervals)) {
    const counts = PROPORTIONS[metric];
    if (!counts || (iv.estimate !== 0 && iv.estimate !== 1)) continue;
    const [k, n] = counts(confusion);
    if (n === 0) continue;
    const w = wilsonInterval(k, n);
    out[metric] = { estimate: iv.estimate, low: w.low, high: w.high, method: 'wilson' };
  }
  return out;
}
