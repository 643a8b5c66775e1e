/**
 * The search's time-to-finish for the console, estimated from the trials trained in this run
 * (reused ones took no time), and which bound ends the search: the trial count or the time
 * budget. Display only; nothing here shapes a result.
 */
import { formatSeconds } from './progress.js';

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

export function estimateSearchEnd(e: EtaInput): Eta {
  const left = Math.max(0, e.planned - e.done);
  if (e.trainedSeconds.length === 0) return e.timeLeft === null ? { seconds: null, bound: 'trials' } : { seconds: e.timeLeft, bound: 'time' };
  const mean = e.trainedSeconds.reduce((a, b) => a + b, 0) / e.trainedSeconds.length;
  const lanes = Math.max(1, Math.min(e.parallel, left));
  // NOTE: counted down between finishes, but never to 0 while trials are left.
  const byTrials = left === 0 ? 0 : Math.max(1, (left * mean) / lanes - (e.sinceLastFinish ?? 0));
  if (e.timeLeft !== null && e.timeLeft < byTrials) return { seconds: e.timeLeft, bound: 'time' };
  return { seconds: byTrials, bound: 'trials' };
}

/** `ETA 29m10s, ends after 12 trials` or `ETA 11m53s, ends at the time budget`; '' while unknown. */
export function formatEta(eta: Eta, planned: number): string {
  if (eta.seconds === null) return '';
  return `ETA ${formatSeconds(eta.seconds)}, ends ${eta.bound === 'time' ? 'at the time budget' : `after ${planned} trials`}`;
}
