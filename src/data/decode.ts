/**
 * decodeImages: every item of an image source decoded once, through the pipeline's geometry steps
 * composed into one decode plan (see geometry.ts), into one NHWC uint8 block in item order.
 *
 * Speed: JPEGs go through the scaled-IDCT decoder (decode-jpeg.ts), and batches of items are spread
 * over this thread and worker threads (one thread per core by default), each reading and decoding
 * its own files. Results
 * do not depend on the number of workers: every image is decoded by the same code.
 * A file that cannot be read or decoded becomes a BadItem and its slot stays zero; the caller
 * applies the `on-error` policy.
 */
import { existsSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BadItem, ImageBlock, Item } from '../core/data.js';
import { DataError } from '../core/errors.js';
import type { DataSpec, FeatureStep } from '../core/spec.js';
import { decodeBatch, WRITTEN, type BatchResult, type BatchSource, type DecodeTask, type SharedOut } from './decode-batch.js';

export interface DecodeOptions {
  /** Worker threads; default: available cores (at most 8). 1 decodes in this thread. */
  readonly concurrency?: number;
  readonly progress?: (done: number, total: number) => void;
  /** The pipeline seed: synthetic images are a function of it. */
  readonly seed?: number;
  /** Items per task sent to a worker (default 64). */
  readonly batchSize?: number;
  /**
   * Whether this thread decodes too (default true). False leaves every task to the workers, which
   * this thread then waits for (it still runs what a failed worker hands back): tests use it to
   * prove the workers' path.
   */
  readonly decodeHere?: boolean;
  /**
   * The most bytes the decoded block may take (default: an eighth of the machine's memory); more is
   * refused with DataError `data.too-large` at `features` before the block is allocated.
   */
  readonly maxBlockBytes?: number;
}

/** Below this many items the pool is not worth its start-up (~50 ms a worker). */
const POOL_MIN_ITEMS = 256;

function batchSource(data: DataSpec, root: string, seed: number): BatchSource {
  switch (data.source) {
    case 'image-folder': return { kind: 'files', root };
    case 'csv':
      if (!data.image) throw new DataError('data.not-images', `data source ${data.path} has no image column: it is tabular (use readTabular)`);
      return { kind: 'files', root };
    case 'synthetic-cracks': return { kind: 'synthetic', size: data.size, seed, hardNegatives: data.hardNegatives };
    default: return data satisfies never;
  }
}

/** Tasks each worker holds at once: it starts the next while the main thread handles a result. */
const IN_FLIGHT = 2;

/**
 * How to start a worker: the compiled decode-worker.js, or from TypeScript sources (tests, tsx) a
 * bootstrap that registers tsx's loader in the worker itself (an inherited `--import tsx` does not
 * reach worker threads on Node 20).
 */
function workerEntry(): { code: URL | string; eval: boolean } | null {
  const js = new URL('./decode-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return { code: js, eval: false };
  const ts = new URL('./decode-worker.ts', import.meta.url);
  if (!existsSync(fileURLToPath(ts))) return null;
  let api: string;
  try {
    api = import.meta.resolve('tsx/esm/api');
  } catch {
    return null;
  }
  return { code: `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(ts.href)}); })`, eval: true };
}

/**
 * Runs `tasks` on `n` threads: this one and n - 1 workers. This thread decodes from the start, so
 * the workers' start-up is not waited for: a worker takes tasks once it has loaded (its `ready`
 * message), up to IN_FLIGHT at once, and is stopped if this thread ran out of tasks first. A task
 * whose worker fails is run in this thread instead. Once `sharedFor` names a shared output block, a
 * worker writes its pixels there instead of sending them back (no per-image buffer crosses threads).
 * Once `stopped()` is true no further task starts.
 */
async function runPool(tasks: readonly DecodeTask[], n: number, onResult: (i: number, r: BatchResult[]) => void, sharedFor: (i: number) => SharedOut | undefined, decodeHere: boolean, stopped: () => boolean = () => false): Promise<void> {
  const entry = n > 1 ? workerEntry() : null;
  let next = 0;
  const redo: number[] = [];
  const take = (): number => (stopped() ? -1 : redo.length > 0 ? redo.pop()! : next < tasks.length ? next++ : -1);
  const local = async (): Promise<void> => {
    for (let i = take(); i >= 0; i = take()) {
      onResult(i, await decodeBatch(tasks[i]!));
      // NOTE: decoding is synchronous work; yielding lets worker results and requests through.
      if (entry) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };
  if (!entry) return local();
  // Workers still loading when this thread has run out of tasks are stopped.
  const starting = new Set<() => void>();
  const lane = (): Promise<void> => new Promise<void>((resolve) => {
    const held = new Set<number>();
    let worker: Worker;
    try {
      worker = new Worker(entry.code, { eval: entry.eval, execArgv: [] });
    } catch {
      resolve();
      return;
    }
    let ended = false;
    const end = (failed: boolean): void => {
      if (ended) return;
      ended = true;
      starting.delete(stop);
      void worker.terminate();
      // The tasks it held go back to the queue; this thread (or another worker) runs them.
      if (failed) redo.push(...held);
      resolve();
    };
    const fill = (): void => {
      while (held.size < IN_FLIGHT) {
        const i = take();
        if (i < 0) break;
        held.add(i);
        worker.postMessage({ id: i, task: tasks[i], out: sharedFor(i) });
      }
      if (held.size === 0) end(false);
    };
    const stop = (): void => end(false);
    starting.add(stop);
    worker.on('message', (msg: { ready?: true; id: number; results?: BatchResult[]; error?: string }) => {
      if (msg.ready) { starting.delete(stop); fill(); return; }
      if (!msg.results) { end(true); return; }
      held.delete(msg.id);
      onResult(msg.id, msg.results);
      fill();
    });
    worker.on('error', () => end(true));
    worker.on('exit', () => end(held.size > 0));
  });
  const lanes = Array.from({ length: n - 1 }, lane);
  if (decodeHere) {
    await local();
    for (const stop of [...starting]) stop();
  }
  await Promise.all(lanes);
  // Tasks handed back by a failed worker after this thread had finished.
  await local();
}

/**
 * The refusal for images that decode to more than one size: each size with its count and first
 * file (most common first; the same whichever worker finished first), located at `features`,
 * where the missing resize belongs.
 */
function sizeMismatch(sizes: ReadonlyMap<string, { count: number; first: number }>, items: readonly Item[]): DataError {
  const groups = [...sizes.entries()].sort((a, b) => b[1].count - a[1].count || a[1].first - b[1].first);
  const named = groups.length <= 6 ? groups : groups.slice(0, 5);
  const shown = named.map(([wh, g]) => `${wh} (${g.count} file${g.count === 1 ? '' : 's'}, e.g. ${items[g.first]!.ref})`);
  if (named.length < groups.length) shown.push(`${groups.length - named.length} more sizes`);
  const message = `the images decode to ${groups.length} different sizes: ${shown.join(', ')}; a model needs one size: add a resize step to features (e.g. \`- resize: { width: 64, height: 64 }\`)`;
  return DataError.at('data.size-mismatch', 'features', message, groups.map(([wh, g]) => `${wh}: ${g.count} file${g.count === 1 ? '' : 's'}, first ${items[g.first]!.ref}`));
}

/** The refusal for a decoded block larger than `limit` bytes, located at `features`. */
function blockTooLarge(count: number, first: { width: number; height: number; channels: number }, limit: number): DataError {
  const size = (b: number): string => (b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(1)} GiB` : b >= 2 ** 20 ? `${(b / 2 ** 20).toFixed(1)} MiB` : `${b} bytes`);
  const bytes = count * first.width * first.height * first.channels;
  const message = `${count} images decode to ${first.width}x${first.height}x${first.channels}: ${size(bytes)} at once, more than ${size(limit)} ` +
    `(an eighth of this machine's memory: training holds them again as 32-bit floats, four times as much); add a resize step to features (e.g. \`- resize: { width: 64, height: 64 }\`)`;
  return DataError.at('data.too-large', 'features', message);
}

/**
 * Decode `items` of `data` (files under `root`, or the synthetic generator) through `geometry`
 * (resize / center-crop / crop / grayscale steps, in pipeline order). Every image must come out at
 * the same size: without a resize, differently sized sources raise DataError `data.size-mismatch`
 * naming them. Channels: 1 after grayscale, else 3 (alpha dropped).
 */
export async function decodeImages(data: DataSpec, root: string, items: readonly Item[], geometry: readonly FeatureStep[], opts: DecodeOptions = {}): Promise<{ block: ImageBlock<Uint8Array>; bad: BadItem[] }> {
  const source = batchSource(data, root, opts.seed ?? 0);
  const size = opts.batchSize ?? 64;
  const tasks: DecodeTask[] = [];
  for (let i = 0; i < items.length; i += size) tasks.push({ source, geometry, refs: items.slice(i, i + size).map((it) => it.ref) });
  const workers = items.length < POOL_MIN_ITEMS ? 1 : Math.max(1, Math.min(8, opts.concurrency ?? availableParallelism()));
  let shape: { width: number; height: number; channels: number; bytes: number } | null = null;
  let block: Uint8Array = new Uint8Array(0);
  let sab: SharedArrayBuffer | null = null;
  // NOTE: with workers the block is shared memory, so they write their pixels into it directly.
  const shared = workers > 1 && typeof SharedArrayBuffer === 'function';
  const sharedFor = (t: number): SharedOut | undefined =>
    shape && sab ? { buffer: sab, offset: t * size * shape.bytes, width: shape.width, height: shape.height, channels: shape.channels } : undefined;
  const bad: BadItem[] = [];
  /** Decoded size -> how many items and the first (lowest index) of them. */
  const sizes = new Map<string, { count: number; first: number }>();
  const limit = opts.maxBlockBytes ?? Math.floor(totalmem() / 8);
  let tooLarge: DataError | null = null;
  let done = 0;
  await runPool(tasks, workers, (t, results) => {
    results.forEach((r, k) => {
      const i = t * size + k, ref = items[i]!.ref;
      if (tooLarge) return;
      if (!r.ok) { bad.push({ ref, reason: r.reason }); return; }
      const key = `${r.width}x${r.height}`, seen = sizes.get(key);
      sizes.set(key, { count: (seen?.count ?? 0) + 1, first: Math.min(seen?.first ?? i, i) });
      if (!shape) {
        // NOTE: refused before the block is allocated: an allocation this large fails, or succeeds
        // and leaves training (which holds the images again as 32-bit floats) to run out of memory.
        if (items.length * r.data.length > limit) { tooLarge = blockTooLarge(items.length, r, limit); return; }
        shape = { width: r.width, height: r.height, channels: r.channels, bytes: r.data.length };
        if (shared) sab = new SharedArrayBuffer(items.length * shape.bytes);
        block = sab ? new Uint8Array(sab) : new Uint8Array(items.length * shape.bytes);
      }
      if (r.width !== shape.width || r.height !== shape.height || r.channels !== shape.channels) return;
      if (r.data !== WRITTEN) block.set(r.data, i * shape.bytes);
    });
    done += results.length;
    opts.progress?.(done, items.length);
  }, sharedFor, opts.decodeHere ?? true, () => tooLarge !== null);
  const refused = tooLarge as DataError | null;
  if (refused) throw refused;
  if (sizes.size > 1) throw sizeMismatch(sizes, items);
  // NOTE: bad items are reported in item order whatever order the workers finished in.
  const order = new Map(items.map((it, i) => [it.ref, i]));
  bad.sort((a, b) => order.get(a.ref)! - order.get(b.ref)!);
  const s = shape as { width: number; height: number; channels: number } | null;
  return { block: { count: items.length, height: s?.height ?? 0, width: s?.width ?? 0, channels: s?.channels ?? (geometry.some((g) => g.kind === 'grayscale') ? 1 : 3), data: block }, bad };
}
