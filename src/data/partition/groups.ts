/**
 * Group keys: which items must stay on the same side of every partition (hold-out, split).
 * Exact duplicates (same item id) are always joined on top of these keys by `buildUnits`.
 */
import type { Item } from '../../core/data.js';
import { DataError } from '../../core/errors.js';
import type { GroupBy } from '../../core/spec.js';

/** The file name part of a ref (`Positive/00004.jpg` -> `00004.jpg`); pure string work, no node:path. */
export function refBasename(ref: string): string {
  const cut = Math.max(ref.lastIndexOf('/'), ref.lastIndexOf('\\'));
  return cut < 0 ? ref : ref.slice(cut + 1);
}

/**
 * Compile a group-by pattern, throwing a DataError (code `data.group-pattern`) that names the
 * pattern and the engine's reason when it is not a valid regular expression.
 */
export function compileGroupPattern(pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new DataError('data.group-pattern', `group-by pattern ${JSON.stringify(pattern)} is not a valid regular expression: ${reason}`, [pattern]);
  }
}

/**
 * A function giving each item its group key.
 *
 * - no group-by: every item is its own group (the key is its id, so exact duplicates share it);
 * - `pattern`: the regex runs on the file name (basename of `item.ref`); the key is the first
 *   capture group when the pattern has one and it took part in the match, else the whole match.
 *   An item whose name does not match is a group of its own (keyed by its ref);
 * - `column`: the key is `columnOf(item, column)`; an item without a value is a group of its own.
 *   A column group-by without `columnOf` (non-tabular data) throws a DataError.
 *
 * Keys from different rules live in different namespaces (`match:`, `ref:`, `column:`), so a
 * file name can never collide with an unmatched item's ref.
 */
export function groupKeyFn(
  groupBy: GroupBy | undefined,
  columnOf?: (item: Item, column: string) => string | undefined,
): (item: Item) => string {
  if (groupBy === undefined) return (item) => item.id;
  switch (groupBy.kind) {
    case 'pattern': {
      const re = compileGroupPattern(groupBy.pattern);
      return (item) => {
        const m = re.exec(refBasename(item.ref));
        if (m === null) return `ref:${item.ref}`;
        const key = m.length > 1 && m[1] !== undefined ? m[1] : m[0];
        return `match:${key}`;
      };
    }
    case 'column': {
      const column = groupBy.column;
      if (columnOf === undefined) {
        throw new DataError('data.group-column', `group-by column ${JSON.stringify(column)} needs tabular data with columns; this source has none`, [column]);
      }
      return (item) => {
        const v = columnOf(item, column);
        return v === undefined ? `ref:${item.ref}` : `column:${v}`;
      };
    }
    default:
      return groupBy satisfies never;
  }
}
