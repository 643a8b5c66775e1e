/** balanced-accuracy: mean of recall and specificity over the classes present (one present: its rate; none: 0). */
import type { MetricKind } from './kind.js';

export const balancedAccuracy: MetricKind<'balanced-accuracy', 'confusion'> = {
  name: 'balanced-accuracy', direction: 'maximize', range: [0, 1],
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
