/** accuracy: (tp + tn) / all. Misleads when the classes are imbalanced; the report says so. */
import { ratio, type MetricKind } from './kind.js';

export const accuracy: MetricKind<'accuracy', 'confusion'> = {
  name: 'accuracy', direction: 'maximize', range: [0, 1],
  binary: { from: 'confusion', compute: ({ tp, fp, tn, fn }) => ratio(tp + tn, tp + fp + tn + fn) },
};
