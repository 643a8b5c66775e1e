/**
 * Fashion-MNIST end to end, as a user runs it: the IDX files converted once to PNG class folders
 * (bench/fashion-data.ts), `assay run pipelines/fashion-10class.yaml` on the 60,000 training
 * images with a fresh runs folder and cache, then `assay predict` on the 10,000 official test
 * images, scored against their class folders. Both commands run as child processes of the CLI
 * (from src/ through tsx, so the bench measures the working tree, not a stale dist/).
 */
import { execa } from 'execa';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ensureFashionPng, fashionDataMissing, FASHION_CLASSES } from './fashion-data.js';
import { scorePredictions, type FashionScore } from './fashion-score.js';
import { underLoad } from './load.js';

export interface FashionBenchOptions {
  /** Folder holding the four IDX files (.gz or not). */
  readonly data: string;
  /** Folder for the PNG conversion (outside the repository). */
  readonly cache: string;
  readonly pipeline: string;
  /** Extra `path=value` overrides for `assay run`. */
  readonly overrides: readonly string[];
  /** Keep the runs folder here (default: a temporary folder, removed). */
  readonly keep: string | null;
  readonly log: (s: string) => void;
}

export type FashionBenchResult =
  | { readonly skipped: string }
  | (FashionScore & {
    readonly skipped: null; readonly pipeline: string; readonly overrides: readonly string[];
    readonly runSeconds: number; readonly predictSeconds: number; readonly conversionSeconds: number;
    readonly loadRun: number; readonly loadPredict: number;
    readonly holdout: Record<string, number>; readonly trials: number; readonly searchSeconds: number; readonly at: string;
  });

const CLI = ['--import', 'tsx', 'src/cli/main.ts'];

export async function benchFashion(o: FashionBenchOptions): Promise<FashionBenchResult> {
  const missing = fashionDataMissing(o.data);
  if (missing !== null) return { skipped: missing };
  const png = await ensureFashionPng(o.data, o.cache, o.log);
  if (png.converted) o.log(`  converted to PNG class folders in ${png.dir} (${png.seconds.toFixed(0)} s, once)`);
  else o.log(`  PNG class folders: ${png.dir} (converted earlier)`);
  const dir = o.keep ?? await mkdtemp(path.join(os.tmpdir(), 'assay-bench-fashion-'));
  await mkdir(dir, { recursive: true });
  try {
    const runsDir = path.join(dir, 'runs');
    // NOTE: a fresh runs folder and cache: every stage is computed from the PNG files.
    const overrides = [`data.path=${path.join(png.dir, 'train')}`, ...o.overrides];
    const runArgs = [...CLI, 'run', o.pipeline, ...overrides.flatMap((s) => ['--set', s]), '--runs-dir', runsDir, '--cache-dir', path.join(runsDir, '.cache'), '--json'];
    const t0 = performance.now();
    const { value: run, load: loadRun } = await underLoad(() => execa(process.execPath, runArgs, { stderr: 'inherit', reject: false }));
    const runSeconds = (performance.now() - t0) / 1000;
    if (run.exitCode !== 0) throw new Error(`assay run exited with ${run.exitCode}`);
    const { dir: runDir, metrics } = JSON.parse(run.stdout) as { dir: string; metrics: { holdout: { metrics: Record<string, number> }; search: { trials: number; seconds: number } } };
    o.log(`  trained in ${runSeconds.toFixed(0)} s (load average ${loadRun.toFixed(1)}): ${runDir}`);
    const out = path.join(dir, 'test-predictions.csv');
    const t1 = performance.now();
    const { value: pred, load: loadPredict } = await underLoad(() => execa(process.execPath, [...CLI, 'predict', runDir, path.join(png.dir, 'test'), '--out', out], { stderr: 'inherit', reject: false }));
    const predictSeconds = (performance.now() - t1) / 1000;
    if (pred.exitCode !== 0) throw new Error(`assay predict exited with ${pred.exitCode}`);
    const score = scorePredictions(await readFile(out, 'utf8'), FASHION_CLASSES);
    return {
      skipped: null, ...score, pipeline: o.pipeline, overrides: o.overrides, runSeconds, predictSeconds, conversionSeconds: png.seconds,
      loadRun, loadPredict, holdout: metrics.holdout.metrics, trials: metrics.search.trials, searchSeconds: metrics.search.seconds,
      at: new Date().toISOString(),
    };
  } finally {
    if (o.keep === null) await rm(dir, { recursive: true, force: true });
  }
}

/** The human-readable lines of a finished measurement. */
export function fashionLines(r: Exclude<FashionBenchResult, { skipped: string }>): string[] {
  const pct = (x: number) => (100 * x).toFixed(1).padStart(5);
  return [
    `  test accuracy ${r.accuracy.toFixed(4)}  macro-F1 ${r.macroF1.toFixed(4)}  (${r.n} official test images${r.errors ? `, ${r.errors} unreadable` : ''})`,
    `  hold-out (5% of training) accuracy ${r.holdout.accuracy?.toFixed(4) ?? '-'}; ${r.trials} trials, search ${r.searchSeconds.toFixed(0)} s`,
    `  assay run ${r.runSeconds.toFixed(0)} s wall (load average ${r.loadRun.toFixed(1)}), assay predict ${r.predictSeconds.toFixed(1)} s (load ${r.loadPredict.toFixed(1)}); machine ${os.cpus().length} cores`,
    '  per-class accuracy:',
    ...Object.entries(r.perClass).map(([c, a]) => `    ${c.padEnd(11)} ${pct(a)}%`),
  ];
}
