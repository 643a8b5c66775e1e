/**
 * `log1p` (tables): compresses long-tailed columns: sign(x) * log(1 + |x|), which is log(1 + x)
 * for x >= 0 and defined for every real x (so a negative value at predict time never gives NaN).
 * Learns nothing but the column indices.
 */
import { COLUMNS_SCHEMA, columnsFromYaml, selectColumns } from './columns.js';
import type { PixelKind } from './kind.js';

export type FittedLog1p = { readonly kind: 'log1p'; readonly columns: readonly number[] };

export const log1p: PixelKind<'log1p', FittedLog1p> = {
  kind: 'log1p',
  place: 'pixel',
  data: 'table',
  schema: {
    title: 'log1p',
    description: 'sign(x) * log(1 + |x|) on table columns (log(1 + x) for x >= 0, defined for negative values too); CSV feature columns only: the rows of tabular data, or each item\'s row in mixed data (an image and a row per item; image steps take the image). `log1p: {}` or `log1p:` takes every numeric column; no default otherwise: it runs only where listed.',
    type: ['object', 'null'], additionalProperties: false, properties: { columns: COLUMNS_SCHEMA },
    examples: [{}, { columns: ['amount'] }],
  },
  defaults: { columns: 'numeric' },
  fromYaml: (p) => ({ kind: 'log1p', columns: columnsFromYaml(p['columns']) }),
  fit: (s, _block, context) => ({ kind: 'log1p', columns: selectColumns(s.kind, s.columns, context) }),
  apply(f, block) {
    const data = block.data.slice();
    const d = block.channels;
    for (let r = 0; r < block.count; r++) {
      for (const c of f.columns) { const v = data[r * d + c]!; data[r * d + c] = Math.sign(v) * Math.log1p(Math.abs(v)); }
    }
    return { ...block, data };
  },
};
