/**
 * `assay predict RUN table.csv` for a run on mixed data (an image and a row per item): each row's
 * image (its path relative to the CSV file, which must stay inside the CSV's folder) is decoded
 * with the run's geometry, its columns are read as the run's table steps take them (missing cells
 * imputed, unseen categories coded all-zero and counted; see predict-table.ts prepareRows), and
 * both go through each fold's fitted steps (image steps on the image, table steps on the row),
 * packed as in training, scored and averaged. A row whose value or image is unusable gets an error
 * row located at its line and column; a missing column is a usage error (exit 2). Loads tfjs.
 */
import path from 'node:path';
import { isMulticlass, type MixedLayout } from '../core/data.js';
import { AssayError, UsageError } from '../core/errors.js';
import { decodeBatch, type BatchResult } from '../data/decode-batch.js';
import { readFileBounded } from '../data/read-file-bounded.js';
import { parseCsv } from '../data/sources/csv-table.js';
import { imagePathProblem, imageRef, realPathProblems } from '../data/sources/csv-images.js';
import { toFloat } from '../features/index.js';
import { meanProbabilities } from '../learn/fold-aggregate.js';
import { loadModel } from '../learn/model-io.js';
import { predictProbabilities } from '../learn/train-ops.js';
import type { Preprocess } from '../run/write-run.js';
import { transformMixed } from '../stages/features-mixed.js';
import type { PredictResult } from './predict.js';
import { modelFolders, runBackend, scoredRow } from './predict-score.js';
import { prepareRows } from './predict-table.js';
import type { PredictRow } from './predict-csv.js';
import { readLock } from '../store/run-folder.js';

/** Images decoded at once (as `assay predict` on a folder decodes a batch). */
const DECODE_BATCH = 64;

/** Score the rows of one mixed CSV file with run `run`'s models. */
export async function predictMixed(run: { id: string; dir: string }, pre: Preprocess, paths: readonly string[], cwd: string): Promise<PredictResult> {
  if (paths.length !== 1 || !/\.csv$/i.test(paths[0]!)) {
    throw new UsageError(`run ${run.id} was trained on an image and a row per item; give it one CSV file with its image column and columns (assay predict ${run.id} table.csv), image paths relative to the CSV file`);
  }
  const file = paths[0]!;
  const data = (await readLock(run.dir)).pipeline as { data?: { columns?: unknown; image?: unknown } } | undefined;
  const layout: MixedLayout | undefined = pre.layout;
  if (!Array.isArray(data?.data?.columns) || typeof data?.data?.image !== 'string' || !layout) {
    throw new AssayError('predict.lock', `run ${run.id}'s lock.json and model/preprocess.json do not record its image column, data columns and layout`);
  }
  const imageColumn = data.data.image;
  const abs = path.resolve(cwd, file);
  let text: string;
  try { text = (await readFileBounded(abs)).toString('utf8'); } catch (err) {
    throw new UsageError(`${file} cannot be read: ${(err as Error).message}`);
  }
  const table = parseCsv(text, file);
  const ii = table.header.indexOf(imageColumn);
  if (ii < 0) throw new UsageError(`${file} lacks the image column ${imageColumn} that the run's model takes (the file has ${table.header.join(', ') || 'no columns'})`);
  const models = modelFolders(run.dir, pre);
  const encoded = prepareRows(text, file, data.data.columns as string[], pre.columns ?? [], models.map((m) => m.fitted.table?.steps ?? []));
  const { d } = encoded;
  // Rows whose values encoded: their image, decoded with the run's geometry.
  const good = encoded.rows.flatMap((r, k) => (r.error === null ? [k] : []));
  const source = { kind: 'files', root: path.dirname(abs) } as const;
  const errors = new Map<number, string>();
  const at = (k: number) => `line ${table.line[k]}, column ${imageColumn} (${ii + 1})`;
  // A path that leaves the CSV's folder (as written, or once links are followed) is refused before anything is read.
  const outside = await realPathProblems(path.dirname(abs), table, ii, good);
  const readable: number[] = [];
  good.forEach((k, j) => {
    const problem = imagePathProblem(table.rows[k]![ii]!) ?? outside.get(k) ?? null;
    if (problem !== null) errors.set(k, `${at(k)}: ${problem}`);
    else readable.push(j);
  });
  // NOTE: a bounded batch of images in flight at once (sharp decodes on libuv's thread pool), as
  // predict.ts does: a large CSV neither opens every file at once nor holds every file's bytes.
  const decoded = new Map<number, BatchResult>();
  for (let s = 0; s < readable.length; s += DECODE_BATCH) {
    const batch = readable.slice(s, s + DECODE_BATCH);
    const out = (await Promise.all(batch.map((j) => decodeBatch({ source, refs: [imageRef(table.rows[good[j]!]![ii]!)], geometry: pre.geometry })))).flat();
    batch.forEach((j, b) => decoded.set(j, out[b]!));
  }
  const [h, w] = layout.image;
  for (const [j, r] of decoded) {
    const k = good[j]!;
    if (!r.ok) errors.set(k, `${at(k)}: image ${imageRef(table.rows[k]![ii]!)} ${r.reason.includes('ENOENT') ? 'does not exist' : r.reason}`.replace(/\s*\n\s*/g, '; '));
    else if (r.height !== h || r.width !== w) errors.set(k, `${at(k)}: image decodes to ${r.width}x${r.height}, but the model takes ${w}x${h} (the run's pipeline has no resize to a fixed size)`);
  }
  // Positions in `good` (and so in encoded.x) of the rows that are scored.
  const scored = good.flatMap((k, j) => (errors.has(k) ? [] : [j]));
  const image = (j: number) => decoded.get(j) as { data: Uint8Array; channels: number };
  const channels = scored.length > 0 ? image(scored[0]!).channels : 1;
  const bytes = new Uint8Array(scored.length * h * w * channels);
  const rows = new Float32Array(scored.length * d);
  scored.forEach((j, i) => {
    bytes.set(image(j).data, i * h * w * channels);
    rows.set(encoded.x.subarray(j * d, (j + 1) * d), i * d);
  });
  const warnings = [...encoded.warnings];
  const backend = await runBackend(pre, warnings);
  const perModel: Float32Array[] = [];
  if (scored.length > 0) {
    const images = toFloat({ count: scored.length, height: h, width: w, channels, data: bytes });
    for (const m of models) {
      const model = await loadModel(m.dir);
      try {
        const x = transformMixed(m.fitted, images, rows, d, encoded.context);
        // NOTE: the labels only feed the loss, which is not used here.
        perModel.push(predictProbabilities(model, x.data, x.exampleShape, new Uint8Array(scored.length), pre.classes.length, pre.positive).probs);
      } finally {
        model.dispose();
      }
    }
  }
  const probs = scored.length > 0 ? meanProbabilities(perModel) : [];
  let n = 0;
  const out = encoded.rows.map((r, k): PredictRow => {
    const error = r.error ?? errors.get(k) ?? null;
    return error !== null ? { path: r.ref, probability: null, prediction: null, error } : scoredRow(r.ref, probs, n++, pre);
  });
  return {
    run, classes: pre.classes, positive: isMulticlass(pre.positive) ? null : pre.classes[pre.positive]!, threshold: pre.threshold,
    backend: backend.name, rows: out, failed: out.filter((r) => r.error !== null).length, warnings, conversion: null,
  };
}
