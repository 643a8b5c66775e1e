/** `standardize` (tables): chosen columns minus their training mean, over their population std (a constant column divides by 1). */
import { DataError } from '../../core/errors.js';
import { meanStd } from '../channel-stats.js';
import { COLUMNS_SCHEMA, columnsFromYaml, selectColumns } from './columns.js';
import type { PixelKind } from './kind.js';

export type FittedStandardize = { readonly kind: 'standardize'; readonly columns: readonly number[]; readonly mean: readonly number[]; readonly std: readonly number[] };

export const standardize: PixelKind<'standardize', FittedStandardize> = {
  kind: 'standardize',
  place: 'pixel',
  data: 'table',
  schema: {
    title: 'Standardize',
    description: 'Table columns minus their mean, over their population std (a constant column divides by 1), fitted on the training part only; CSV feature columns only: the rows of tabular data, or each item\'s row in mixed data (an image and a row per item; image steps take the image). `standardize: {}` or `standardize:` takes every numeric column; no default otherwise: it runs only where listed.',
    type: ['object', 'null'], additionalProperties: false, properties: { columns: COLUMNS_SCHEMA },
    examples: [{}, { columns: ['amount', 'age'] }],
  },
  defaults: { columns: 'numeric' },
  fromYaml: (p) => ({ kind: 'standardize', columns: columnsFromYaml(p['columns']) }),
  fit(s, block, context) {
    const columns = selectColumns(s.kind, s.columns, context);
    if (block.count === 0) throw new DataError('data.features-empty', 'feature step standardize cannot be fitted: the training block is empty');
    const { mean, std } = meanStd(block.data, block.channels);
    return { kind: 'standardize', columns, mean: columns.map((c) => mean[c]!), std: columns.map((c) => std[c]!) };
  },
  apply(f, block) {
    const data = block.data.slice();
    const d = block.channels;
    for (let r = 0; r < block.count; r++) {
      f.columns.forEach((c, k) => { data[r * d + c] = (data[r * d + c]! - f.mean[k]!) / (f.std[k]! > 0 ? f.std[k]! : 1); });
    }
    return { ...block, data };
  },
};
