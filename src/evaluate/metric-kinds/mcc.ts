/**
 * mcc: Matthews correlation in [-1, 1]; 0 when any row or column of the confusion matrix sums to
 * 0. Multi-class: Gorodkin's R_K, (c * s - sum p_k t_k) / sqrt((s^2 - sum p_k^2)(s^2 - sum t_k^2))
 * with c the diagonal, s the total, p_k / t_k the predicted / true counts; 0 when a factor is 0.
 */
import type { MetricKind } from './kind.js';
import { classCounts, total, type Matrix } from './matrix.js';

function gorodkin(m: Matrix): number {
  const s = total(m);
  let c = 0, pt = 0, pp = 0, tt = 0;
  for (let k = 0; k < m.length; k++) {
    const { tp, predicted, actual } = classCounts(m, k);
    c += tp; pt += predicted * actual; pp += predicted * predicted; tt += actual * actual;
  }
  const d = (s * s - pp) * (s * s - tt);
  return d <= 0 ? 0 : (c * s - pt) / Math.sqrt(d);
}

export const mcc: MetricKind<'mcc', 'confusion'> = {
  name: 'mcc', direction: 'maximize', range: [-1, 1],
  multiclass: { from: 'matrix', compute: gorodkin },
  binary: {
    from: 'confusion',
    compute: ({ tp, fp, tn, fn }) => {
      const d = (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn);
      return d === 0 ? 0 : (tp * tn - fp * fn) / Math.sqrt(d);
    },
  },
};
