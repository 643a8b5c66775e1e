/** mcc: Matthews correlation in [-1, 1]; 0 when any row or column of the confusion matrix sums to 0. */
import type { MetricKind } from './kind.js';

export const mcc: MetricKind<'mcc', 'confusion'> = {
  name: 'mcc', direction: 'maximize', range: [-1, 1],
  binary: {
    from: 'confusion',
    compute: ({ tp, fp, tn, fn }) => {
      const d = (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn);
      return d === 0 ? 0 : (tp * tn - fp * fn) / Math.sqrt(d);
    },
  },
};
