/**
 * `one-hot` (tables): replaces each chosen categorical column, in place, by one 0/1 column
 * `name=value` per category seen in the training part (code-unit order). A category the training
 * part never held (a validation, hold-out or new row) and a missing cell are coded all-zero.
 */
import { selectColumns } from './columns.js';
import type { FitContext, PixelKind } from './kind.js';

export type FittedOneHot = {
  readonly kind: 'one-hot';
  readonly columns: readonly number[];
  readonly names: readonly string[];
  /** Per column: the training part's categories, in code-unit order. */
  readonly categories: readonly (readonly string[])[];
};

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export const oneHot: PixelKind<'one-hot', FittedOneHot> = {
  kind: 'one-hot',
  place: 'pixel',
  data: 'table',
  schema: {
    title: 'One-hot',
    description: 'Code categorical table columns as 0/1 columns name=value, one per category of the training part; unseen categories and missing cells code all-zero; CSV feature columns only: the rows of tabular data, or each item\'s row in mixed data (an image and a row per item; image steps take the image). A categorical column no one-hot step names is coded as if by a one-hot step before the other steps (after the last impute step that covers it). `one-hot: {}` or `one-hot:` takes every categorical column; no default otherwise: it runs only where listed.',
    type: ['object', 'null'], additionalProperties: false,
    examples: [{}, { columns: ['region'] }],
    properties: {
      columns: {
        description: 'The columns to code: categorical (every categorical data column not yet coded) or a list of categorical column names. A name not in data.columns fails validation.',
        anyOf: [{ const: 'categorical' }, { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, uniqueItems: true }],
        default: 'categorical',
        examples: ['categorical', ['region']],
      },
    },
  },
  defaults: { columns: 'categorical' },
  fromYaml: (p) => ({ kind: 'one-hot', columns: Array.isArray(p['columns']) ? (p['columns'] as string[]) : 'categorical' }),
  fit(s, block, context) {
    const columns = selectColumns(s.kind, s.columns, context, 'categorical');
    const ctx = context!;
    const d = block.channels;
    const categories = columns.map((c) => {
      const dict = ctx.categories![c]!;
      const seen = new Set<string>();
      for (let r = 0; r < block.count; r++) { const v = block.data[r * d + c]!; if (!Number.isNaN(v)) seen.add(dict[v]!); }
      return [...seen].sort(byCodeUnits);
    });
    return { kind: 'one-hot', columns, names: columns.map((c) => ctx.columns![c]!), categories };
  },
  apply(f, block, context) {
    const d = block.channels;
    const width = new Array<number>(d).fill(1);
    // Per coded column: table code -> position among the fitted categories (-1: unseen).
    const lookup = new Map<number, number[]>();
    f.columns.forEach((c, k) => {
      width[c] = f.categories[k]!.length;
      const dict = context?.categories?.[c];
      if (!dict) throw new Error(`one-hot: column ${f.names[k]} is not a categorical column of this table`);
      lookup.set(c, dict.map((v) => f.categories[k]!.indexOf(v)));
    });
    const e = width.reduce((a, b) => a + b, 0);
    const data = new Float32Array(block.count * e);
    for (let r = 0; r < block.count; r++) {
      let o = r * e;
      for (let c = 0; c < d; c++) {
        const v = block.data[r * d + c]!;
        const map = lookup.get(c);
        if (map === undefined) data[o] = v;
        else if (!Number.isNaN(v) && (map[v] ?? -1) >= 0) data[o + map[v]!] = 1;
        o += width[c]!;
      }
    }
    return { ...block, channels: e, data };
  },
  columnsAfter(f, context): FitContext {
    const columns: string[] = [], numeric: boolean[] = [], categories: (readonly string[] | null)[] = [];
    (context.columns ?? []).forEach((name, c) => {
      const k = f.columns.indexOf(c);
      if (k < 0) { columns.push(name); numeric.push(context.numeric[c]!); categories.push(context.categories?.[c] ?? null); return; }
      for (const v of f.categories[k]!) { columns.push(`${name}=${v}`); numeric.push(false); categories.push(null); }
    });
    return { columns, numeric, categories };
  },
};
