/** "did you mean ...?" suggestions by edit distance, for misspelled keys, kinds and class names. */

/** Optimal-string-alignment distance: Levenshtein plus adjacent transpositions (`centre` -> `center` is 1). */
export function editDistance(a: string, b: string): number {
  // NOTE: three rolling rows (the transposition looks two rows back) instead of a full table.
  const n = b.length;
  let prev2 = new Int32Array(n + 1);
  let prev = Int32Array.from({ length: n + 1 }, (_, j) => j);
  let row = new Int32Array(n + 1);
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      row[j] = v;
    }
    [prev2, prev, row] = [prev, row, prev2];
  }
  return prev[n]!;
}

/** Lower-case and drop separators, so `batchSize`, `batch_size` and `BATCH-SIZE` all read `batchsize`. */
function squash(s: string): string {
  return s.toLowerCase().replace(/[-_ .]/g, '');
}

/**
 * The candidate closest to `given`, or undefined when none is plausibly meant: same letters up to
 * case and separators, or within an edit distance of 1 (short words), 2 (5+ letters) or 3 (10+).
 * Ties go to the earlier candidate.
 */
export function closest(given: string, candidates: readonly string[]): string | undefined {
  const g = squash(given);
  const same = candidates.find((c) => squash(c) === g);
  if (same !== undefined) return same;
  const limit = given.length >= 10 ? 3 : given.length >= 5 ? 2 : 1;
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    // NOTE: a distance is at least the difference in length; such candidates can never be chosen.
    const sc = squash(c);
    if (Math.abs(given.length - c.length) > limit && Math.abs(g.length - sc.length) > limit) continue;
    const dist = Math.min(editDistance(given, c), editDistance(g, sc));
    if (dist < bestD) { best = c; bestD = dist; }
  }
  return bestD <= limit ? best : undefined;
}

/** `did you mean "x"?`, or undefined. */
export function didYouMean(given: string, candidates: readonly string[]): string | undefined {
  const c = closest(given, candidates);
  return c === undefined ? undefined : `did you mean "${c}"?`;
}
