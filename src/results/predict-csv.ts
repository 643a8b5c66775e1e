/** The rows `assay predict` produces and their CSV form. Pure. */
import { csvCell } from '../data/sources/csv-table.js';

/** One scored file: `probability` and `prediction` are set, or `error` is. */
export interface PredictRow {
  /** The path as given (joined with the path inside a given folder). */
  readonly path: string;
  /** Probability of the positive class. */
  readonly probability: number | null;
  /** Class name at the run's threshold. */
  readonly prediction: string | null;
  readonly error: string | null;
}

/**
 * `path,probability,prediction,error`, one row per file; probabilities with 9 significant digits,
 * exactly as the run's predictions.csv writes them, so the two can be compared as text.
 */
export function formatPredictCsv(rows: readonly PredictRow[]): string {
  const lines = ['path,probability,prediction,error'];
  for (const r of rows) {
    lines.push([csvCell(r.path), r.probability === null ? '' : r.probability.toPrecision(9), csvCell(r.prediction ?? ''), csvCell(r.error ?? '')].join(','));
  }
  return `${lines.join('\n')}\n`;
}
