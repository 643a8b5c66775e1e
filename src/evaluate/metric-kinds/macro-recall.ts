/** macro-recall (multi-class): the unweighted mean of the k per-class recalls. */
import type { MetricKind } from './kind.js';
import { classRecall, macro } from './matrix.js';

export const macroRecall: MetricKind<'macro-recall', 'none'> = {
  name: 'macro-recall', direction: 'maximize', range: [0, 1], binary: null,
  multiclass: { from: 'matrix', compute: (m) => macro(m, classRecall) },
};
