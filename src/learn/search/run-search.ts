/**
 * The search loop: proposes trials in synchronous batches of `parallel`, hands each batch to
 * `execute`, and keeps the best. Reproducible under parallelism by construction: batch b holds
 * trials b*parallel .. b*parallel+parallel-1, proposed from the results of earlier batches ordered
 * by index with a stream derived from (rng, b), so neither the proposals nor the best trial depend
 * on the order in which workers finish. The time budget is the one documented exception: it is
 * checked between batches (a batch in flight finishes), so how many trials run may vary.
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
  /** Per-epoch validation objective of the non-failed trials of earlier batches, ordered by index. */
  readonly peers: readonly (readonly number[])[];
}

export type StoppedBy = 'trials' | 'time' | 'exhausted';

export type SearchEvent =
  | { readonly kind: 'batch'; readonly batch: number; readonly plans: readonly TrialPlan[] }
  /** After a batch, one per trial in index order; `best` so far (null while every trial failed). */
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
  readonly parallel: number;
  readonly startup: number;
  readonly minimize: boolean;
  readonly rng: Rng;
  /** Seconds, monotonic; read only for the time budget. Default: performance.now() / 1000. */
  readonly clock?: () => number;
  /** Runs one batch; may resolve its results in any order but must return one per plan. */
  readonly execute: (batch: readonly TrialPlan[]) => Promise<readonly TrialResult[]>;
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

/** The best eligible trial: best score in the direction, ties to the lowest index; null if none. */
export function bestTrial(results: readonly TrialResult[], minimize: boolean): TrialResult | null {
  let best: TrialResult | null = null;
  for (const r of results) {
    if (!isEligible(r)) continue;
    if (best === null) { best = r; continue; }
    const better = minimize ? r.score < best.score : r.score > best.score;
    if (better || (r.score === best.score && r.index < best.index)) best = r;
  }
  return best;
}

/** The strategy's view of a finished trial. */
export function toObservation(r: TrialResult): Observation {
  return { index: r.index, family: r.family, params: r.params, score: r.score, pruned: r.pruned, failed: r.error !== undefined };
}

/**
 * Run a search. Plans are a pure function of (rng path, earlier results), so a caller that caches
 * `execute` per trial can resume an interrupted search or raise `trials` and reuse every finished
 * trial, provided `parallel` is unchanged (it fixes the batch boundaries).
 * @throws AssayError `search.options` on bad options, `search.results` when `execute` returns results
 *   that do not match its plans, `search.all-failed` when no trial produced a usable score.
 */
export async function runSearch(opts: SearchOptions): Promise<SearchOutcome> {
  if (!Number.isInteger(opts.parallel) || opts.parallel < 1) throw new AssayError('search.options', `parallel must be a whole number >= 1, got ${opts.parallel}`, 2);
  if (!Number.isInteger(opts.startup) || opts.startup < 0) throw new AssayError('search.options', `startup must be a whole number >= 0, got ${opts.startup}`, 2);
  const space = buildSpace(opts.families, opts.space);
  const strategy = typeof opts.strategy === 'string' ? createStrategy(opts.strategy, space, { minimize: opts.minimize, startup: opts.startup }) : opts.strategy;
  const budget = new Budget({ trials: opts.trials, seconds: opts.timeSeconds, ...(opts.clock ? { clock: opts.clock } : {}) });
  const proposeRng = opts.rng.child('propose');
  const seedRng = opts.rng.child('trial-seed');
  const results: TrialResult[] = [];
  let stoppedBy: StoppedBy = 'trials';
  budget.start();

  for (let batch = 0; ; batch++) {
    const count = Math.min(opts.parallel, budget.trialsLeft());
    if (count === 0) { stoppedBy = 'trials'; break; }
    if (batch > 0 && budget.timeUp()) { stoppedBy = 'time'; break; }
    const first = results.length;
    const proposals = strategy.propose(results.map(toObservation), count, proposeRng.child(`batch-${batch}`));
    if (proposals.length === 0) { stoppedBy = 'exhausted'; break; }
    const peers = results.filter((r) => r.error === undefined).map((r) => r.curves.map((c) => c.valObjective));
    const plans: TrialPlan[] = proposals.map((p, j) => ({
      index: first + j,
      family: p.family,
      params: resolveProposal(p, opts.training),
      seed: seedRng.child(first + j).seed(),
      peers,
    }));
    opts.onProgress?.({ kind: 'batch', batch, plans });
    const got = await opts.execute(plans);
    const ordered = matchResults(plans, got);
    budget.addTrials(ordered.length);
    for (const r of ordered) {
      results.push(r);
      opts.onProgress?.({ kind: 'trial', result: r, best: bestTrial(results, opts.minimize), done: results.length, planned: opts.trials });
    }
    if (proposals.length < count) { stoppedBy = 'exhausted'; break; }
  }

  const used = budget.used();
  opts.onProgress?.({ kind: 'stopped', stoppedBy, used });
  const best = bestTrial(results, opts.minimize);
  if (best === null) {
    const errors = [...new Set(results.map((r) => r.error ?? `non-finite score ${r.score}`))].slice(0, 3);
    throw new AssayError('search.all-failed', `all ${results.length} trials failed: ${errors.join('; ')}`);
  }
  return { trials: results, best, used, planned: budget.planned(), stoppedBy };
}

/** Results in plan order; each plan must get exactly one result with its index. */
function matchResults(plans: readonly TrialPlan[], got: readonly TrialResult[]): TrialResult[] {
  const byIndex = new Map<number, TrialResult>();
  for (const r of got) {
    if (byIndex.has(r.index)) throw new AssayError('search.results', `execute returned trial ${r.index} twice`);
    byIndex.set(r.index, r);
  }
  const out = plans.map((p) => {
    const r = byIndex.get(p.index);
    if (r === undefined) throw new AssayError('search.results', `execute returned no result for trial ${p.index}`);
    return r;
  });
  if (byIndex.size !== plans.length) throw new AssayError('search.results', `execute returned ${got.length} results for ${plans.length} trials`);
  return out;
}
