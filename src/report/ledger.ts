/**
 * The hold-out ledger in words. A hold-out estimates a model's quality honestly only while
 * nothing was chosen by looking at it; every further run of the same experiment scored on the
 * same items, and picked for its hold-out score, makes the picked estimate optimistic.
 */

/** One sentence for `count` runs of one experiment that scored one hold-out (this run included). */
export function ledgerSentence(count: number): string {
  if (count <= 1) return 'This is the first run of this experiment to score this hold-out.';
  return `This hold-out has been scored by ${count} runs of this experiment; choosing among them makes its estimate optimistic.`;
}

/** A short cell for tables: `1`, or `4 (optimistic)`. */
export function ledgerCell(count: number | null): string {
  if (count === null) return '-';
  return count <= 1 ? '1' : `${count}!`;
}
