/**
 * `progress.json`: the run's progress as it goes (version 1), rewritten atomically while the run
 * goes (run/progress-record.ts keeps it), so `assay ui` (or anyone) can show a run in progress.
 * Display only: not part of what `rerun --check` compares.
 */
import path from 'node:path';
import { readJson, writeJsonAtomic } from './io.js';
import { PROGRESS_FILE } from './names.js';

export type ProgressState = 'running' | 'finished' | 'failed';

/** The shape of `progress.json` (version 1). */
export interface ProgressRecord {
  readonly progressVersion: 1;
  readonly run: string;
  readonly name: string;
  readonly version: number;
  readonly pid: number;
  readonly state: ProgressState;
  readonly startedAt: string;
  readonly updatedAt: string;
  /** The stage running now (null between stages and once the run ended). */
  readonly stage: string | null;
  /** Work inside the current stage, from the last tick. */
  readonly work: { readonly done: number; readonly total: number; readonly detail: string | null } | null;
  readonly stages: readonly { readonly name: string; readonly cached: boolean; readonly seconds: number }[];
  readonly trials: { readonly done: number; readonly planned: number | null; readonly best: number | null; readonly metric: string | null };
  /** Seconds left in the search: the estimate the console's ETA shows (stages/search-eta.ts); null when unknown. */
  readonly etaSeconds: number | null;
  /** Set when state is `failed`: the stage and the message. */
  readonly error: { readonly stage: string | null; readonly message: string } | null;
}

/** Write progress.json (indented, final line break). */
export async function writeProgress(dir: string, record: ProgressRecord): Promise<void> {
  await writeJsonAtomic(path.join(dir, PROGRESS_FILE), record);
}

/** progress.json, or null when there is none (older runs) or it is unreadable. The shape is not checked. */
export async function readProgress(dir: string): Promise<ProgressRecord | null> {
  return readJson<ProgressRecord>(path.join(dir, PROGRESS_FILE));
}
