/** roc-auc: P(a random positive scores above a random negative), ties one half; 0.5 when a class is absent. */
import { rocAuc as auc } from '../ranking.js';
import type { MetricKind } from './kind.js';

export const rocAuc: MetricKind<'roc-auc', 'scores'> = {
  name: 'roc-auc', direction: 'maximize', range: [0, 1],
  multiclass: null,
  binary: { from: 'scores', compute: (probs, labels01, order, weights) => auc(probs, labels01, order, weights) },
};
