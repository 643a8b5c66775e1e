/** weighted-f1 (multi-class): per-class F1 averaged with each class's support as its weight. */
import type { MetricKind } from './kind.js';
import { classF1, weighted } from './matrix.js';

export const weightedF1: MetricKind<'weighted-f1', 'none'> = {
  name: 'weighted-f1', direction: 'maximize', range: [0, 1], binary: null,
  multiclass: { from: 'matrix', compute: (m) => weighted(m, classF1) },
};
