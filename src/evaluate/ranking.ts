/**
 * Threshold-free binary metrics (average precision, ROC AUC, log-loss) and the PR / ROC curves.
 *
 * Every function sorts once (O(n log n)) or takes a precomputed descending order, and accepts an
 * optional per-item weight (a multiplicity, as a bootstrap resample produces) so the bootstrap can
 * reuse the same sweep without allocating per resample.
 */

/** Probabilities are clipped to [EPS, 1 - EPS] before taking logs, so log-loss stays finite. */
export const LOG_LOSS_EPS = 1e-15;

/** Throws a RangeError when the arrays differ in length, a probability is not finite, or a label is not 0/1. */
export function checkBinaryInputs(probs: ArrayLike<number>, labels01: ArrayLike<number>): void {
  if (probs.length !== labels01.length) {
    throw new RangeError(`probabilities (${probs.length}) and labels (${labels01.length}) differ in length`);
  }
  for (let i = 0; i < probs.length; i++) {
    if (!Number.isFinite(probs[i])) throw new RangeError(`probability ${i} is not finite (${probs[i]})`);
    const y = labels01[i];
    if (y !== 0 && y !== 1) throw new RangeError(`label ${i} is ${y}; binary labels must be 0 or 1`);
  }
}

/** Item indices sorted by decreasing probability; ties keep index order (deterministic). */
export function descendingOrder(probs: ArrayLike<number>): Uint32Array {
  const idx = new Uint32Array(probs.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  return idx.sort((a, b) => probs[b]! - probs[a]! || a - b);
}

/**
 * Average precision: sum over distinct thresholds (descending) of (R_k - R_{k-1}) * P_k, the
 * step-wise area under the PR curve (no interpolation). 0 when there are no positives.
 */
export function averagePrecision(
  probs: ArrayLike<number>, labels01: ArrayLike<number>,
  order: Uint32Array = descendingOrder(probs), weights?: ArrayLike<number>,
): number {
  let positives = 0;
  for (let i = 0; i < order.length; i++) if (labels01[i] === 1) positives += weights ? weights[i]! : 1;
  if (positives === 0) return 0;
  let tp = 0, fp = 0, prevRecall = 0, ap = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    const w = weights ? weights[i]! : 1;
    if (labels01[i] === 1) tp += w; else fp += w;
    const last = k === order.length - 1 || probs[order[k + 1]!] !== probs[i];
    if (!last || tp + fp === 0) continue;
    const recall = tp / positives;
    ap += (recall - prevRecall) * (tp / (tp + fp));
    prevRecall = recall;
  }
  return ap;
}

/**
 * ROC AUC: the probability that a random positive scores above a random negative, ties counting
 * one half (Mann-Whitney). 0.5 when either class is absent.
 */
export function rocAuc(
  probs: ArrayLike<number>, labels01: ArrayLike<number>,
  order: Uint32Array = descendingOrder(probs), weights?: ArrayLike<number>,
): number {
  let tpBefore = 0, gp = 0, gn = 0, area = 0, negatives = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    const w = weights ? weights[i]! : 1;
    if (labels01[i] === 1) gp += w; else gn += w;
    const last = k === order.length - 1 || probs[order[k + 1]!] !== probs[i];
    if (!last) continue;
    area += gn * (tpBefore + gp / 2);
    tpBefore += gp; negatives += gn; gp = 0; gn = 0;
  }
  return tpBefore === 0 || negatives === 0 ? 0.5 : area / (tpBefore * negatives);
}

/** Mean binary cross-entropy (natural log), probabilities clipped by LOG_LOSS_EPS; 0 for no items. */
export function logLoss(probs: ArrayLike<number>, labels01: ArrayLike<number>, weights?: ArrayLike<number>): number {
  let sum = 0, total = 0;
  for (let i = 0; i < probs.length; i++) {
    const w = weights ? weights[i]! : 1;
    if (w === 0) continue;
    const p = Math.min(1 - LOG_LOSS_EPS, Math.max(LOG_LOSS_EPS, probs[i]!));
    sum -= w * (labels01[i] === 1 ? Math.log(p) : Math.log(1 - p));
    total += w;
  }
  return total === 0 ? 0 : sum / total;
}

/** Precision-recall curve, in order of decreasing threshold (increasing recall). */
export interface PrCurve {
  readonly precision: number[];
  readonly recall: number[];
  /** `prob >= threshold` is predicted positive. The first point is the anchor (recall 0, precision 1) at +Infinity (null in JSON). */
  readonly thresholds: number[];
}

/** ROC curve, in order of decreasing threshold, from (0, 0) at +Infinity to (1, 1). */
export interface RocCurve {
  readonly fpr: number[];
  readonly tpr: number[];
  readonly thresholds: number[];
}

/** One point per distinct probability (plus the anchor); rates are 0 when their class is absent. */
export function prCurve(probs: ArrayLike<number>, labels01: ArrayLike<number>): PrCurve {
  checkBinaryInputs(probs, labels01);
  const out: PrCurve = { precision: [1], recall: [0], thresholds: [Number.POSITIVE_INFINITY] };
  sweep(probs, labels01, (t, tp, fp, p) => {
    out.thresholds.push(t);
    out.recall.push(p === 0 ? 0 : tp / p);
    out.precision.push(tp / (tp + fp));
  });
  return out;
}

/** One point per distinct probability (plus the (0, 0) anchor); rates are 0 when their class is absent. */
export function rocCurve(probs: ArrayLike<number>, labels01: ArrayLike<number>): RocCurve {
  checkBinaryInputs(probs, labels01);
  const out: RocCurve = { fpr: [0], tpr: [0], thresholds: [Number.POSITIVE_INFINITY] };
  sweep(probs, labels01, (t, tp, fp, p, n) => {
    out.thresholds.push(t);
    out.tpr.push(p === 0 ? 0 : tp / p);
    out.fpr.push(n === 0 ? 0 : fp / n);
  });
  return out;
}

/** Calls `visit` after each group of equal probabilities, with cumulative counts at `prob >= t`. */
function sweep(
  probs: ArrayLike<number>, labels01: ArrayLike<number>,
  visit: (threshold: number, tp: number, fp: number, positives: number, negatives: number) => void,
): void {
  let positives = 0;
  for (let i = 0; i < labels01.length; i++) positives += labels01[i] === 1 ? 1 : 0;
  const negatives = labels01.length - positives;
  const order = descendingOrder(probs);
  let tp = 0, fp = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    if (labels01[i] === 1) tp++; else fp++;
    if (k === order.length - 1 || probs[order[k + 1]!] !== probs[i]) visit(probs[i]!, tp, fp, positives, negatives);
  }
}
