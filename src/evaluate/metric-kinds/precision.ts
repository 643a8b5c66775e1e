/** precision: tp / (tp + fp); 0 when nothing is predicted positive. */
import { ratio, type MetricKind } from './kind.js';

export const precision: MetricKind<'precision', 'confusion'> = {
  name: 'precision', direction: 'maximize', range: [0, 1],
  multiclass: null,
  binary: { from: 'confusion', compute: ({ tp, fp }) => ratio(tp, tp + fp) },
};
