/**
 * Reading a finished run folder back: the lock, the metrics, the hold-out ids and the hold-out
 * predictions, in the shapes `write-run.ts` writes them. Pure file reading, no tfjs.
 */
import { readFileBounded } from '../data/read-file-bounded.js';
import path from 'node:path';
import { NotFoundError } from '../core/errors.js';
import type { MetricName } from '../core/spec.js';
import { readJson } from '../store/run-folder.js';
import { parseCsv } from '../data/sources/csv-table.js';

/** The parts of `lock.json` the results commands read (everything else is passed through as unknown). */
export interface RunLock {
  readonly run?: string;
  readonly createdAt?: string;
  readonly file?: string;
  readonly overrides?: readonly string[];
  readonly pipeline?: unknown;
  readonly stages?: readonly { readonly name: string; readonly key: string; readonly fingerprint?: unknown }[];
  readonly backend?: { readonly name?: string; readonly versions?: Readonly<Record<string, string>> } | null;
  readonly environment?: {
    readonly assay?: string; readonly node?: string; readonly platform?: string; readonly arch?: string;
    readonly cpuModel?: string; readonly packages?: Readonly<Record<string, string | null>>;
  };
  readonly status?: 'finished' | 'failed' | 'interrupted';
  /** The run's own name (`assay run --name`). */
  readonly label?: string;
  readonly data?: { readonly root?: string; readonly positive?: string; readonly classes?: readonly string[] };
}

/** The parts of `metrics.json` the results commands read. */
export interface RunMetrics {
  readonly objective?: { readonly metric?: MetricName; readonly threshold?: number; readonly rule?: string };
  readonly holdout?: {
    readonly n?: number;
    readonly metrics?: Readonly<Partial<Record<MetricName, number>>>;
    readonly intervals?: Readonly<Record<string, { readonly estimate: number; readonly low: number; readonly high: number }>>;
  };
}

/** One row of a run's `predictions.csv`. */
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

/** Read `lock.json`; throws NotFoundError when the folder has none (not a run folder). */
export async function readLock(dir: string): Promise<RunLock> {
  const lock = await readJson<RunLock>(path.join(dir, 'lock.json'));
  if (!lock) throw new NotFoundError(`${dir} is not a run folder (no readable lock.json)`);
  return lock;
}

/** Read `metrics.json`; throws NotFoundError when it is missing (the run did not finish). */
export async function readMetrics(dir: string): Promise<RunMetrics> {
  const metrics = await readJson<RunMetrics>(path.join(dir, 'metrics.json'));
  if (!metrics) throw new NotFoundError(`${dir} has no metrics.json (did the run finish? see \`assay show ${path.basename(dir)}\`)`);
  return metrics;
}

/** The hold-out's content ids from `holdout.json`, or null when the file is missing or unreadable. */
export async function readHoldoutIds(dir: string): Promise<readonly string[] | null> {
  const h = await readJson<{ ids?: unknown }>(path.join(dir, 'holdout.json'));
  return h && Array.isArray(h.ids) && h.ids.every((x) => typeof x === 'string') ? (h.ids as string[]) : null;
}

/** Parse `predictions.csv` text (header `ref,id,label,probability,prediction`). Throws an Error naming the bad line. */
export function parsePredictionsCsv(text: string): PredictionRow[] {
  // NOTE: the project's one CSV reader, so quoted refs with commas or line breaks read back as written.
  const table = parseCsv(text, 'predictions.csv', { formulaEscaped: true });
  const col = (name: string) => {
    const i = table.header.indexOf(name);
    if (i < 0) throw new Error(`predictions.csv has no "${name}" column (header: ${table.header.join(',') || '(empty)'})`);
    return i;
  };
  const [ref, id, label, prob, pred] = [col('ref'), col('id'), col('label'), col('probability'), col('prediction')];
  const perClass = table.header.flatMap((h, i) => (/^probability\[.+\]$/.test(h) ? [i] : []));
  return table.rows.map((cells, k) => {
    const probability = Number(cells[prob]);
    if (cells[prob] === '' || !Number.isFinite(probability)) {
      throw new Error(`predictions.csv line ${table.line[k]} is malformed: probability ${JSON.stringify(cells[prob])}`);
    }
    const row = { ref: cells[ref]!, id: cells[id]!, label: cells[label]!, probabilityText: cells[prob]!, probability, prediction: cells[pred]! };
    return perClass.length === 0 ? row : { ...row, classProbabilityTexts: perClass.map((i) => cells[i] ?? '') };
  });
}

/** Read and parse a run's `predictions.csv`, or null when the file is absent. */
export async function readPredictions(dir: string): Promise<PredictionRow[] | null> {
  let text: string;
  try {
    text = (await readFileBounded(path.join(dir, 'predictions.csv'))).toString('utf8');
  } catch {
    return null;
  }
  return parsePredictionsCsv(text);
}
