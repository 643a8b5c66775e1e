/**
 * `trials.jsonl`: one compact JSON line per trial, as the search recorded it, without the
 * validation probabilities (they are large and live in the cache). Readers take each line as
 * plain JSON and skip a malformed one.
 */
import path from 'node:path';
import { readTextOrNull, writeFileAtomic } from './io.js';
import { TRIALS_FILE } from './names.js';

/** One trial line as read: plain JSON (`index`, `family`, `params`, `score`, `curves`, ...). */
export type TrialLine = Readonly<Record<string, unknown>>;

/** The text of trials.jsonl for `trials` (each without `valProbabilities`). */
export function trialsJsonl(trials: readonly object[]): string {
  return trials.map((t) => JSON.stringify({ ...t, valProbabilities: undefined })).join('\n') + '\n';
}

export async function writeTrials(dir: string, trials: readonly object[]): Promise<void> {
  await writeFileAtomic(path.join(dir, TRIALS_FILE), trialsJsonl(trials));
}

/** Parse trials.jsonl text leniently: blank and malformed lines (and lines that are not objects) are skipped. */
export function parseTrialLines(text: string): TrialLine[] {
  const out: TrialLine[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let t: unknown;
    try {
      t = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof t === 'object' && t !== null && !Array.isArray(t)) out.push(t as TrialLine);
  }
  return out;
}

/** A run's trial lines; empty when the file is missing or unreadable. */
export async function readTrials(dir: string): Promise<TrialLine[]> {
  return parseTrialLines((await readTextOrNull(path.join(dir, TRIALS_FILE))) ?? '');
}
