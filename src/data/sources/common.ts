/** Shapes shared by the sources. */
import { createHash } from 'node:crypto';
import { NO_POSITIVE, type Inventory } from '../../core/data.js';
import { DataError } from '../../core/errors.js';

export interface ListOptions {
  /** Relative data paths resolve against this folder. */
  readonly cwd: string;
  /** JSON file holding the quick-check record (path, size, mtime -> sha256); omitted: hash everything. */
  readonly fingerprintCache?: string;
  readonly progress?: (done: number, total: number) => void;
  /** The pipeline seed (the synthetic source's images depend on it). */
  readonly seed?: number;
  /** CSV feature columns that may hold missing values (those impute steps cover); default none. */
  readonly missing?: MissingPolicy;
}

/** Which CSV feature columns may hold missing values: every numeric, every categorical, or these by name. */
export interface MissingPolicy {
  readonly numeric: boolean;
  readonly categorical: boolean;
  readonly columns: readonly string[];
}

/** No missing values anywhere. */
export const NO_MISSING: MissingPolicy = { numeric: false, categorical: false, columns: [] };

/** Index of the positive class; NO_POSITIVE (-1) when none is named and there are more than two classes (multi-class). */
export function classIndex(classes: readonly string[], name: string | undefined): number {
  if (name === undefined) {
    if (classes.length > 2) return NO_POSITIVE;
    throw new DataError('data.positive', `data.positive is required for ${classes.length} class${classes.length === 1 ? '' : 'es'} (${classes.join(', ')}); only more than two classes may leave it out`);
  }
  const i = classes.indexOf(name);
  if (i < 0) throw new DataError('data.positive', `positive class ${name} is not one of the classes (${classes.join(', ')})`);
  return i;
}

/** sha256 over the (ref, id, label) list sorted by ref: the identity of a listing. */
export function inventoryFingerprint(inv: Inventory): string {
  const rows = inv.items.map((it) => `${it.ref}\u0000${it.id}\u0000${inv.classes[it.label]}`).sort();
  return createHash('sha256').update(rows.join('\n')).digest('hex');
}
