/**
 * `clip` (tables): limits chosen columns to [min, max]: fixed bounds (either may be left out), or
 * the training part's `quantile` and 1 - quantile of each column (type 7 interpolation).
 */
import { DataError } from '../../core/errors.js';
import { quantileSorted } from '../../evaluate/bootstrap.js';
import { COLUMNS_SCHEMA, columnsFromYaml, selectColumns } from './columns.js';
import type { PixelKind } from './kind.js';

export type FittedClip = { readonly kind: 'clip'; readonly columns: readonly number[]; readonly min: readonly (number | null)[]; readonly max: readonly (number | null)[] };

export const clip: PixelKind<'clip', FittedClip> = {
  kind: 'clip',
  place: 'pixel',
  data: 'table',
  schema: {
    title: 'Clip',
    description: 'Limit table columns to [min, max], or to the training part\'s quantile and 1 - quantile of each column; CSV feature columns only: the rows of tabular data, or each item\'s row in mixed data (an image and a row per item; image steps take the image). `clip: {}` or `clip:` clips every numeric column to its 0.01 and 0.99 quantiles; no default otherwise: it runs only where listed.',
    type: ['object', 'null'], additionalProperties: false,
    examples: [{ columns: ['amount'], quantile: 0.01 }, { min: 0, max: 100 }],
    properties: {
      columns: COLUMNS_SCHEMA,
      min: { description: 'Fixed lower bound for every chosen column (not with quantile); no limit when absent.', type: 'number', examples: [0] },
      max: { description: 'Fixed upper bound for every chosen column (not with quantile); no limit when absent.', type: 'number', examples: [100] },
      quantile: {
        description: 'Clip each column to the training part\'s quantile and 1 - quantile (type 7 interpolation), in (0, 0.5); used when neither min nor max is given, and not with them.',
        type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 0.5, default: 0.01, examples: [0.05],
      },
    },
    dependentSchemas: { quantile: { properties: { min: false, max: false } } },
  },
  defaults: { columns: 'numeric' },
  fromYaml: (p) => ({
    kind: 'clip', columns: columnsFromYaml(p['columns']),
    bounds: p['min'] !== undefined || p['max'] !== undefined
      ? { kind: 'fixed', min: (p['min'] as number | undefined) ?? null, max: (p['max'] as number | undefined) ?? null }
      : { kind: 'quantile', quantile: (p['quantile'] as number | undefined) ?? 0.01 },
  }),
  fit(s, block, context) {
    const columns = selectColumns(s.kind, s.columns, context);
    const b = s.bounds;
    if (b.kind === 'fixed') {
      if (b.min !== null && b.max !== null && b.min > b.max) throw new DataError('data.features-columns', `feature step clip: min ${b.min} is above max ${b.max}`);
      return { kind: 'clip', columns, min: columns.map(() => b.min), max: columns.map(() => b.max) };
    }
    if (block.count === 0) throw new DataError('data.features-empty', 'feature step clip cannot be fitted: the training block is empty');
    const d = block.channels;
    const sorted = columns.map((c) => Float64Array.from({ length: block.count }, (_, r) => block.data[r * d + c]!).sort());
    return { kind: 'clip', columns, min: sorted.map((v) => quantileSorted(v, b.quantile)), max: sorted.map((v) => quantileSorted(v, 1 - b.quantile)) };
  },
  apply(f, block) {
    const data = block.data.slice();
    const d = block.channels;
    for (let r = 0; r < block.count; r++) {
      f.columns.forEach((c, k) => {
        const lo = f.min[k], hi = f.max[k];
        let v = data[r * d + c]!;
        if (lo !== null && lo !== undefined && v < lo) v = lo;
        if (hi !== null && hi !== undefined && v > hi) v = hi;
        data[r * d + c] = v;
      });
    }
    return { ...block, data };
  },
};
