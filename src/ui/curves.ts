/**
 * Precision-recall, ROC and metric-vs-threshold curves of one run's hold-out predictions, in the
 * compact form the UI draws: every curve on the same grid of x values, so runs overlay. Pure.
 */

export interface Curves {
  /** Interpolated precision (the best at recall >= x) on a grid of recall values. */
  readonly pr: { readonly recall: number[]; readonly precision: number[] };
  /** The best true-positive rate at false-positive rate <= x, on a grid of x values. */
  readonly roc: { readonly fpr: number[]; readonly tpr: number[] };
  /** F1, precision and recall at thresholds 0..1. */
  readonly threshold: { readonly t: number[]; readonly f1: number[]; readonly precision: number[]; readonly recall: number[] };
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;

/** Curves of `probs` against `labels01` (1 = positive). */
export function hitCurves(probs: readonly number[], labels01: readonly number[], points = 100): Curves {
  const order = probs.map((_, i) => i).sort((a, b) => probs[b]! - probs[a]!);
  const P = labels01.reduce((a, b) => a + b, 0);
  const N = labels01.length - P;
  // One point per distinct score (ties move together), then thinned to about `points`.
  const cuts: { tp: number; fp: number }[] = [{ tp: 0, fp: 0 }];
  let tp = 0, fp = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    if (labels01[i]) tp++; else fp++;
    if (k === order.length - 1 || probs[order[k + 1]!] !== probs[i]) cuts.push({ tp, fp });
  }
  // On a shared grid of x values, so several runs overlay on one axis: ROC as the best TPR reached at
  // FPR <= x, PR as interpolated precision (the best precision at recall >= x).
  const grid = Array.from({ length: points + 1 }, (_, k) => k / points);
  const pts = cuts.map((c) => ({ fpr: N ? c.fp / N : 0, tpr: P ? c.tp / P : 0, recall: P ? c.tp / P : 0, precision: c.tp + c.fp ? c.tp / (c.tp + c.fp) : 1 }));
  const roc = { fpr: grid, tpr: grid.map((x) => round(Math.max(0, ...pts.filter((q) => q.fpr <= x + 1e-12).map((q) => q.tpr)))) };
  const scored = pts.slice(1);
  const pr = { recall: grid, precision: grid.map((x) => round(Math.max(0, ...scored.filter((q) => q.recall >= x - 1e-12).map((q) => q.precision)))) };
  const threshold = { t: [] as number[], f1: [] as number[], precision: [] as number[], recall: [] as number[] };
  const steps = 100;
  for (let s = 0; s <= steps; s++) {
    const t = s / steps;
    let tpt = 0, fpt = 0;
    for (let i = 0; i < probs.length; i++) if (probs[i]! >= t) { if (labels01[i]) tpt++; else fpt++; }
    const precision = tpt + fpt ? tpt / (tpt + fpt) : 1;
    const recall = P ? tpt / P : 0;
    threshold.t.push(t);
    threshold.precision.push(round(precision));
    threshold.recall.push(round(recall));
    threshold.f1.push(round(precision + recall ? (2 * precision * recall) / (precision + recall) : 0));
  }
  return { pr, roc, threshold };
}
