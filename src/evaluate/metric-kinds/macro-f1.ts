/** macro-f1 (multi-class): the unweighted mean of the k per-class F1 scores; every class counts alike. */
import type { MetricKind } from './kind.js';
import { classF1, macro } from './matrix.js';

export const macroF1: MetricKind<'macro-f1', 'none'> = {
  name: 'macro-f1', direction: 'maximize', range: [0, 1], binary: null,
  multiclass: { from: 'matrix', compute: (m) => macro(m, classF1) },
};
