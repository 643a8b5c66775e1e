/**
 * log-loss: mean negative log-likelihood, probabilities clipped to [1e-15, 1 - 1e-15]; 0 with no
 * items. Multi-class: -mean log p[item, true class], the same clipping.
 */
import { LOG_LOSS_EPS, logLoss as loss } from '../ranking.js';
import { ratio, type MetricKind } from './kind.js';

function categoricalLogLoss(probs: ArrayLike<number>, k: number, labels: ArrayLike<number>, weights: ArrayLike<number> | undefined): number {
  let sum = 0, n = 0;
  for (let i = 0; i < labels.length; i++) {
    const w = weights === undefined ? 1 : weights[i]!;
    const p = Math.min(1 - LOG_LOSS_EPS, Math.max(LOG_LOSS_EPS, probs[i * k + labels[i]!]!));
    sum -= w * Math.log(p);
    n += w;
  }
  return ratio(sum, n);
}

export const logLoss: MetricKind<'log-loss', 'scores'> = {
  name: 'log-loss', direction: 'minimize', range: null,
  multiclass: { from: 'probabilities', compute: categoricalLogLoss },
  binary: { from: 'scores', compute: (probs, labels01, _order, weights) => loss(probs, labels01, weights) },
};
