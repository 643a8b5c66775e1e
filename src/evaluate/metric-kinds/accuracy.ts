/** accuracy: (tp + tn) / all; multi-class: the share on the diagonal. Misleads when the classes are imbalanced; the report says so. */
import { ratio, type MetricKind } from './kind.js';
import { total } from './matrix.js';

export const accuracy: MetricKind<'accuracy', 'confusion'> = {
  name: 'accuracy', direction: 'maximize', range: [0, 1],
  binary: { from: 'confusion', compute: ({ tp, fp, tn, fn }) => ratio(tp + tn, tp + fp + tn + fn) },
  multiclass: {
    from: 'matrix',
    compute: (m) => {
      let diagonal = 0;
      for (let c = 0; c < m.length; c++) diagonal += m[c]![c]!;
      return ratio(diagonal, total(m));
    },
  },
};
