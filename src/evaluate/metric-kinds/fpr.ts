/** fpr: fp / (fp + tn), the share of negatives flagged; 0 when there are no negatives. */
import { ratio, type MetricKind } from './kind.js';

export const fpr: MetricKind<'fpr', 'confusion'> = {
  name: 'fpr', direction: 'minimize', range: [0, 1],
  multiclass: null,
  binary: { from: 'confusion', compute: ({ fp, tn }) => ratio(fp, fp + tn) },
};
