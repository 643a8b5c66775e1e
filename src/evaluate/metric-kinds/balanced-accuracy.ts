/**
 * balanced-accuracy: mean of recall and specificity over the classes present (one present: its
 * rate; none: 0); multi-class: the mean recall over the classes present.
 */
import { ratio, type MetricKind } from './kind.js';
import { classCounts, classRecall } from './matrix.js';

export const balancedAccuracy: MetricKind<'balanced-accuracy', 'confusion'> = {
  name: 'balanced-accuracy', direction: 'maximize', range: [0, 1],
  multiclass: {
    from: 'matrix',
    compute: (m) => {
      let sum = 0, present = 0;
      for (let c = 0; c < m.length; c++) if (classCounts(m, c).actual > 0) { sum += classRecall(m, c); present++; }
      return ratio(sum, present);
    },
  },
  binary: {
    from: 'confusion',
    compute: ({ tp, fp, tn, fn }) => {
      const hasPos = tp + fn > 0, hasNeg = tn + fp > 0;
      if (hasPos && hasNeg) return (tp / (tp + fn) + tn / (tn + fp)) / 2;
      if (hasPos) return tp / (tp + fn);
      if (hasNeg) return tn / (tn + fp);
      return 0;
    },
  },
};
