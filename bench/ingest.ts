/**
 * Ingest throughput on the real photos (../shared/data/concrete-crack): decode + resize to the
 * common model inputs, in one thread (per-core speed) and over the worker pool (all cores), and the
 * listing with content fingerprints, cold and with the quick-check record.
 *
 * `node --import tsx bench/ingest.ts [images]` prints a table; bench/main.ts calls benchIngest().
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Item } from '../src/core/data.js';
import type { FeatureStep, ImageFolderData } from '../src/core/spec.js';
import { decodeImages } from '../src/data/decode.js';
import { listInventory } from '../src/data/sources/index.js';

export interface IngestRow { readonly case: string; readonly imagesPerSecond: number; readonly images: number }

export interface BenchIngestOptions {
  /** Dataset root with Positive/ and Negative/ (default ../shared/data/concrete-crack from the cwd). */
  readonly data?: string;
  /** Photos decoded per case (default 3000: every Positive, then Negatives). */
  readonly images?: number;
  /** Skip the single-thread cases. */
  readonly poolOnly?: boolean;
}

const resize = (n: number): FeatureStep => ({ kind: 'resize', width: n, height: n, fit: 'fill' });

export async function benchIngest(opts: BenchIngestOptions = {}): Promise<IngestRow[]> {
  const root = opts.data ?? path.resolve(process.cwd(), '../shared/data/concrete-crack');
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
  for (const [name, steps] of cases) {
    for (const concurrency of opts.poolOnly ? [cores] : [1, cores]) {
      const t0 = performance.now();
      const { bad } = await decodeImages(spec, root, items, steps, { concurrency });
      if (bad.length > 0) throw new Error(`${bad.length} photos failed to decode: ${bad[0]!.ref} ${bad[0]!.reason}`);
      rows.push({ case: `decode ${name}, ${concurrency} thread${concurrency > 1 ? 's' : ''}`, imagesPerSecond: items.length / ((performance.now() - t0) / 1000), images: items.length });
    }
  }
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'assay-bench-ingest-'));
  try {
    const cache = path.join(tmp, 'fingerprints.json');
    for (const label of ['list + sha256, cold', 'list, quick-check record']) {
      const t0 = performance.now();
      const { inventory } = await listInventory(spec, { cwd: process.cwd(), fingerprintCache: cache });
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
