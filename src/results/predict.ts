/**
 * `assay predict`: score image files with a run's stored transform and model, exactly as the
 * run's evaluate stage scored its hold-out: the same decoder and geometry (decode-image.ts), the
 * same byte-to-float and fitted pixel steps, the same backend and `predictProbabilities`. A
 * k-fold run's model is its k fold models, each applied through its own fold's fitted transform,
 * and an ensemble run's its m member models (model-folders.ts), averaged with `meanProbabilities`
 * as evaluate averaged them. An unreadable file gets an
 * error row and the rest go on. Loads tfjs (import this module lazily).
 */
import path from 'node:path';
import { isMulticlass } from '../core/data.js';
import sharp from 'sharp';
import { AssayError, NotFoundError } from '../core/errors.js';
import { decodeBatch, type BatchResult } from '../data/decode-batch.js';
import type { DecodedImage } from '../data/decode-image.js';
import { applyPixelSteps, toFloat } from '../features/index.js';
import { meanProbabilities } from '../learn/fold-aggregate.js';
import { loadModel } from '../learn/model-io.js';
import { predictProbabilities } from '../learn/train-ops.js';
import type { Preprocess } from '../run/write-run.js';
import { modelDir, readPreprocessChecked } from '../store/run-folder.js';
import { resolveRun, type RunSummary } from '../store/run-status.js';
import { predictTable } from './predict-table.js';
import { modelFolders, refuseTabular, runBackend, scoredRow } from './predict-score.js';

export { modelFolders, refuseTabular };
import type { PredictRow } from './predict-csv.js';
import { listImageFiles } from './walk-images.js';

export interface PredictOptions {
  /** Run id (or unique prefix), run folder, `latest` or `NAME@latest`. */
  readonly ref: string;
  /** Image files and folders (folders are walked recursively for jpg, jpeg, png, webp). */
  readonly paths: readonly string[];
  readonly runsDir?: string;
  /** Folder relative paths resolve against (default: the current folder). */
  readonly cwd?: string;
  /** Images decoded and scored at a time (default 64). */
  readonly batchSize?: number;
  /** Called after each batch with files done and total. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface PredictResult {
  readonly run: { readonly id: string; readonly dir: string };
  readonly classes: readonly string[];
  /** The positive class; null for a multi-class run (arg-max decision, one probability per class). */
  readonly positive: string | null;
  readonly threshold: number;
  /** The backend that computed the probabilities. */
  readonly backend: string;
  readonly rows: readonly PredictRow[];
  /** Rows with an error. */
  readonly failed: number;
  /** Things the user should know that are not per-file errors (empty folders, a backend fallback). */
  readonly warnings: readonly string[];
  /**
   * What was done to the inputs to fit the model, once for the whole call, e.g. `resized and
   * converted 227x227 RGB (12 files) to 48x48 gray (resize, grayscale as in the run's pipeline)`;
   * null when every file already had the model's size and channels, and for table rows.
   */
  readonly conversion: string | null;
}

/**
 * Read a run's model/preprocess.json; NotFoundError saying why there is none and how to get it:
 * an unfinished run never had one; a finished run's model is kept out of git, so a fresh clone
 * has the run's records without it. A model folder that is there but damaged (preprocess.json
 * missing, not JSON, or of the wrong shape) is refused as damaged input ('model.corrupt', exit 2).
 */
export async function readPreprocess(dir: string, run?: Pick<RunSummary, 'id' | 'status' | 'detail'>): Promise<Preprocess> {
  const read = await readPreprocessChecked<Preprocess['fitted']>(dir);
  if (read.kind === 'record') return read.record;
  const id = run?.id ?? path.basename(dir);
  if (read.kind === 'damaged') {
    throw new AssayError('model.corrupt',
      `run ${id}'s model folder is damaged: ${read.file}: ${read.reason}. ` +
      `Rebuild it with \`assay rerun ${id}\` (into a new run folder), or copy the model/ folder again from the machine that ran it`, 2);
  }
  if (run && run.status !== 'finished') throw new NotFoundError(`run ${id} is ${run.status}${run.detail ? ` (${run.detail})` : ''}: it has no model`);
  throw new NotFoundError(
    `run ${id} has no model in ${modelDir(dir)}: models are kept out of git (runs/.gitignore), so a clone has the run's records but not its model. ` +
    `Rebuild it with \`assay rerun ${id}\` (same pipeline and data, into a new run folder; \`--check\` compares it with these records), ` +
    `or copy the model/ folder from the machine that ran it`,
  );
}

/** Score `paths` with run `ref`'s model. Throws NotFoundError for an unknown run or a run without a model. */
export async function predictFiles(opts: PredictOptions): Promise<PredictResult> {
  const cwd = path.resolve(opts.cwd ?? process.cwd());
  const run = await resolveRun(path.resolve(cwd, opts.runsDir ?? 'runs'), opts.ref);
  const pre = await readPreprocess(run.dir, run);
  if (pre.input === 'table') return predictTable(run, pre, opts.paths, cwd);
  if (pre.input === 'mixed') return (await import('./predict-mixed.js')).predictMixed(run, pre, opts.paths, cwd);
  const batchSize = Math.max(1, opts.batchSize ?? 64);
  const warnings: string[] = [];
  const listing = await listImageFiles(opts.paths, cwd);
  for (const e of listing.empty) warnings.push(`${e}: no .jpg, .jpeg, .png or .webp files inside`);

  const backend = await runBackend(pre, warnings);
  const models: Model[] = [];
  const rows: PredictRow[] = [];
  /** Source size and channels -> files, for the files whose decoding changed them. */
  const converted = new Map<string, number>();
  let target = '';
  try {
    for (const m of modelFolders(run.dir, pre)) models.push({ model: await loadModel(m.dir), fitted: m.fitted });
    const files = listing.files;
    for (let s = 0; s < files.length; s += batchSize) {
      const batch = files.slice(s, s + batchSize);
      const decoded = await decodeFiles(batch, pre);
      const good = decoded.flatMap((d, i) => (typeof d === 'string' ? [] : [i]));
      const images = good.map((i) => decoded[i] as DecodedImage);
      const sources = await Promise.all(good.map((i) => sourceShape(batch[i]!.abs)));
      good.forEach((i, j) => {
        const img = decoded[i] as DecodedImage;
        target = `${img.width}x${img.height} ${channelName(img.channels)}`;
        const source = sources[j]!;
        if (source !== null && source !== target) converted.set(source, (converted.get(source) ?? 0) + 1);
      });
      const probs = good.length > 0 ? meanProbabilities(models.map((m) => score(m, images, pre))) : [];
      let k = 0;
      batch.forEach((f, i) => {
        const d = decoded[i]!;
        if (typeof d === 'string') {
          // NOTE: decoder messages can span lines; a CSV row should not.
          rows.push({ path: f.path, probability: null, prediction: null, error: d.trim().replace(/\s*\n\s*/g, '; ') });
          return;
        }
        rows.push(scoredRow(f.path, probs, k++, pre));
      });
      opts.onProgress?.(Math.min(files.length, s + batch.length), files.length);
    }
  } finally {
    for (const m of models) m.model.dispose();
  }
  return {
    run: { id: run.id, dir: run.dir }, classes: pre.classes, positive: isMulticlass(pre.positive) ? null : pre.classes[pre.positive]!, threshold: pre.threshold,
    backend: backend.name, rows, failed: rows.filter((r) => r.error !== null).length, warnings,
    conversion: conversionText(converted, target, pre),
  };
}

function channelName(c: number): string {
  return c === 1 ? 'gray' : c === 2 ? 'gray+alpha' : c === 3 ? 'RGB' : c === 4 ? 'RGBA' : `${c}-channel`;
}

/** `227x227 RGB` from the file's header (no decoding); null when it cannot be read. */
async function sourceShape(file: string): Promise<string | null> {
  try {
    const m = await sharp(file).metadata();
    // NOTE: the stored size, EXIF orientation or not: decoding uses the pixels as stored (decode-image.ts).
    // NOTE: a CMYK JPEG has 4 channels and no alpha.
    const kind = m.space === 'cmyk' ? 'CMYK' : m.channels ? channelName(m.channels) : null;
    return m.width && m.height && kind ? `${m.width}x${m.height} ${kind}` : null;
  } catch {
    return null;
  }
}

/** One sentence on what decoding did to the inputs, or null when nothing changed. */
export function conversionText(converted: ReadonlyMap<string, number>, target: string, pre: Pick<Preprocess, 'geometry'>): string | null {
  if (converted.size === 0) return null;
  const sources = [...converted.entries()].sort((a, b) => b[1] - a[1]);
  const shown = sources.slice(0, 3).map(([shape, n]) => `${shape} (${n} file${n === 1 ? '' : 's'})`);
  if (sources.length > 3) shown.push(`${sources.length - 3} other sizes`);
  const steps = pre.geometry.map((g) => g.kind);
  const resized = sources.some(([shape]) => shape.split(' ')[0] !== target.split(' ')[0]);
  const recoloured = sources.some(([shape]) => shape.split(' ')[1] !== target.split(' ')[1]);
  const verb = resized && recoloured ? 'resized and converted' : resized ? 'resized' : 'converted';
  return `${verb} ${shown.join(', ')} to ${target}${steps.length > 0 ? ` (${steps.join(', ')}, as in the run's pipeline)` : ''}`;
}

/** Files decoded at once: twice the 4 threads of libuv's default pool (where sharp decodes), so it never waits for this thread. */
const DECODES_IN_FLIGHT = 8;

/**
 * Decode files with the run's geometry through the data module's batch decoder (the one the
 * decode stage uses), so predict sees exactly the pixels training saw; a string says why a file
 * cannot be used.
 */
async function decodeFiles(batch: readonly { abs: string; problem: string | null }[], pre: Preprocess): Promise<(DecodedImage | string)[]> {
  // NOTE: root '' makes each absolute path its own ref (path.join('', abs) === abs). One task per
  // file, DECODES_IN_FLIGHT at once: sharp decodes on libuv's thread pool, and awaiting the files
  // one by one left predict idle between them (10,000 small PNGs took minutes on a busy machine),
  // while a whole batch at once held up to 64 full-size decodes (1.4 GB for 3000x2000 PNGs).
  const results: BatchResult[] = new Array(batch.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let i = next++; i < batch.length; i = next++) {
      results[i] = (await decodeBatch({ source: { kind: 'files', root: '' }, refs: [batch[i]!.abs], geometry: pre.geometry }))[0]!;
    }
  };
  await Promise.all(Array.from({ length: Math.min(DECODES_IN_FLIGHT, batch.length) }, lane));
  const [h, w] = pre.exampleShape as [number, number];
  return batch.map((f, i) => {
    if (f.problem !== null) return f.problem;
    const r = results[i]!;
    if (!r.ok) return r.reason;
    if (r.height !== h || r.width !== w) {
      return `decodes to ${r.width}x${r.height}, but the model takes ${w}x${h} (the run's pipeline has no resize to a fixed size)`;
    }
    return { width: r.width, height: r.height, channels: r.channels as 1 | 3, data: r.data };
  });
}

/** One model of a run and the fitted transform its inputs go through. */
interface Model {
  readonly model: Awaited<ReturnType<typeof loadModel>>;
  readonly fitted: Preprocess['fitted'];
}

/** Positive-class probabilities of decoded images from one model, through its fitted pixel steps. */
function score({ model, fitted }: Model, images: readonly DecodedImage[], pre: Preprocess): Float32Array {
  const { width, height, channels } = images[0]!;
  const size = width * height * channels;
  const data = new Uint8Array(images.length * size);
  images.forEach((img, i) => data.set(img.data, i * size));
  const x = applyPixelSteps(fitted, toFloat({ count: images.length, height, width, channels, data }));
  const shape = [x.height, x.width, x.channels];
  if (shape.join('x') !== pre.exampleShape.join('x')) {
    throw new AssayError('predict.shape', `images transform to ${shape.join('x')}, but the model takes ${pre.exampleShape.join('x')}: the run's model/preprocess.json does not match its model`);
  }
  // NOTE: the labels only feed the loss, which is not used here.
  return predictProbabilities(model, x.data, shape, new Uint8Array(images.length), pre.classes.length, pre.positive).probs;
}
