/** specificity: tn / (tn + fp); 0 when there are no negatives. */
import { ratio, type MetricKind } from './kind.js';

export const specificity: MetricKind<'specificity', 'confusion'> = {
  name: 'specificity', direction: 'maximize', range: [0, 1],
  multiclass: null,
  binary: { from: 'confusion', compute: ({ tn, fp }) => ratio(tn, tn + fp) },
};
