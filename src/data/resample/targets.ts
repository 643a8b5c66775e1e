/**
 * Class-count arithmetic shared by the resampling methods. `ratio` is minority / majority after
 * resampling, 0 < ratio <= 1. A class with no rows stays at 0 under every method (nothing to copy,
 * interpolate or keep). The 1e-9 slack absorbs float error in `ratio * count` (0.3 * 10 is
 * 3.0000000000000004 in float64, and must give 3).
 */

/** Rows per class index. */
export function classCounts(y: Uint8Array, classCount: number): number[] {
  const counts = new Array<number>(classCount).fill(0);
  for (let i = 0; i < y.length; i++) {
    const c = y[i]!;
    if (c >= classCount) throw new RangeError(`label ${c} at row ${i} is outside 0..${classCount - 1}`);
    counts[c]! += 1;
  }
  return counts;
}

/** Growing: every present class up to `ceil(ratio * largest)` (never fewer than it has). */
export function growTargets(counts: readonly number[], ratio: number): number[] {
  const largest = Math.max(0, ...counts);
  const floor = Math.ceil(ratio * largest - 1e-9);
  return counts.map((n) => (n === 0 ? 0 : Math.max(n, floor)));
}

/**
 * Shrinking: every class down to at most `floor(smallest / ratio)`, where `smallest` is the
 * smallest present class, so smallest / each >= ratio. The smallest class keeps all its rows.
 */
export function shrinkTargets(counts: readonly number[], ratio: number): number[] {
  const present = counts.filter((n) => n > 0);
  if (present.length === 0) return [...counts];
  const smallest = Math.min(...present);
  const cap = Math.max(smallest, Math.floor(smallest / ratio + 1e-9));
  return counts.map((n) => Math.min(n, cap));
}

/** Row indices of each class, ascending. */
export function rowsByClass(y: Uint8Array, classCount: number): number[][] {
  const rows: number[][] = Array.from({ length: classCount }, () => []);
  for (let i = 0; i < y.length; i++) rows[y[i]!]!.push(i);
  return rows;
}
