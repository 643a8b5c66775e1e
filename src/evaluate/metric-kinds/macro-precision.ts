/** macro-precision (multi-class): the unweighted mean of the k per-class precisions. */
import type { MetricKind } from './kind.js';
import { classPrecision, macro } from './matrix.js';

export const macroPrecision: MetricKind<'macro-precision', 'none'> = {
  name: 'macro-precision', direction: 'maximize', range: [0, 1], binary: null,
  multiclass: { from: 'matrix', compute: (m) => macro(m, classPrecision) },
};
