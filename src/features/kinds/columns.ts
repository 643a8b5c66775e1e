/**
 * Column selection for table steps. A step fitted on a table learns the indices of the columns it
 * takes, so applying it needs no names. `numeric` means every model input column that is a data
 * column by its own name (not a `name=value` one-hot column).
 */
import { DataError } from '../../core/errors.js';
import type { ColumnSelection } from '../../core/spec.js';
import type { FitContext } from './kind.js';

/** Schema node of a `columns` key. */
export const COLUMNS_SCHEMA = {
  description: 'The columns the step takes: numeric (every numeric data column; one-hot name=value columns are never touched) or a list of numeric column names. A name the table lacks, or a one-hot column, fails the features stage.',
  anyOf: [{ const: 'numeric' }, { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, uniqueItems: true }],
  default: 'numeric',
  examples: ['numeric', ['amount', 'age']],
} as const;

/** The indices a selection names; DataError for a name the table lacks or a one-hot column, or without table columns. */
export function selectColumns(step: string, selection: ColumnSelection, context: FitContext | undefined): number[] {
  if (context?.columns === undefined) throw new DataError('data.features-tabular', `feature step ${step} takes table columns; this data has none`);
  const { columns, numeric } = context;
  if (selection === 'numeric') return columns.flatMap((_, i) => (numeric[i] ? [i] : []));
  return selection.map((name) => {
    const i = columns.indexOf(name);
    if (i < 0) throw new DataError('data.features-columns', `feature step ${step} names column ${name}, which the table does not have (columns: ${columns.join(', ')})`);
    if (!numeric[i]) throw new DataError('data.features-columns', `feature step ${step} names column ${name}, a one-hot column; it takes numeric columns`);
    return i;
  });
}

/** `columns` as read from YAML. */
export function columnsFromYaml(v: unknown): ColumnSelection {
  return Array.isArray(v) ? (v as string[]) : 'numeric';
}
