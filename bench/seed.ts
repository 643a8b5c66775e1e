/**
 * The seed protocol side by side: for each seed, `pipelines/crack-seed.yaml` with a fresh cache,
 * then (when Debian's python3-torch and python3-optuna are present) the PyTorch + Optuna peer on
 * the same budget, holding out exactly the photos of that assay run's hold-out. The two run one
 * after the other, never at once, so each has the machine's cores to itself (as far as other
 * users of the machine allow).
 */
import { appendFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseDuration } from '../src/learn/search/budget.js';
import { underLoad } from './load.js';
import { peerUnavailable, runPeer } from './seed-peer.js';
import { seedTable, type SeedRow } from './seed-table.js';

export interface SeedBenchOptions {
  readonly data: string;
  readonly seeds: readonly number[];
  /** Search budget for both systems (assay `search.time`, the peer's `--budget`); null: the pipeline's. */
  readonly time: string | null;
  readonly trials: string | null;
  /** Extra `path=value` overrides for the assay run (experiments). */
  readonly overrides: readonly string[];
  readonly peer: boolean;
  readonly peerScript: string;
  /** Keep run folders here (default: a temporary folder, removed). */
  readonly keep: string | null;
  /** Append each row as a JSON line here as soon as it is measured. */
  readonly out: string | null;
  readonly log: (s: string) => void;
}

interface AssayMetrics {
  objective: { threshold: number };
  holdout: { n: number; positives: number; metrics: Record<string, number>; confusion: { tp: number; fp: number; fn: number; tn: number } };
  search: { trials: number; seconds: number };
}

export async function benchSeedSideBySide(o: SeedBenchOptions): Promise<{ rows: SeedRow[]; table: string; peerSkipped: string | null }> {
  const { runPipeline } = await import('../src/index.js');
  const budgetSeconds = parseDuration(o.time ?? '12m');
  const peerSkipped = o.peer ? await peerUnavailable(o.peerScript) : 'not asked (--no-peer)';
  if (peerSkipped !== null) o.log(`  peer skipped: ${peerSkipped}`);
  const dir = o.keep ?? await mkdtemp(path.join(os.tmpdir(), 'assay-bench-seed-'));
  await mkdir(dir, { recursive: true });
  const rows: SeedRow[] = [];
  const record = async (row: SeedRow, extra: Record<string, unknown>) => {
    rows.push(row);
    o.log(`  ${row.system} seed ${row.seed}: F1 ${row.f1.toFixed(4)} MCC ${row.mcc.toFixed(4)} FNR ${row.fnr.toFixed(4)} missed ${row.fn}/${row.positives} false alarms ${row.fp} trials ${row.trials} ${Math.round(row.seconds)}s load ${row.load.toFixed(1)}`);
    if (o.out !== null) await appendFile(o.out, `${JSON.stringify({ ...row, ...extra, overrides: o.overrides, time: o.time, at: new Date().toISOString() })}\n`);
  };
  try {
    for (const seed of o.seeds) {
      const overrides = [`data.path=${o.data}`, `seed=${seed}`, ...(o.time ? [`search.time=${o.time}`] : []), ...(o.trials ? [`search.trials=${o.trials}`] : []), ...o.overrides];
      const started = performance.now();
      // NOTE: a cache per seed and run, so every run computes everything from the photos.
      const runsDir = path.join(dir, `seed-${seed}-${rows.length}`);
      const { value: run, load } = await underLoad(() => runPipeline({ file: 'pipelines/crack-seed.yaml', overrides, runsDir, cacheDir: path.join(runsDir, '.cache') }));
      const m = run.metrics as AssayMetrics;
      const h = m.holdout, hm = h.metrics;
      await record({
        system: 'assay', seed, f1: hm.f1!, mcc: hm.mcc!, fnr: hm.fnr!, fn: h.confusion.fn, fp: h.confusion.fp,
        positives: h.positives, n: h.n, trials: m.search.trials, seconds: (performance.now() - started) / 1000, load,
      }, { run: run.dir, threshold: m.objective.threshold });
      if (peerSkipped === null) {
        // NOTE: a failed peer run is reported and the next seed goes on; the table shows what ran.
        const peer = await underLoad(() => runPeer({ script: o.peerScript, data: o.data, holdoutCsv: path.join(run.dir, 'predictions.csv'), budgetSeconds, seed, threads: 2 }))
          .catch((err: unknown) => { o.log(`  peer seed ${seed} failed: ${err instanceof Error ? err.message : String(err)}`); return null; });
        if (peer === null) continue;
        const { value: p, load: peerLoad } = peer;
        await record({
          system: 'peer', seed, f1: p.f1, mcc: p.mcc, fnr: p.fnr, fn: p.fn, fp: p.fp, positives: p.tp + p.fn, n: p.tp + p.fn + p.fp + p.tn, trials: p.trials, seconds: p.wallSeconds, load: peerLoad,
        }, { valF1: p.valF1 });
      }
    }
  } finally {
    if (o.keep === null) await rm(dir, { recursive: true, force: true });
  }
  return { rows, table: seedTable(rows), peerSkipped };
}
