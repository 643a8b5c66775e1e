/**
 * metrics.json as the current writer writes it, from any earlier version: `search.best` (the
 * index from 0) becomes `search.bestTrial` (from 1), and a proportion's bootstrap interval at 0
 * or 1 becomes the Wilson interval written since. So `rerun --check` of an older run compares
 * results, not formats. Pure.
 */
import { withWilsonAtBounds } from '../evaluate/wilson.js';
import type { Interval } from '../evaluate/bootstrap.js';
import type { Confusion } from '../evaluate/metrics.js';
import { bestTrialNumber } from './trial-number.js';

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function currentMetricsShape(metrics: Json): Json {
  const out: Json = { ...metrics };
  if (isMap(metrics.search) && !('bestTrial' in metrics.search) && typeof metrics.search.best === 'number') {
    const { best: _best, ...rest } = metrics.search;
    out.search = { ...rest, bestTrial: bestTrialNumber(metrics as { search: { best: number } }) };
  }
  const h = metrics.holdout;
  if (isMap(h) && isMap(h.intervals) && isMap(h.confusion)) {
    out.holdout = { ...h, intervals: withWilsonAtBounds(h.intervals as Record<string, Interval>, h.confusion as unknown as Confusion) };
  }
  return out;
}
