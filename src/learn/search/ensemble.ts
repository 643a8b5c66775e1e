/**
 * An ensemble of the search's best trials (`search.ensemble`), the pure part: which trials form
 * it (ranked exactly as the search ranks its best), the mean of their validation probabilities,
 * and the threshold and score chosen on that mean by the trials' own rule and weighting. With few
 * positives a single model's score for an item varies a lot from one trial to the next; the mean
 * of several good ones varies less. No tfjs, no I/O.
 */
import type { ObjectiveSpec } from '../../core/spec.js';
import { chooseThreshold } from '../../evaluate/threshold.js';
import { metricValue } from '../../evaluate/metrics.js';
import { scoreMulticlass } from '../../evaluate/multiclass-score.js';
import { meanProbabilities } from '../fold-aggregate.js';
import type { TrialResult } from '../protocol.js';
import { compareTrials, isEligible } from './run-search.js';

/** What the ensemble is, as the search stage records it. */
export interface EnsembleChoice {
  /** `search.ensemble` as written. */
  readonly requested: number;
  /** The members' trial indices (from 0), best first; fewer than `requested` when fewer trials finished. */
  readonly members: readonly number[];
  /** The objective on validation at `threshold`, for the mean probabilities. */
  readonly score: number;
  /** Chosen on the mean validation probabilities (0 for multi-class: the decision is the arg-max). */
  readonly threshold: number;
  /** Validation log-loss of the mean, weighted like the objective (multi-class: mean cross-entropy). */
  readonly valLogLoss: number;
}

/**
 * The best `m` trials, best first, among those that can be best (not failed, finite score) and
 * kept their validation predictions (`width` values per item, `n` items); fewer when fewer did.
 */
export function ensembleMembers(trials: readonly TrialResult[], m: number, minimize: boolean, n: number, width = 1): TrialResult[] {
  if (!Number.isInteger(m) || m < 1) throw new RangeError(`an ensemble needs at least one member, got ${m}`);
  const usable = trials.filter((t) => isEligible(t) && t.valProbabilities.length === n * width);
  return [...usable].sort((a, b) => compareTrials(a, b, minimize)).slice(0, m);
}

/**
 * The ensemble of `members` scored on validation: their mean probabilities (multi-class: the mean
 * of the rows), the threshold chosen on it by `objective.threshold` (binary, with the per-item
 * `weights` of objective.prevalence when given) and the objective there. `labels` are 0/1 for a
 * binary problem, class indices with `classes` for a multi-class one. Throws a RangeError when
 * there are no members or their predictions disagree in length.
 */
export function scoreEnsemble(members: readonly TrialResult[], requested: number, labels: ArrayLike<number>, objective: ObjectiveSpec, weights?: ArrayLike<number>, classes?: readonly string[]): EnsembleChoice {
  if (members.length === 0) throw new RangeError('an ensemble needs at least one finished trial');
  const probs = meanProbabilities(members.map((t) => t.valProbabilities));
  const base = { requested, members: members.map((t) => t.index) };
  if (classes !== undefined) {
    const k = classes.length;
    const choice = scoreMulticlass(objective.threshold, objective.metric, probs, k, labels, classes);
    let loss = 0;
    for (let i = 0; i < labels.length; i++) loss -= Math.log(Math.max(1e-15, probs[i * k + labels[i]!]!));
    return { ...base, score: choice.value, threshold: choice.threshold, valLogLoss: loss / labels.length };
  }
  const choice = chooseThreshold(objective.threshold, objective.metric, probs, labels, objective.beta, weights);
  const valLogLoss = metricValue('log-loss', probs, labels, 0.5, objective.beta, weights);
  return { ...base, score: choice.value, threshold: choice.threshold, valLogLoss };
}

/** "ensemble of the top 3 trials: #4, #9, #2" (trials numbered from 1), with a note when fewer finished than asked. */
export function describeEnsemble(e: Pick<EnsembleChoice, 'requested' | 'members'>): string {
  const short = e.members.length < e.requested ? ` (${e.requested} asked, ${e.members.length} finished)` : '';
  return `ensemble of the top ${e.members.length} trials: ${e.members.map((i) => `#${i + 1}`).join(', ')}${short}`;
}
