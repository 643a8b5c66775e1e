/** "did you mean ...?" suggestions by edit distance, for misspelled keys, kinds and class names. */

/** Optimal-string-alignment distance: Levenshtein plus adjacent transpositions (`centre` -> `center` is 1). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
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
    const dist = Math.min(editDistance(given, c), editDistance(g, squash(c)));
    if (dist < bestD) { best = c; bestD = dist; }
  }
  return bestD <= limit ? best : undefined;
}

/** `did you mean "x"?`, or undefined. */
export function didYouMean(given: string, candidates: readonly string[]): string | undefined {
  const c = closest(given, candidates);
  return c === undefined ? undefined : `did you mean "${c}"?`;
}
