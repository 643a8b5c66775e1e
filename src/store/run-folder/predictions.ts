/**
 * `predictions.csv`: every hold-out prediction. Header `ref,id,label,probability,prediction`, and
 * for a multi-class run one `probability[<class>]` column per class after them; probabilities with
 * 9 significant digits; cells written with the project's CSV quoting (a formula-like cell gets a
 * leading quote, taken off again on reading).
 */
import path from 'node:path';
import { csvCell, parseCsv } from '../../data/sources/csv-table.js';
import { readTextOrNull, writeFileAtomic } from './io.js';
import { PREDICTIONS_FILE } from './names.js';

/** One prediction as written. */
export interface PredictionRecord {
  readonly ref: string;
  /** The item's content id (hex, written as is). */
  readonly id: string;
  readonly label: string;
  /** Binary: the positive class's probability; multi-class: the predicted class's. */
  readonly probability: number;
  readonly prediction: string;
  /** Multi-class runs: every class's probability, in class order. */
  readonly classProbabilities?: readonly number[];
}

/** One row of a run's `predictions.csv` as read. */
export interface PredictionRow {
  readonly ref: string;
  readonly id: string;
  readonly label: string;
  /** The probability exactly as written (compared as text for bit-for-bit checks). */
  readonly probabilityText: string;
  readonly probability: number;
  readonly prediction: string;
  /** Multi-class runs: the `probability[<class>]` cells as written, in column order. */
  readonly classProbabilityTexts?: readonly string[];
}

const HEADER = ['ref', 'id', 'label', 'probability', 'prediction'];

/**
 * The text of predictions.csv. `classes`, for a multi-class run, adds the per-class columns (each
 * row then needs `classProbabilities`); leave it out for a binary run.
 */
export function predictionsCsv(rows: readonly PredictionRecord[], classes?: readonly string[]): string {
  const header = [...HEADER, ...(classes ?? []).map((c) => csvCell(`probability[${c}]`))].join(',');
  const lines = rows.map((r) => [
    csvCell(r.ref), r.id, csvCell(r.label), r.probability.toPrecision(9), csvCell(r.prediction),
    ...(classes ? (r.classProbabilities ?? []).map((v) => v.toPrecision(9)) : []),
  ].join(','));
  return `${[header, ...lines].join('\n')}\n`;
}

export async function writePredictions(dir: string, rows: readonly PredictionRecord[], classes?: readonly string[]): Promise<void> {
  await writeFileAtomic(path.join(dir, PREDICTIONS_FILE), predictionsCsv(rows, classes));
}

/** Parse `predictions.csv` text (header `ref,id,label,probability,prediction`). Throws an Error naming the bad line. */
export function parsePredictionsCsv(text: string): PredictionRow[] {
  // NOTE: the project's one CSV reader, so quoted refs with commas or line breaks read back as written.
  const table = parseCsv(text, PREDICTIONS_FILE, { formulaEscaped: true });
  const col = (name: string) => {
    const i = table.header.indexOf(name);
    if (i < 0) throw new Error(`${PREDICTIONS_FILE} has no "${name}" column (header: ${table.header.join(',') || '(empty)'})`);
    return i;
  };
  const [ref, id, label, prob, pred] = [col('ref'), col('id'), col('label'), col('probability'), col('prediction')];
  const perClass = table.header.flatMap((h, i) => (/^probability\[.+\]$/.test(h) ? [i] : []));
  return table.rows.map((cells, k) => {
    const probability = Number(cells[prob]);
    if (cells[prob] === '' || !Number.isFinite(probability)) {
      throw new Error(`${PREDICTIONS_FILE} line ${table.line[k]} is malformed: probability ${JSON.stringify(cells[prob])}`);
    }
    const row = { ref: cells[ref]!, id: cells[id]!, label: cells[label]!, probabilityText: cells[prob]!, probability, prediction: cells[pred]! };
    return perClass.length === 0 ? row : { ...row, classProbabilityTexts: perClass.map((i) => cells[i] ?? '') };
  });
}

/** Read and parse a run's `predictions.csv`, or null when the file is absent (or unreadable). Throws an Error naming a malformed line. */
export async function readPredictions(dir: string): Promise<PredictionRow[] | null> {
  const text = await readTextOrNull(path.join(dir, PREDICTIONS_FILE));
  return text === null ? null : parsePredictionsCsv(text);
}
