/** log-loss: mean negative log-likelihood, probabilities clipped to [1e-15, 1 - 1e-15]; 0 with no items. */
import { logLoss as loss } from '../ranking.js';
import type { MetricKind } from './kind.js';

export const logLoss: MetricKind<'log-loss', 'scores'> = {
  name: 'log-loss', direction: 'minimize', range: null,
  binary: { from: 'scores', compute: (probs, labels01, _order, weights) => loss(probs, labels01, weights) },
};
