/**
 * Sampling: which of the pool's items the experiment uses (e.g. 160 negatives per crack).
 */
import type { Item } from '../../core/data.js';
import { DataError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import type { SamplingSpec } from '../../core/spec.js';
import { countByClass } from './units.js';

/** Item count per class index among `indices`. */
export function availableCounts(items: readonly Item[], indices: readonly number[], classCount: number): number[] {
  return countByClass(items, indices, classCount);
}

/**
 * How many items of each class a sampling spec asks for, given what is available.
 *
 * - `all`: everything available;
 * - `counts`: class name -> count (a class not named gets 0);
 * - `ratio` with `total`: `total` split by the ratio with the largest-remainder method
 *   (floors first, then the remaining items one each to the largest fractional parts, ties to
 *   the lower class index), so the counts sum to `total` exactly;
 * - `ratio` with `atMost`: as with `total: atMost` when every class can give its share, else
 *   the whole units below, each class capped at its `total: atMost` count;
 * - `ratio` without `total`: whole units of the ratio, as many as the scarcest class allows.
 *   The ratio is scaled so its smallest positive weight is 1, `m = floor(min_c available_c / w_c)`
 *   and class c gets `floor(m * w_c)`. E.g. {no-crack: 160, crack: 1} over 14,250 / 1,425
 *   available -> m = 89 -> 89 crack and 14,240 no-crack. A class with weight 0 or not named gets 0.
 *
 * Throws a DataError (code `data.sample-short`) whose message gives the real numbers of the first
 * short class and whose details list every class short of items, and `data.sample-spec` for a
 * class name not in `classes` or a negative or fractional count.
 */
export function sampleCounts(spec: SamplingSpec, available: readonly number[], classes: readonly string[]): number[] {
  switch (spec.kind) {
    case 'all':
      return [...available];
    case 'counts': {
      checkNames(spec.counts, classes, 'count', true);
      return ensureAvailable(classes.map((name) => spec.counts[name] ?? 0), available, classes, 'sampling.counts');
    }
    case 'ratio': {
      checkNames(spec.ratio, classes, 'ratio weight', false);
      const weights = classes.map((name) => spec.ratio[name] ?? 0);
      const sum = weights.reduce((a, b) => a + b, 0);
      if (!(sum > 0)) throw DataError.at('data.sample-spec', 'sampling.ratio', 'sampling ratio needs at least one class with a positive weight');
      if (spec.total !== undefined) {
        if (!Number.isInteger(spec.total) || spec.total < 0) throw DataError.at('data.sample-spec', 'sampling.total', `sampling total must be a whole number >= 0, got ${spec.total}`);
        return ensureAvailable(largestRemainder(spec.total, weights), available, classes, 'sampling.total');
      }
      if (spec.atMost !== undefined) {
        if (!Number.isInteger(spec.atMost) || spec.atMost < 0) throw DataError.at('data.sample-spec', 'sampling.at-most', `sampling at-most must be a whole number >= 0, got ${spec.atMost}`);
        const full = largestRemainder(spec.atMost, weights);
        // NOTE: exactly `total`'s draw when every class can give its share, so a pipeline moved
        // from `total: n` to `at-most: n` samples the same items on data that has enough.
        if (full.every((n, c) => n <= available[c]!)) return full;
        const units = wholeUnits(weights, available, classes);
        return units.map((n, c) => Math.min(n, full[c]!));
      }
      return wholeUnits(weights, available, classes);
    }
    default:
      return spec satisfies never;
  }
}

/**
 * Draw a sample from `pool` per `spec` (see `sampleCounts` for the counts and errors). Items of
 * each class are drawn without replacement from that class's pool items (ascending), using the
 * child stream `rng.child(className)`, so changing one class's count never reshuffles another.
 * Returns item indices ascending.
 */
export function drawSample(items: readonly Item[], pool: readonly number[], spec: SamplingSpec, classes: readonly string[], rng: Rng): number[] {
  const sorted = [...new Set(pool)].sort((a, b) => a - b);
  if (spec.kind === 'all') return sorted;
  const byClass: number[][] = classes.map(() => []);
  for (const i of sorted) {
    const item = items[i];
    if (item === undefined) throw new RangeError(`item index ${i} is out of range (0..${items.length - 1})`);
    byClass[item.label]!.push(i);
  }
  const counts = sampleCounts(spec, byClass.map((l) => l.length), classes);
  const out: number[] = [];
  byClass.forEach((list, c) => {
    const picks = rng.child(classes[c]!).sample(list.length, counts[c]!);
    for (const p of picks) out.push(list[p]!);
  });
  return out.sort((a, b) => a - b);
}

/**
 * As many whole units of the ratio as the scarcest class allows (see `sampleCounts`); with
 * `classes`, not one whole unit throws `data.sample-short` naming the classes that cannot give it.
 */
function wholeUnits(weights: readonly number[], available: readonly number[], classes?: readonly string[]): number[] {
  const smallest = Math.min(...weights.filter((w) => w > 0));
  const scaled = weights.map((w) => w / smallest);
  let units = Infinity;
  scaled.forEach((w, c) => { if (w > 0) units = Math.min(units, Math.floor(available[c]! / w + 1e-9)); });
  // NOTE: the 1e-9 absorbs float error in w / smallest; min() keeps the count within what exists.
  const counts = scaled.map((w, c) => Math.min(available[c]!, Math.floor(units * w + 1e-9)));
  // NOTE: not one whole unit of the ratio fits: report the classes that cannot give their share.
  if (units === 0 && classes) ensureAvailable(scaled.map((w) => Math.ceil(w - 1e-9)), available, classes, 'sampling.ratio');
  return counts;
}

/**
 * What the console and report should say about a sample that is smaller than asked for, or null:
 * a `ratio` with `at-most` whose classes could not all give their share, e.g. `fewer than at-most
 * 14088: no-crack has only 4750 after the hold-out, so 29 whole units of the ratio`.
 */
export function sampleShortfall(spec: SamplingSpec, available: readonly number[], counts: readonly number[], classes: readonly string[]): string | null {
  if (spec.kind !== 'ratio' || spec.atMost === undefined) return null;
  const taken = counts.reduce((a, b) => a + b, 0);
  if (taken >= spec.atMost) return null;
  const full = largestRemainder(spec.atMost, classes.map((name) => spec.ratio[name] ?? 0));
  const short = classes.flatMap((name, c) => (full[c]! > available[c]! ? [`${name} has ${available[c]} of the ${full[c]} its share needs`] : []));
  return `${taken} of at most ${spec.atMost} at the ratio: ${short.join(', ')} after the hold-out`;
}

function checkNames(record: Readonly<Record<string, number>>, classes: readonly string[], what: string, whole: boolean): void {
  const key = whole ? 'sampling.counts' : 'sampling.ratio';
  const problems: string[] = [];
  for (const [name, n] of Object.entries(record)) {
    if (!classes.includes(name)) problems.push(`${name}: not a class (classes: ${classes.join(', ')})`);
    else if (!(n >= 0) || !Number.isFinite(n) || (whole && !Number.isInteger(n))) problems.push(`${name}: ${what} must be ${whole ? 'a whole number' : 'a number'} >= 0, got ${n}`);
  }
  if (problems.length > 0) throw new DataError('data.sample-spec', `sampling is invalid: ${problems.join('; ')}`, problems, problems.map((p) => ({ at: `${key}.${p.slice(0, p.indexOf(':'))}`, message: p })));
}

function ensureAvailable(wanted: number[], available: readonly number[], classes: readonly string[], key: string): number[] {
  const short = classes.flatMap((name, c) => (wanted[c]! > available[c]! ? [{ name, want: wanted[c]!, have: available[c]! }] : []));
  if (short.length > 0) {
    const first = short[0]!;
    throw new DataError(
      'data.sample-short',
      `sampling asks for ${first.want} ${first.name} but only ${first.have} remain after the hold-out` + (short.length > 1 ? ` (and ${short.length - 1} more class${short.length > 2 ? 'es' : ''} short)` : ''),
      short.map((s) => `${s.name}: asks for ${s.want}, ${s.have} remain after the hold-out`),
      short.map((s) => ({ at: key === 'sampling.total' ? key : `${key}.${s.name}`, message: `sampling asks for ${s.want} ${s.name} but only ${s.have} remain after the hold-out` })),
    );
  }
  return wanted;
}

function largestRemainder(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const quotas = weights.map((w) => (total * w) / sum);
  const counts = quotas.map((q) => Math.floor(q + 1e-9));
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = quotas.map((q, c) => ({ c, frac: q - counts[c]! })).sort((a, b) => b.frac - a.frac || a.c - b.c);
  for (let i = 0; left > 0 && i < order.length; i++, left--) counts[order[i]!.c]! += 1;
  return counts;
}
