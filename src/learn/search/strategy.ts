/**
 * Search strategies: given the finished trials (ordered by index) they propose the next ones.
 * Every strategy is a pure function of (space, history, count, rng): the same inputs give the same
 * proposals, and proposing `count` trials gives a prefix-extension of proposing fewer (proposal j
 * never depends on `count`), so raising a trial budget keeps the trials already planned.
 */
import type { Rng } from '../../core/rng.js';
import type { FamilyName, Params, SearchSpec } from '../../core/spec.js';
import { gridPoint, sampleUniform, type Proposal, type SearchSpace } from './space.js';
import { proposeTpe, type TpeOptions } from './tpe.js';

export type { Proposal } from './space.js';

/** A finished trial as a strategy sees it. `score` is the raw objective (direction set per strategy). */
export interface Observation {
  readonly index: number;
  readonly family: FamilyName;
  readonly params: Params;
  readonly score: number;
  readonly pruned: boolean;
  readonly failed: boolean;
}

export type StrategyName = SearchSpec['strategy'];

export interface Strategy {
  readonly name: StrategyName;
  /**
   * Up to `count` new proposals. Fewer than `count` (possibly none) only when the space is
   * exhausted (grid). `history` holds every earlier trial, ordered by index.
   */
  propose(history: readonly Observation[], count: number, rng: Rng): Proposal[];
}

/** Random search: each proposal drawn uniformly (log ranges log-uniformly) from the space. */
export function randomStrategy(space: SearchSpace): Strategy {
  return {
    name: 'random',
    propose: (_history, count, rng) => Array.from({ length: count }, () => sampleUniform(space, rng)),
  };
}

/**
 * Grid search: the grid points in `gridPoint` order, starting after the trials already in the
 * history (history.length points were proposed before); the rng is not used.
 */
export function gridStrategy(space: SearchSpace): Strategy {
  return {
    name: 'grid',
    propose: (history, count) => {
      const out: Proposal[] = [];
      for (let k = history.length; out.length < count; k++) {
        const p = gridPoint(space, k);
        if (p === null) break;
        out.push(p);
      }
      return out;
    },
  };
}

/**
 * Bayesian search with a tree-structured Parzen estimator (see tpe.ts). The first `startup`
 * trials (by index) are drawn at random; later ones from the model of the history.
 */
export function bayesianStrategy(space: SearchSpace, opts: TpeOptions & { readonly startup: number }): Strategy {
  return {
    name: 'bayesian',
    propose: (history, count, rng) => {
      const out: Proposal[] = [];
      const seen: Observation[] = [...history];
      const next = history.reduce((m, o) => Math.max(m, o.index + 1), 0);
      for (let j = 0; j < count; j++) {
        // NOTE: one child stream per proposal, so proposal j is the same whatever `count` is.
        const r = rng.child(`p${j}`);
        const p = history.length + j < opts.startup ? sampleUniform(space, r) : proposeTpe(space, seen, r, opts);
        out.push(p);
        // NOTE: "constant liar": a proposal still pending counts as a failed trial for the rest of
        // the batch, which spreads a batch of parallel proposals instead of repeating one point.
        seen.push({ index: next + j, family: p.family, params: p.params, score: Number.NaN, pruned: false, failed: true });
      }
      return out;
    },
  };
}

/** The strategy a SearchSpec names. `startup` matters only to `bayesian`. */
export function createStrategy(name: StrategyName, space: SearchSpace, opts: { readonly minimize: boolean; readonly startup: number }): Strategy {
  switch (name) {
    case 'random':
      return randomStrategy(space);
    case 'grid':
      return gridStrategy(space);
    case 'bayesian':
      return bayesianStrategy(space, { minimize: opts.minimize, startup: opts.startup });
    default:
      return name satisfies never;
  }
}
