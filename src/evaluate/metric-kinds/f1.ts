/** f1: 2tp / (2tp + fp + fn); 0 when tp = fp = fn = 0. */
import { ratio, type MetricKind } from './kind.js';

export const f1: MetricKind<'f1', 'confusion'> = {
  name: 'f1', direction: 'maximize', range: [0, 1],
  multiclass: null,
  binary: { from: 'confusion', compute: ({ tp, fp, fn }) => ratio(2 * tp, 2 * tp + fp + fn) },
};
