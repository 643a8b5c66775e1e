/**
 * `impute` (tables): fills missing values (NaN) of chosen columns with the training part's median
 * or most frequent value. Ties in most-frequent go to the smallest number, or the first category
 * in code-unit order, so the fill never depends on row order. A column with no value at all in
 * the training part fills numeric cells with 0 and leaves categorical ones missing (one-hot codes
 * them all-zero). `indicator: true` appends a 0/1 `name:missing` column for every imputed column
 * that had a missing value in the training part.
 */
import { DataError } from '../../core/errors.js';
import { isCategorical, selectColumns } from './columns.js';
import type { FitContext, PixelKind } from './kind.js';

export type FittedImpute = {
  readonly kind: 'impute';
  readonly columns: readonly number[];
  /** Column names, for messages and for `assay predict` (which cells may be missing). */
  readonly names: readonly string[];
  /** Per column: the number, the category (categorical columns), or null (nothing to fill with). */
  readonly fill: readonly (number | string | null)[];
  /** Positions in `columns` that get a `name:missing` indicator column, in order. */
  readonly indicator: readonly number[];
};

/** Median of finite values (mean of the middle two for an even count); null when there are none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = Float64Array.from(values).sort();
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Most frequent value, ties to the one `before` puts first; null when there are none. */
export function mostFrequent<T>(values: readonly T[], before: (a: T, b: T) => boolean): T | null {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: T | null = null, bestCount = 0;
  for (const [v, c] of counts) if (c > bestCount || (c === bestCount && best !== null && before(v, best))) { best = v; bestCount = c; }
  return best;
}

const IMPUTE_COLUMNS = {
  description: 'The columns to fill: numeric (every numeric data column), categorical (every categorical data column not yet one-hot coded) or a list of column names. A name not in data.columns fails validation.',
  anyOf: [{ enum: ['numeric', 'categorical'] }, { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, uniqueItems: true }],
  default: 'numeric',
  examples: ['numeric', ['amount', 'region']],
} as const;

export const impute: PixelKind<'impute', FittedImpute> = {
  kind: 'impute',
  place: 'pixel',
  data: 'table',
  schema: {
    title: 'Impute',
    description: 'Fill missing cells (empty, NA or NaN in the CSV) of table columns with the training part\'s median or most frequent value; CSV feature columns only: the rows of tabular data, or each item\'s row in mixed data (an image and a row per item; image steps take the image). A missing cell in a column no impute step covers is an error. `impute: {}` or `impute:` fills every numeric column with its median; no default otherwise: it runs only where listed.',
    type: ['object', 'null'], additionalProperties: false,
    examples: [{}, { columns: 'categorical', strategy: 'most-frequent' }, { columns: ['amount'], indicator: true }],
    properties: {
      columns: IMPUTE_COLUMNS,
      strategy: {
        description: 'median (numeric columns only; the mean of the middle two for an even count) or most-frequent (ties: the smallest number, or the first category in code-unit order).',
        enum: ['median', 'most-frequent'], default: 'median', examples: ['most-frequent'],
      },
      indicator: {
        description: 'Append a 0/1 column `name:missing` for each imputed column that had a missing value in the training part.',
        type: 'boolean', default: false, examples: [true],
      },
    },
  },
  defaults: { columns: 'numeric', strategy: 'median', indicator: false },
  fromYaml: (p) => ({
    kind: 'impute',
    columns: Array.isArray(p['columns']) ? (p['columns'] as string[]) : p['columns'] === 'categorical' ? 'categorical' : 'numeric',
    strategy: p['strategy'] === 'most-frequent' ? 'most-frequent' : 'median',
    indicator: p['indicator'] === true,
  }),
  fit(s, block, context) {
    const columns = selectColumns(s.kind, s.columns, context, 'any');
    const ctx = context!;
    const d = block.channels;
    const fill: (number | string | null)[] = [];
    const indicator: number[] = [];
    columns.forEach((c, k) => {
      const present: number[] = [];
      for (let r = 0; r < block.count; r++) { const v = block.data[r * d + c]!; if (!Number.isNaN(v)) present.push(v); }
      if (present.length < block.count) indicator.push(k);
      const cats = ctx.categories?.[c] ?? null;
      if (cats !== null) {
        if (s.strategy === 'median') throw new DataError('data.features-columns', `feature step impute: strategy median takes numeric columns; ${ctx.columns![c]} is categorical (use strategy: most-frequent)`);
        const code = mostFrequent(present, (a, b) => cats[a]! < cats[b]!);
        fill.push(code === null ? null : cats[code]!);
      } else fill.push((s.strategy === 'median' ? median(present) : mostFrequent(present, (a, b) => a < b)) ?? 0);
    });
    return { kind: 'impute', columns, names: columns.map((c) => ctx.columns![c]!), fill, indicator: s.indicator ? indicator : [] };
  },
  apply(f, block, context) {
    const d = block.channels, e = d + f.indicator.length;
    const data = new Float32Array(block.count * e);
    const fills = f.columns.map((c, k) => {
      const v = f.fill[k];
      if (typeof v !== 'string') return v ?? Number.NaN;
      const code = context?.categories?.[c]?.indexOf(v) ?? -1;
      if (code < 0) throw new Error(`impute: category ${JSON.stringify(v)} of column ${f.names[k]} is not in the table's category list`);
      return code;
    });
    for (let r = 0; r < block.count; r++) {
      data.set(block.data.subarray(r * d, (r + 1) * d), r * e);
      f.indicator.forEach((k, j) => { data[r * e + d + j] = Number.isNaN(block.data[r * d + f.columns[k]!]!) ? 1 : 0; });
      f.columns.forEach((c, k) => { if (Number.isNaN(data[r * e + c]!)) data[r * e + c] = fills[k]!; });
    }
    return { ...block, channels: e, data };
  },
  columnsAfter(f, context): FitContext {
    const added = f.indicator.map((k) => `${f.names[k]}:missing`);
    return {
      columns: [...(context.columns ?? []), ...added],
      numeric: [...context.numeric, ...added.map(() => false)],
      categories: [...(context.columns ?? []).map((_, i) => (isCategorical(context, i) ? context.categories![i]! : null)), ...added.map(() => null)],
    };
  },
};

