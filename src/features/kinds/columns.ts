/**
 * Column selection for table steps. A step fitted on a table learns the indices of the columns it
 * takes, so applying it needs no names. `numeric` means every numeric data column (not a one-hot
 * `name=value` or a `name:missing` indicator column); `categorical` every categorical data column
 * not yet one-hot coded.
 */
import { DataError } from '../../core/errors.js';
import type { ColumnSelection } from '../../core/spec.js';
import type { FitContext } from './kind.js';

/** Schema node of a `columns` key. */
export const COLUMNS_SCHEMA = {
  description: 'The columns the step takes: numeric (every numeric data column; one-hot name=value columns are never touched) or a list of numeric column names. A name not in data.columns fails validation; a categorical or one-hot column fails the features stage.',
  anyOf: [{ const: 'numeric' }, { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, uniqueItems: true }],
  default: 'numeric',
  examples: ['numeric', ['amount', 'age']],
} as const;

/** Which columns a step may take. */
export type ColumnKind = 'numeric' | 'categorical' | 'any';

/** True when column `i` is a categorical column not yet one-hot coded. */
export function isCategorical(context: FitContext, i: number): boolean {
  return (context.categories?.[i] ?? null) !== null;
}

/**
 * The indices a selection names; DataError for a name the table lacks, a column of a kind the
 * step does not take (`accepts`), or without table columns.
 */
export function selectColumns(step: string, selection: ColumnSelection, context: FitContext | undefined, accepts: ColumnKind = 'numeric'): number[] {
  if (context?.columns === undefined) throw new DataError('data.features-tabular', `feature step ${step} takes table columns; this data has none`);
  const { columns, numeric } = context;
  if (selection === 'numeric') return columns.flatMap((_, i) => (numeric[i] ? [i] : []));
  if (selection === 'categorical') return columns.flatMap((_, i) => (isCategorical(context, i) ? [i] : []));
  return selection.map((name) => {
    const i = columns.indexOf(name);
    if (i < 0) {
      const coded = columns.some((c) => c.startsWith(`${name}=`));
      throw new DataError('data.features-columns', coded
        ? `feature step ${step} names column ${name}, which an earlier step has one-hot coded; place ${step} before the one-hot step (or name ${name} in a one-hot step after it)`
        : `feature step ${step} names column ${name}, which the table does not have (columns: ${columns.join(', ')})`);
    }
    const kind = numeric[i] ? 'numeric' : isCategorical(context, i) ? 'categorical' : null;
    if (kind === null) throw new DataError('data.features-columns', `feature step ${step} names column ${name}, a one-hot or indicator column; it takes ${accepts === 'any' ? 'data' : accepts} columns`);
    if (accepts !== 'any' && kind !== accepts) throw new DataError('data.features-columns', `feature step ${step} names column ${name}, a ${kind} column; it takes ${accepts} columns`);
    return i;
  });
}

/** `columns` as read from YAML (`fallback` when absent). */
export function columnsFromYaml(v: unknown, fallback: 'numeric' | 'categorical' = 'numeric'): ColumnSelection {
  return Array.isArray(v) ? (v as string[]) : v === 'numeric' || v === 'categorical' ? v : fallback;
}
