/**
 * Ingest throughput on the real photos (../shared/data/concrete-crack): decode + resize to the
 * common model inputs, in one thread (per-core speed) and over the worker pool (all cores), and the
 * listing with content fingerprints, cold and with the quick-check record.
 *
 * The decode runs the compiled code in dist/ (what `assay` runs; built here when missing or older
 * than src/), so the pool's workers start the way they do for users, not through a TypeScript
 * loader. One and all threads alternate, `reps` times each; the median rate is reported, with every
 * rate measured, because a shared 2-core machine moves single timings by several percent.
 *
 * `node --import tsx bench/ingest.ts [images]` prints a table; bench/main.ts calls benchIngest().
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Item } from '../src/core/data.js';
import type { FeatureStep, ImageFolderData } from '../src/core/spec.js';
import { execa } from 'execa';
import { listInventory } from '../src/data/sources/index.js';

export interface IngestRow {
  readonly case: string;
  /** The median of `rates` (the one rate for the listing rows). */
  readonly imagesPerSecond: number;
  readonly images: number;
  /** Every repetition's rate, in the order measured. */
  readonly rates?: readonly number[];
}

export interface BenchIngestOptions {
  /** Dataset root with Positive/ and Negative/ (default ../shared/data/concrete-crack beside the repository). */
  readonly data?: string;
  /** Photos decoded per case (default 3000: every Positive, then Negatives). */
  readonly images?: number;
  /** Skip the single-thread cases. */
  readonly poolOnly?: boolean;
  /** Repetitions of each decode case (default 3). */
  readonly reps?: number;
}

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Newest modification time of a .ts file under `dir`. */
function newestTs(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith('.ts')) t = Math.max(t, statSync(path.join(e.parentPath, e.name)).mtimeMs);
  }
  return t;
}

/** The compiled decode module, built first when dist/ is missing or older than the sources. */
async function compiledDecode(): Promise<typeof import('../src/data/decode.js')> {
  const js = path.join(REPO, 'dist/data/decode.js');
  if (!existsSync(js) || statSync(js).mtimeMs < newestTs(path.join(REPO, 'src'))) {
    await execa('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: REPO, stdio: 'inherit' });
  }
  return import(pathToFileURL(js).href) as Promise<typeof import('../src/data/decode.js')>;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const resize = (n: number): FeatureStep => ({ kind: 'resize', width: n, height: n, fit: 'fill' });

export async function benchIngest(opts: BenchIngestOptions = {}): Promise<IngestRow[]> {
  const root = opts.data ?? path.resolve(REPO, '../shared/data/concrete-crack');
  if (!existsSync(root)) throw new Error(`no data at ${root}`);
  const spec: ImageFolderData = { source: 'image-folder', path: root, classes: { crack: 'Positive', clean: 'Negative' }, positive: 'crack', onError: 'fail', duplicates: 'report' };
  const rows: IngestRow[] = [];
  const n = opts.images ?? 3000;
  const items: Item[] = ['Positive', 'Negative'].flatMap((d, label) => readdirSync(path.join(root, d)).sort().map((f) => ({ id: f, ref: `${d}/${f}`, label }))).slice(0, n);
  const cases: [string, FeatureStep[]][] = [
    ['64x64 gray', [resize(64), { kind: 'grayscale' }]],
    ['64x64 RGB', [resize(64)]],
    ['128x128 RGB', [resize(128)]],
  ];
  const cores = os.availableParallelism();
  const { decodeImages } = await compiledDecode();
  for (const [name, steps] of cases) {
    const threads = opts.poolOnly ? [cores] : [1, cores];
    const rates = threads.map((): number[] => []);
    for (let r = 0; r < (opts.reps ?? 3); r++) {
      for (const [k, concurrency] of threads.entries()) {
        const t0 = performance.now();
        const { bad } = await decodeImages(spec, root, items, steps, { concurrency });
        if (bad.length > 0) throw new Error(`${bad.length} photos failed to decode: ${bad[0]!.ref} ${bad[0]!.reason}`);
        rates[k]!.push(Math.round(items.length / ((performance.now() - t0) / 1000)));
      }
    }
    threads.forEach((concurrency, k) => rows.push({ case: `decode ${name}, ${concurrency} thread${concurrency > 1 ? 's' : ''}`, imagesPerSecond: median(rates[k]!), images: items.length, rates: rates[k]! }));
  }
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'assay-bench-ingest-'));
  try {
    const cache = path.join(tmp, 'fingerprints.json');
    for (const label of ['list + sha256, cold', 'list, quick-check record']) {
      const t0 = performance.now();
      const { inventory } = await listInventory(spec, { cwd: REPO, fingerprintCache: cache });
      rows.push({ case: label, imagesPerSecond: inventory.items.length / ((performance.now() - t0) / 1000), images: inventory.items.length });
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const n = process.argv[2] ? Number(process.argv[2]) : undefined;
  const rows = await benchIngest(n ? { images: n } : {});
  process.stdout.write(`${'case'.padEnd(36)} ${'images/s'.padStart(9)} ${'images'.padStart(7)}\n`);
  for (const r of rows) process.stdout.write(`${r.case.padEnd(36)} ${r.imagesPerSecond.toFixed(0).padStart(9)} ${String(r.images).padStart(7)}\n`);
}
