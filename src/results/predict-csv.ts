/** The rows `assay predict` produces and their CSV form. Pure. */
import { csvCell } from '../data/sources/csv-table.js';

/** One scored file: `probability` and `prediction` are set, or `error` is. */
export interface PredictRow {
  /** The path as given (joined with the path inside a given folder). */
  readonly path: string;
  /** Probability of the positive class (multi-class: of the predicted class). */
  readonly probability: number | null;
  /** Class name at the run's threshold (multi-class: the most probable class). */
  readonly prediction: string | null;
  readonly error: string | null;
  /** Multi-class runs: every class's probability, in class order (null for an error row). */
  readonly classProbabilities?: readonly number[] | null;
}

/**
 * `path,probability,prediction,error`, one row per file; probabilities with 9 significant digits,
 * exactly as the run's predictions.csv writes them, so the two can be compared as text. With
 * `classes` (a multi-class run), one more column per class: `probability[<class>]`.
 */
export function formatPredictCsv(rows: readonly PredictRow[], classes?: readonly string[]): string {
  const perClass = classes ?? [];
  const lines = [['path,probability,prediction,error', ...perClass.map((c) => csvCell(`probability[${c}]`))].join(',')];
  for (const r of rows) {
    const extra = perClass.map((_, c) => (r.classProbabilities?.[c] === undefined ? '' : r.classProbabilities[c]!.toPrecision(9)));
    lines.push([csvCell(r.path), r.probability === null ? '' : r.probability.toPrecision(9), csvCell(r.prediction ?? ''), csvCell(r.error ?? ''), ...extra].join(','));
  }
  return `${lines.join('\n')}\n`;
}
