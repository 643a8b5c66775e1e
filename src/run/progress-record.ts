/**
 * The progress record: `progress.json` in a run folder, rewritten atomically while the run goes, so
 * `assay ui` (or anyone) can show a run in progress: its stage, the stages done, trials finished,
 * the best score so far and an estimate of the time left. Display only: nothing here shapes a
 * result, and the record is not part of what `rerun --check` compares.
 */
import type { Progress, TrialProgress } from '../stages/progress.js';
import type { Eta } from '../stages/search-eta.js';
import { writeProgress, type ProgressRecord, type ProgressState } from '../store/run-folder.js';

// The record's file name and shape are the run folder's (store/run-folder/progress.ts).
export { PROGRESS_FILE, type ProgressRecord, type ProgressState } from '../store/run-folder.js';

export interface ProgressRecorder {
  /** A Progress that forwards to `inner` and keeps the record up to date. */
  readonly progress: Progress;
  /** Wait for the writes issued so far. */
  flush(): Promise<void>;
  /** Write the final state (and wait for the write). */
  end(state: Exclude<ProgressState, 'running'>, error?: { stage: string | null; message: string }): Promise<void>;
}

export interface RecorderOptions {
  readonly dir: string;
  readonly run: string;
  readonly name: string;
  readonly version: number;
  readonly metric: string;
  /** Trials the search plans (shown before the first one finishes). */
  readonly plannedTrials?: number;
  /** Minimum milliseconds between two writes of tick updates (stage and trial events always write). */
  readonly throttleMs?: number;
  /** Clock in ms (wall time, display only); injectable for tests. */
  readonly now?: () => number;
}

/** Start recording a run's progress into `<dir>/progress.json`; writes the first record at once. */
export function recordProgress(inner: Progress, opts: RecorderOptions): ProgressRecorder {
  // NOTE: wall clock for display (ETA, timestamps) only; nothing here reaches a result.
  const now = opts.now ?? (() => Date.now());
  const throttle = opts.throttleMs ?? 250;
  const startedMs = now();
  let rec: ProgressRecord = {
    progressVersion: 1, run: opts.run, name: opts.name, version: opts.version, pid: process.pid, state: 'running',
    startedAt: new Date(startedMs).toISOString(), updatedAt: new Date(startedMs).toISOString(),
    stage: null, work: null, stages: [], trials: { done: 0, planned: opts.plannedTrials ?? null, best: null, metric: opts.metric }, etaSeconds: null, error: null,
  };
  let lastWrite = 0;
  let writing: Promise<void> = Promise.resolve();
  let ended = false;
  const write = (force: boolean) => {
    const t = now();
    if (!force && t - lastWrite < throttle) return;
    lastWrite = t;
    rec = { ...rec, updatedAt: new Date(t).toISOString() };
    const snapshot = rec;
    // Writes are chained so an older record never replaces a newer one; a failed write is dropped.
    writing = writing.then(() => writeProgress(opts.dir, snapshot)).catch(() => undefined);
  };
  const update = (patch: Partial<ProgressRecord>, force: boolean) => {
    if (ended) return;
    rec = { ...rec, ...patch };
    write(force);
  };
  write(true);
  const progress: Progress = {
    stageStart(name) {
      inner.stageStart(name);
      update({ stage: name, work: null }, true);
    },
    tick(done, total, detail) {
      inner.tick(done, total, detail);
      update({ work: { done, total, detail: detail ?? null } }, false);
    },
    line(text, kind) {
      inner.line(text, kind);
    },
    trial(t: TrialProgress) {
      inner.trial?.(t);
      update({ trials: { done: rec.trials.done + 1, planned: t.planned, best: t.best, metric: opts.metric } }, true);
    },
    eta(e: Eta) {
      inner.eta?.(e);
      // NOTE: the search's own estimate, the one its console lines show (stages/search-eta.ts).
      update({ etaSeconds: e.seconds }, false);
    },
    stageEnd(r) {
      inner.stageEnd(r);
      update({ stage: null, work: null, stages: [...rec.stages, { name: r.name, cached: r.cached, seconds: Math.round(r.seconds * 1000) / 1000 }], ...(r.name === 'search' ? { etaSeconds: 0 } : {}) }, true);
    },
    stageFailed(name, err) {
      inner.stageFailed(name, err);
    },
  };
  return {
    progress,
    flush: () => writing,
    async end(state, error) {
      if (ended) return writing;
      rec = { ...rec, state, stage: null, work: null, etaSeconds: state === 'finished' ? 0 : null, error: error ?? null };
      write(true);
      ended = true;
      return writing;
    },
  };
}
