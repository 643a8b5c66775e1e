/**
 * The search's time-to-finish, estimated from the trials trained in this run (reused ones took no
 * time), and which bound ends the search: the trial count or the time budget. One estimate feeds
 * both the console's `ETA` text and the progress record's `etaSeconds` (announceEta), so the two
 * never disagree. Display only; nothing here shapes a result.
 */
import { formatSeconds, type Progress } from './progress.js';

export interface EtaInput {
  /** Trials planned (search.trials). */
  readonly planned: number;
  /** Trials finished so far (trained or reused). */
  readonly done: number;
  /** Seconds each trial trained in this run took (reused trials left out). */
  readonly trainedSeconds: readonly number[];
  /** Most trials running at once. */
  readonly parallel: number;
  /** Seconds left of the time budget; null when there is none. */
  readonly timeLeft: number | null;
  /** Seconds since the last trial finished (the estimate counts down between finishes). */
  readonly sinceLastFinish?: number;
}

export interface Eta {
  /** Estimated seconds until the search ends; null until one trial has trained (and no deadline). */
  readonly seconds: number | null;
  /** What ends the search: the trial count, or the time budget. */
  readonly bound: 'trials' | 'time';
}

/** Seconds to one decimal, as shown (the console and progress.json hold the same number). */
const shown = (seconds: number): number => Math.round(seconds * 10) / 10;

export function estimateSearchEnd(e: EtaInput): Eta {
  const left = Math.max(0, e.planned - e.done);
  if (e.trainedSeconds.length === 0) return e.timeLeft === null ? { seconds: null, bound: 'trials' } : { seconds: shown(e.timeLeft), bound: 'time' };
  const mean = e.trainedSeconds.reduce((a, b) => a + b, 0) / e.trainedSeconds.length;
  const lanes = Math.max(1, Math.min(e.parallel, left));
  // NOTE: counted down between finishes, but never to 0 while trials are left.
  const byTrials = left === 0 ? 0 : Math.max(1, (left * mean) / lanes - (e.sinceLastFinish ?? 0));
  if (e.timeLeft !== null && e.timeLeft < byTrials) return { seconds: shown(e.timeLeft), bound: 'time' };
  return { seconds: shown(byTrials), bound: 'trials' };
}

/** `ETA 29m10s, ends after 12 trials` or `ETA 11m53s, ends at the time budget`; '' while unknown. */
export function formatEta(eta: Eta, planned: number): string {
  if (eta.seconds === null) return '';
  return `ETA ${formatSeconds(eta.seconds)}, ends ${eta.bound === 'time' ? 'at the time budget' : `after ${planned} trials`}`;
}

/** What the search knows for its estimate, fed as trials finish. */
export interface SearchEtaTracker {
  /** Trials finished so far (never goes backwards with parallel trials reporting out of order). */
  readonly finished: number;
  /** A trial finished: `done` finished in all, `trainedSeconds` its training time, or null when it was reused or failed. */
  finish(done: number, trainedSeconds: number | null): void;
  /** The estimate now. */
  estimate(): Eta;
}

export interface TrackerOptions {
  readonly planned: number;
  readonly parallel: number;
  /** Wall-clock ms when the time budget ends; null when there is none. */
  readonly deadlineMs: number | null;
  /** Wall clock in ms (display only); injectable for tests. */
  readonly now?: () => number;
}

export function searchEtaTracker(opts: TrackerOptions): SearchEtaTracker {
  // NOTE: wall clock for the displayed estimate only; nothing here reaches a result.
  const now = opts.now ?? (() => Date.now());
  let finished = 0;
  let lastFinish = now();
  const trained: number[] = [];
  return {
    get finished() { return finished; },
    finish(done, trainedSeconds) {
      finished = Math.max(finished, done);
      if (trainedSeconds !== null) trained.push(trainedSeconds);
      lastFinish = now();
    },
    estimate() {
      const t = now();
      return estimateSearchEnd({
        planned: opts.planned, done: finished, trainedSeconds: trained, parallel: opts.parallel,
        timeLeft: opts.deadlineMs === null ? null : Math.max(0, (opts.deadlineMs - t) / 1000),
        sinceLastFinish: (t - lastFinish) / 1000,
      });
    },
  };
}

/**
 * Estimate the search's end once, hand it to `progress.eta` (the progress record) and return the
 * console's text for it (`ETA 2m05s, ends after 12 trials`; '' while unknown or when no trial is left).
 */
export function announceEta(progress: Progress, tracker: SearchEtaTracker, planned: number): string {
  const eta = tracker.estimate();
  progress.eta?.(eta);
  return tracker.finished < planned ? formatEta(eta, planned) : '';
}
