/**
 * Tree-structured Parzen estimator (Bergstra et al., 2011), written here because no maintained npm
 * package provides one. The finished trials are split at a quantile `gamma` into good and bad;
 * per dimension a Parzen estimator l(x) is fitted to the good and g(x) to the bad; candidates are
 * drawn from l and the one with the largest l(x)/g(x) wins. Conditional parameters: `family` is a
 * categorical dimension, and a parameter's estimators see only the trials whose family has it, so
 * an mlp trial never informs (or receives) `filters`.
 */
import type { Rng } from '../../core/rng.js';
import type { FamilyName } from '../../core/spec.js';
import { activeDims, categories, encodeValue, isSearched, proposalFrom, type Dimension, type Proposal, type SearchSpace } from './space.js';
import type { Observation } from './strategy.js';

export interface TpeOptions {
  readonly minimize: boolean;
  /** Fraction of trials (rounded up) counted as good. Default 0.25. */
  readonly gamma?: number;
  /** Candidates drawn from l(x) per proposal. Default 24. */
  readonly candidates?: number;
  /** Weight of the prior (uniform-ish) component in every estimator. Default 1. */
  readonly priorWeight?: number;
}

export const TPE_DEFAULTS = { gamma: 0.25, candidates: 24, priorWeight: 1 } as const;

/** Density over the unit coordinate (numeric) or category index (categorical), able to sample itself. */
interface Estimator {
  logPdf(x: number): number;
  sample(rng: Rng): number;
}

/** Gaussian mixture truncated to [0, 1]; components at the observations plus a broad prior at 0.5. */
function parzen(points: readonly number[], priorWeight: number): Estimator {
  const mus = [...points, 0.5];
  const order = mus.map((_, i) => i).sort((a, b) => mus[a]! - mus[b]! || a - b);
  const sigmas = new Array<number>(mus.length);
  // NOTE: adaptive bandwidth as in hyperopt: each point's sigma is the larger gap to its sorted
  // neighbours (the domain ends count as neighbours), clipped to [1 / min(100, n + 1), 1].
  const minSigma = 1 / Math.min(100, points.length + 1);
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    const left = k === 0 ? mus[i]! : mus[i]! - mus[order[k - 1]!]!;
    const right = k === order.length - 1 ? 1 - mus[i]! : mus[order[k + 1]!]! - mus[i]!;
    sigmas[i] = Math.min(1, Math.max(minSigma, left, right));
  }
  sigmas[mus.length - 1] = 1; // the prior stays broad
  const weights = mus.map((_, i) => (i === mus.length - 1 ? priorWeight : 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const mass = mus.map((m, i) => normCdf((1 - m) / sigmas[i]!) - normCdf(-m / sigmas[i]!));
  return {
    logPdf(x) {
      let p = 0;
      for (let i = 0; i < mus.length; i++) {
        const z = (x - mus[i]!) / sigmas[i]!;
        p += (weights[i]! / total) * Math.exp(-0.5 * z * z) / (sigmas[i]! * Math.sqrt(2 * Math.PI) * mass[i]!);
      }
      return Math.log(Math.max(p, 1e-300));
    },
    sample(rng) {
      const i = pick(weights, total, rng);
      for (let t = 0; t < 32; t++) {
        const x = mus[i]! + sigmas[i]! * rng.normal();
        if (x >= 0 && x <= 1) return x;
      }
      return mus[i]!;
    },
  };
}

/** Category frequencies with `priorWeight` added to every category (Laplace-style smoothing). */
function categorical(indices: readonly number[], k: number, priorWeight: number): Estimator {
  const w = new Array<number>(k).fill(priorWeight);
  for (const i of indices) w[i]! += 1;
  const total = w.reduce((a, b) => a + b, 0);
  return {
    logPdf: (x) => Math.log(w[x]! / total),
    sample: (rng) => pick(w, total, rng),
  };
}

function pick(weights: readonly number[], total: number, rng: Rng): number {
  let u = rng.next() * total;
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i]!;
    if (u < 0) return i;
  }
  return weights.length - 1;
}

/** Standard normal CDF via erf (Abramowitz and Stegun 7.1.26, |error| < 1.5e-7). */
function normCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

/**
 * Order observations best first: finished trials by score in the search's direction (non-finite
 * scores last), then failed trials (they count as the worst, steering the model away from them);
 * ties by index, so the order never depends on completion order.
 */
export function rankObservations(history: readonly Observation[], minimize: boolean): Observation[] {
  const key = (o: Observation): number => (o.failed || !Number.isFinite(o.score) ? Infinity : minimize ? o.score : -o.score);
  return [...history].sort((a, b) => {
    const ka = key(a), kb = key(b);
    if (ka !== kb) return ka < kb ? -1 : 1;
    return a.index - b.index;
  });
}

/** Coordinate of an observation in a dimension: unit value (numeric) or category index; null if inactive. */
function coordOf(d: Dimension, o: Observation): number | null {
  if (!d.families.includes(o.family)) return null;
  const u = encodeValue(d.param, o.params[d.name]);
  if (u === null) return null;
  const k = categories(d.param);
  return k > 0 ? Math.min(k - 1, Math.floor(u * k)) : u;
}

function fit(d: Dimension, group: readonly Observation[], priorWeight: number): Estimator {
  const xs = group.map((o) => coordOf(d, o)).filter((x): x is number => x !== null);
  const k = categories(d.param);
  return k > 0 ? categorical(xs, k, priorWeight) : parzen(xs, priorWeight);
}

/**
 * One TPE proposal from the history (at least one observation; with none it is the prior).
 * Deterministic for a given rng state; draws only from `rng`.
 */
export function proposeTpe(space: SearchSpace, history: readonly Observation[], rng: Rng, opts: TpeOptions): Proposal {
  const gamma = opts.gamma ?? TPE_DEFAULTS.gamma;
  const nCand = opts.candidates ?? TPE_DEFAULTS.candidates;
  const prior = opts.priorWeight ?? TPE_DEFAULTS.priorWeight;
  const ranked = rankObservations(history, opts.minimize);
  const nGood = Math.min(ranked.length, Math.max(1, Math.ceil(gamma * ranked.length)));
  const good = ranked.slice(0, nGood);
  const bad = ranked.slice(nGood);

  const famIndex = (f: FamilyName): number => space.families.indexOf(f);
  const famL = categorical(good.map((o) => famIndex(o.family)).filter((i) => i >= 0), space.families.length, prior);
  const famG = categorical(bad.map((o) => famIndex(o.family)).filter((i) => i >= 0), space.families.length, prior);
  const models = new Map<string, { l: Estimator; g: Estimator }>();
  for (const d of space.dims) if (isSearched(d)) models.set(d.name, { l: fit(d, good, prior), g: fit(d, bad, prior) });

  let best: Proposal | null = null;
  let bestScore = -Infinity;
  for (let c = 0; c < nCand; c++) {
    let fi = 0;
    let score = 0;
    if (space.families.length > 1) {
      fi = famL.sample(rng);
      score += famL.logPdf(fi) - famG.logPdf(fi);
    }
    const family = space.families[fi]!;
    const coords = new Map<string, number>();
    for (const d of activeDims(space, family)) {
      if (!isSearched(d)) continue;
      const m = models.get(d.name)!;
      const x = m.l.sample(rng);
      score += m.l.logPdf(x) - m.g.logPdf(x);
      const k = categories(d.param);
      coords.set(d.name, k > 0 ? (x + 0.5) / k : x);
    }
    if (best === null || score > bestScore) {
      bestScore = score;
      best = proposalFrom(space, family, (d) => coords.get(d.name)!);
    }
  }
  return best!;
}
