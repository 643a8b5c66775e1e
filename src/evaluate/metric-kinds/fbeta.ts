/** fbeta: (1 + b^2) tp / ((1 + b^2) tp + b^2 fn + fp), b = objective.beta; 0 when tp = fp = fn = 0. */
import { ratio, type MetricKind } from './kind.js';

export const fbeta: MetricKind<'fbeta', 'confusion'> = {
  name: 'fbeta', direction: 'maximize', range: [0, 1],
  multiclass: null,
  binary: {
    from: 'confusion',
    compute: ({ tp, fp, fn }, beta) => {
      const b2 = beta * beta;
      return ratio((1 + b2) * tp, (1 + b2) * tp + b2 * fn + fp);
    },
  },
};
