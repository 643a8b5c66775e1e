/**
 * The search loop: a deterministic sliding window over trial indices. Trial i is proposed from
 * the results of trials 0..i-lag (lag defaults to `parallel`), with the plans i-lag+1..i-1 still
 * counted as pending, and starts as soon as those results are in and fewer than `parallel` trials
 * run. Each trial depends on a fixed set of earlier indices, never on which worker finished first,
 * so the plans, seeds, peers and the best trial are the same for any completion order, while a
 * worker that finishes early starts the next trial instead of waiting for a whole batch. The time
 * budget is the one documented exception: it is checked before each new trial (trials in flight
 * finish), so how many trials run may vary.
 */
import { AssayError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import type { FamilyName, ModelSpec, Params, TrainingSpec } from '../../core/spec.js';
import type { TrialResult } from '../protocol.js';
import { Budget } from './budget.js';
import { buildSpace, resolveProposal } from './space.js';
import { createStrategy, type Observation, type Strategy, type StrategyName } from './strategy.js';

/** One trial as the search plans it; the caller adds data, objective and training settings. */
export interface TrialPlan {
  readonly index: number;
  readonly family: FamilyName;
  /** Every parameter of the family, defaults filled (resolveParams). */
  readonly params: Params;
  /** Seed for the trial's own randomness, derived from the search rng and the index alone. */
  readonly seed: number;
  /** Per-epoch validation objective of the non-failed trials 0..index-lag, ordered by index. */
  readonly peers: readonly (readonly number[])[];
}

export type StoppedBy = 'trials' | 'time' | 'exhausted';

/**
 * `start` as each trial is handed to `execute`, in index order. `trial` as each trial finishes, in
 * completion order (which varies between runs); its `best` is the best of the trials finished so
 * far (null while every one failed), for display only: the outcome's best is by index.
 */
export type SearchEvent =
  | { readonly kind: 'start'; readonly plan: TrialPlan }
  | { readonly kind: 'trial'; readonly result: TrialResult; readonly best: TrialResult | null; readonly done: number; readonly planned: number }
  | { readonly kind: 'stopped'; readonly stoppedBy: StoppedBy; readonly used: { readonly trials: number; readonly seconds: number } };

export interface SearchOptions {
  /** A strategy name (built with `startup` and `minimize`) or a ready strategy. */
  readonly strategy: StrategyName | Strategy;
  readonly families: ModelSpec['families'];
  readonly space: ModelSpec['space'];
  /** Training settings, for the defaults `resolveParams` fills in. */
  readonly training: TrainingSpec;
  readonly trials: number;
  readonly timeSeconds: number | null;
  /** Most trials running at once. */
  readonly parallel: number;
  /**
   * Trial i is proposed from the results of trials 0..i-lag and waits for them. Default and usual
   * value: `parallel`. A larger lag lets a free worker run further ahead of a slow trial, at the
   * cost of proposals that see fewer results.
   */
  readonly lag?: number;
  readonly startup: number;
  readonly minimize: boolean;
  readonly rng: Rng;
  /** Seconds, monotonic; read only for the time budget. Default: performance.now() / 1000. */
  readonly clock?: () => number;
  /**
   * Runs one trial and resolves with its result (same index). Up to `parallel` calls are in
   * flight at once; they may finish in any order. A rejection ends the search (after the trials
   * in flight settle) with that error.
   */
  readonly execute: (plan: TrialPlan) => Promise<TrialResult>;
  readonly onProgress?: (e: SearchEvent) => void;
}

export interface SearchOutcome {
  /** Every trial run, by index. */
  readonly trials: TrialResult[];
  readonly best: TrialResult;
  readonly used: { readonly trials: number; readonly seconds: number };
  readonly planned: { readonly trials: number; readonly seconds: number | null };
  readonly stoppedBy: StoppedBy;
}

/** A trial that failed (`error` set) or has a non-finite score can never be best. */
export function isEligible(r: TrialResult): boolean {
  return r.error === undefined && Number.isFinite(r.score);
}

/**
 * The best eligible trial: best score in the direction; equal scores: the lower validation
 * log-loss (`valLogLoss`, absent counting as the worst), then the lowest index; null if none.
 *
 * NOTE: on a validation part with a few dozen positives many trials tie at the top (F1 1.000);
 * the first of them used to win by index alone. The log-loss, free of any threshold, prefers the
 * model that separates the classes by the wider margin.
 */
export function bestTrial(results: readonly TrialResult[], minimize: boolean): TrialResult | null {
  let best: TrialResult | null = null;
  for (const r of results) {
    if (!isEligible(r)) continue;
    if (best === null || compareTrials(r, best, minimize) < 0) best = r;
  }
  return best;
}

/**
 * The search's order of trials, best first (negative when `a` ranks before `b`): score in the
 * direction, then the lower validation log-loss (absent: the worst), then the lower index.
 */
export function compareTrials(a: TrialResult, b: TrialResult, minimize: boolean): number {
  if (a.score !== b.score) return (minimize ? a.score < b.score : a.score > b.score) ? -1 : 1;
  const loss = (r: TrialResult) => r.valLogLoss ?? Number.POSITIVE_INFINITY;
  if (loss(a) !== loss(b)) return loss(a) < loss(b) ? -1 : 1;
  return a.index - b.index;
}

/** The strategy's view of a finished trial. */
export function toObservation(r: TrialResult): Observation {
  return { index: r.index, family: r.family, params: r.params, score: r.score, pruned: r.pruned, failed: r.error !== undefined };
}


/**
 * The strategy's view of a trial still running: counted as failed (the worst), the same "constant
 * liar" the bayesian strategy applies within one proposal call, so trials proposed while others
 * run spread out instead of repeating one point.
 */
export function pendingObservation(plan: TrialPlan): Observation {
  return { index: plan.index, family: plan.family, params: plan.params, score: Number.NaN, pruned: false, failed: true };
}

/**
 * Run a search. Plans are a pure function of (rng path, lag, earlier results by index), so a
 * caller that caches `execute` per trial can resume an interrupted search or raise `trials` and
 * reuse every finished trial, provided `parallel` (or `lag`) is unchanged. With lag 1 (parallel 1)
 * each trial sees every earlier result.
 * @throws AssayError `search.options` on bad options, `search.results` when `execute` resolves
 *   with a result for another trial, `search.all-failed` when no trial produced a usable score;
 *   any error `execute` rejects with.
 */
export async function runSearch(opts: SearchOptions): Promise<SearchOutcome> {
  if (!Number.isInteger(opts.parallel) || opts.parallel < 1) throw new AssayError('search.options', `parallel must be a whole number >= 1, got ${opts.parallel}`, 2);
  if (!Number.isInteger(opts.startup) || opts.startup < 0) throw new AssayError('search.options', `startup must be a whole number >= 0, got ${opts.startup}`, 2);
  const lag = opts.lag ?? opts.parallel;
  if (!Number.isInteger(lag) || lag < 1) throw new AssayError('search.options', `lag must be a whole number >= 1, got ${lag}`, 2);
  const space = buildSpace(opts.families, opts.space);
  const strategy = typeof opts.strategy === 'string' ? createStrategy(opts.strategy, space, { minimize: opts.minimize, startup: opts.startup }) : opts.strategy;
  const budget = new Budget({ trials: opts.trials, seconds: opts.timeSeconds, ...(opts.clock ? { clock: opts.clock } : {}) });
  const proposeRng = opts.rng.child('propose');
  const seedRng = opts.rng.child('trial-seed');

  const plans: TrialPlan[] = [];
  /** By index; a hole is a trial still running. */
  const results: TrialResult[] = [];
  let prefix = 0; // trials 0..prefix-1 have all finished
  let running = 0;
  let done = 0;
  let failure: { readonly error: unknown } | null = null;
  let wake: (() => void) | null = null;
  const waitUntil = async (ready: () => boolean): Promise<void> => {
    while (!ready()) await new Promise<void>((resolve) => { wake = resolve; });
  };

  const settle = (plan: TrialPlan, got: { readonly result: TrialResult } | { readonly error: unknown }): void => {
    running--;
    try {
      if ('error' in got) throw got.error;
      const r = got.result;
      if (r?.index !== plan.index) throw new AssayError('search.results', `execute returned ${r === undefined || r === null ? 'no result' : `trial ${r.index}`} for trial ${plan.index}`);
      results[plan.index] = r;
      while (results[prefix] !== undefined) prefix++;
      budget.addTrials(1);
      done++;
      opts.onProgress?.({ kind: 'trial', result: r, best: bestTrial(results.filter(Boolean), opts.minimize), done, planned: opts.trials });
    } catch (error) {
      failure ??= { error };
    }
    const w = wake;
    wake = null;
    w?.();
  };
  const launch = (plan: TrialPlan): void => {
    plans.push(plan);
    running++;
    let pending: Promise<TrialResult>;
    try {
      opts.onProgress?.({ kind: 'start', plan });
      pending = opts.execute(plan);
    } catch (error) {
      pending = Promise.reject(error);
    }
    Promise.resolve(pending).then((result) => settle(plan, { result }), (error: unknown) => settle(plan, { error }));
  };

  let stoppedBy: StoppedBy = 'trials';
  budget.start();
  for (let i = 0; ; i++) {
    if (i >= opts.trials) { stoppedBy = 'trials'; break; }
    const known = Math.max(0, i - lag + 1);
    await waitUntil(() => failure !== null || (prefix >= known && running < opts.parallel));
    if (failure !== null) break;
    // NOTE: the first `parallel` trials start whatever the clock says (as the first batch did),
    // so a search always has a result; after them the clock is read before each new trial.
    if (i >= opts.parallel && budget.timeUp()) { stoppedBy = 'time'; break; }
    const history = [...results.slice(0, known).map(toObservation), ...plans.slice(known, i).map(pendingObservation)];
    // NOTE: the stream is named `batch-${i}` because with parallel 1 trial i was batch i: the
    // same name keeps serial searches, and their cached trials, exactly as they were.
    const [proposal] = strategy.propose(history, 1, proposeRng.child(`batch-${i}`));
    if (proposal === undefined) { stoppedBy = 'exhausted'; break; }
    launch({
      index: i,
      family: proposal.family,
      params: resolveProposal(proposal, opts.training),
      seed: seedRng.child(i).seed(),
      peers: results.slice(0, known).filter((r) => r.error === undefined).map((r) => r.curves.map((c) => c.valObjective)),
    });
  }
  await waitUntil(() => running === 0);
  if (failure !== null) throw (failure as { readonly error: unknown }).error;

  const used = budget.used();
  opts.onProgress?.({ kind: 'stopped', stoppedBy, used });
  const best = bestTrial(results, opts.minimize);
  if (best === null) {
    const errors = [...new Set(results.map((r) => r.error ?? `non-finite score ${r.score}`))].slice(0, 3);
    throw new AssayError('search.all-failed', `all ${results.length} trials failed: ${errors.join('; ')}`);
  }
  return { trials: results, best, used, planned: budget.planned(), stoppedBy };
}
