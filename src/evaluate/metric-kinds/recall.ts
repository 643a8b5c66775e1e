/** recall: tp / (tp + fn); 0 when there are no positives. */
import { ratio, type MetricKind } from './kind.js';

export const recall: MetricKind<'recall', 'confusion'> = {
  name: 'recall', direction: 'maximize', range: [0, 1],
  multiclass: null,
  binary: { from: 'confusion', compute: ({ tp, fn }) => ratio(tp, tp + fn) },
};
