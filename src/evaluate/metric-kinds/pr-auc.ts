/** pr-auc: average precision (step-wise area under the PR curve); 0 with no positives. */
import { averagePrecision } from '../ranking.js';
import type { MetricKind } from './kind.js';

export const prAuc: MetricKind<'pr-auc', 'scores'> = {
  name: 'pr-auc', direction: 'maximize', range: [0, 1],
  multiclass: null,
  binary: { from: 'scores', compute: (probs, labels01, order, weights) => averagePrecision(probs, labels01, order, weights) },
};
