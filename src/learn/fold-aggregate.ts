/**
 * k-fold cross-validation, the pure parts: the seed of each fold's model, one trial result from
 * the k fold results (out-of-fold predictions pooled, one threshold chosen on all of them), and
 * the ensemble's probability (the mean of the fold models). No tfjs, no I/O.
 */
import { Rng } from '../core/rng.js';
import type { ObjectiveSpec } from '../core/spec.js';
import { chooseThreshold } from '../evaluate/threshold.js';
import { isMinimized, metricValue } from '../evaluate/metrics.js';
import { prevalenceWeights } from '../evaluate/prevalence.js';
import { scoreMulticlass } from '../evaluate/multiclass-score.js';
import type { EpochRecord, TrialResult } from './protocol.js';

/**
 * The seed of fold `fold`'s model in a trial seeded `trialSeed`: the trial seed itself for fold 0
 * (so a single-fold search trains exactly what it always did), an independent child seed for the
 * others (so the k models do not share their initialisation and shuffles).
 */
export function foldSeed(trialSeed: number, fold: number): number {
  return fold === 0 ? trialSeed : new Rng(trialSeed).child(`fold-${fold}`).seed();
}

/**
 * Per-epoch mean of the fold curves: entry e is the mean of every field over the folds that
 * reached epoch e + 1 (a fold that stopped earlier, by early stopping or pruning, drops out of the
 * later means instead of pulling them towards zero). `epoch` is e + 1.
 */
export function meanCurves(curves: readonly (readonly EpochRecord[])[]): EpochRecord[] {
  const longest = Math.max(0, ...curves.map((c) => c.length));
  const out: EpochRecord[] = [];
  for (let e = 0; e < longest; e++) {
    const at = curves.map((c) => c[e]).filter((r): r is EpochRecord => r !== undefined);
    const mean = (pick: (r: EpochRecord) => number) => at.reduce((s, r) => s + pick(r), 0) / at.length;
    out.push({
      epoch: e + 1,
      trainLoss: mean((r) => r.trainLoss),
      valLoss: mean((r) => r.valLoss),
      trainObjective: mean((r) => r.trainObjective),
      valObjective: mean((r) => r.valObjective),
      seconds: mean((r) => r.seconds),
    });
  }
  return out;
}

/**
 * One trial's result from its k fold results (`folds[f]` trained on fold f's training part and
 * scored on fold f's validation part, whose labels are `labels01[f]`, 1 = positive class):
 *
 * - `valProbabilities`: the out-of-fold predictions pooled in fold order (fold 0's validation
 *   rows, then fold 1's, ...), each fold's from its own best epoch;
 * - `threshold` and `score`: `chooseThreshold` for the objective, ONCE on the pooled predictions
 *   against the pooled labels, and the objective there (so the threshold and the search's choice
 *   see every validation item, not one fold's share); `valLogLoss`: the pooled log-loss, weighted
 *   alike (the search's tie-break between equal scores);
 * - `curves`: `meanCurves` of the fold curves (what pruning compares later trials against, and
 *   what the report plots); `epochs`: the most any fold ran; `bestEpoch`: fold 0's (the folds
 *   choose their best epochs separately; fold 0's is the one a single-fold run would report);
 * - `seconds`: the sum (training time spent, whatever ran in parallel); `pruned`: any fold pruned;
 *   `stoppedBy: 'deadline'`: any fold cut by the time budget;
 * - `error`: any fold failed, as `fold F of K: message` joined by `; `. A failed trial, or one
 *   where a fold kept no predictions (no epoch with a finite objective), scores the worst finite
 *   value for the objective's direction with no predictions, as a single-fold trial would.
 *
 * `negativeWeights[f]` (optional, 1 when absent) weighs fold f's validation negatives
 * (`objective.prevalence`): the pooled choice then uses per-item weights, each fold's own.
 *
 * `classes` (a multi-class problem): `labels01[f]` holds class indices, each fold's
 * `valProbabilities` are n x k, and the pooled predictions are scored by `scoreMulticlass`.
 *
 * `index`, `family` and `params` are fold 0's (every fold runs the same plan). Throws a
 * RangeError when there are no folds, or when `labels01` does not give one label array per fold.
 */
export function aggregateFolds(folds: readonly TrialResult[], labels01: readonly ArrayLike<number>[], objective: ObjectiveSpec, negativeWeights?: readonly number[], classes?: readonly string[]): TrialResult {
  const first = folds[0];
  if (first === undefined) throw new RangeError('aggregateFolds needs at least one fold result');
  if (labels01.length !== folds.length) throw new RangeError(`aggregateFolds got ${folds.length} fold results but ${labels01.length} label arrays`);
  const k = folds.length;
  const errors = folds.flatMap((r, f) => (r.error === undefined ? [] : [`fold ${f + 1} of ${k}: ${r.error}`]));
  const width = classes === undefined ? 1 : classes.length;
  const complete = folds.every((r, f) => r.valProbabilities.length === labels01[f]!.length * width);
  const base = {
    index: first.index,
    family: first.family,
    params: first.params,
    metric: objective.metric,
    bestEpoch: first.bestEpoch,
    epochs: Math.max(...folds.map((r) => r.epochs)),
    curves: meanCurves(folds.map((r) => r.curves)),
    pruned: folds.some((r) => r.pruned),
    seconds: folds.reduce((s, r) => s + r.seconds, 0),
    ...(folds.some((r) => r.stoppedBy === 'deadline') ? { stoppedBy: 'deadline' as const } : {}),
  };
  if (errors.length > 0 || !complete) {
    return {
      ...base,
      score: isMinimized(objective.metric) ? Number.MAX_VALUE : -Number.MAX_VALUE,
      threshold: objective.threshold.kind === 'fixed' ? objective.threshold.value : 0.5,
      valProbabilities: [],
      ...(errors.length > 0 ? { error: errors.join('; ') } : {}),
    };
  }
  const probs = folds.flatMap((r) => r.valProbabilities);
  const labels = labels01.flatMap((l) => Array.from(l));
  if (classes !== undefined) {
    const choice = scoreMulticlass(objective.threshold, objective.metric, probs, classes.length, labels, classes);
    // The tie-break: the pooled mean cross-entropy of the true classes.
    const valLogLoss = labels.reduce((s, c, i) => s - Math.log(Math.max(1e-15, probs[i * classes.length + c]!)), 0) / labels.length;
    return { ...base, score: choice.value, threshold: choice.threshold, valProbabilities: probs, valLogLoss };
  }
  const weighted = negativeWeights !== undefined && negativeWeights.some((w) => w !== 1);
  const weights = weighted ? labels01.flatMap((l, f) => Array.from(prevalenceWeights(l, negativeWeights[f] ?? 1) ?? new Float64Array(l.length).fill(1))) : undefined;
  const choice = chooseThreshold(objective.threshold, objective.metric, probs, labels, objective.beta, weights);
  const valLogLoss = metricValue('log-loss', probs, labels, 0.5, objective.beta, weights);
  return { ...base, score: choice.value, threshold: choice.threshold, valProbabilities: probs, valLogLoss };
}

/**
 * The k-fold ensemble's positive-class probability per item: the mean of the fold models'
 * probabilities, summed in fold order and divided by k (evaluate and `assay predict` both call
 * this, so their numbers agree to the bit). With one fold it returns that fold's values.
 * Throws a RangeError when the folds give different item counts or there are none.
 */
export function meanProbabilities(perFold: readonly ArrayLike<number>[]): number[] {
  const first = perFold[0];
  if (first === undefined) throw new RangeError('meanProbabilities needs at least one fold');
  const n = first.length;
  for (const [f, p] of perFold.entries()) {
    if (p.length !== n) throw new RangeError(`fold ${f} scored ${p.length} items, fold 0 scored ${n}`);
  }
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (const p of perFold) sum += p[i]!;
    out[i] = sum / perFold.length;
  }
  return out;
}
