/** fnr: fn / (tp + fn), the share of positives missed; 0 when there are no positives. */
import { ratio, type MetricKind } from './kind.js';

export const fnr: MetricKind<'fnr', 'confusion'> = {
  name: 'fnr', direction: 'minimize', range: [0, 1],
  multiclass: null,
  binary: { from: 'confusion', compute: ({ tp, fn }) => ratio(fn, tp + fn) },
};
