/**
 * `npm run bench [-- --json] [-- --only ingest,cache,cnn,queue,validate,seed,fashion]`: measured, not asserted.
 *
 * - ingest: decode + resize throughput on ../shared/data/concrete-crack (bench/ingest.ts);
 * - cache:  cold decode stage vs the cached re-read of the same stage;
 * - cnn:    training and inference images/s of the reference CNN per backend (bench/reference-cnn.ts),
 *           PyTorch one thread on the same network in the same run (skipped without python3-torch),
 *           the per-kernel time of a wasm training step, and two training processes against one;
 * - ui:     `assay ui` over 1,000 generated runs: reading the runs folder, and the runs table in
 *           Chromium from navigation to shown (bench/ui.ts);
 * - queue:  per-trial overhead of the job queue against this process, and one search on 1 and 2
 *           workers (bench/queue.ts; needs Redis: $ASSAY_TEST_REDIS_URL or redis-server);
 * - validate: validation time of a pipeline with 4,000 to 32,000 unknown keys (bench/validate.ts);
 * - seed:   the seed protocol: pipelines/crack-seed.yaml on the real photos (160 negatives per
 *           positive for training) beside the PyTorch + Optuna peer (../shared/peers/torch_seed.py,
 *           when Debian's python3-torch and python3-optuna are present) scored on the same
 *           hold-out photos, per seed and as mean ± sd over seeds (bench/seed.ts). Options:
 *           --seeds 2022,7,11  --time 12m (both systems' budget)  --trials N  --no-peer
 *           --set path=value (repeatable, assay only)  --keep DIR (run folders)  --out FILE.jsonl
 * - fashion: pipelines/fashion-10class.yaml end to end on Fashion-MNIST: the IDX files (Debian's
 *           dataset-fashion-mnist; --fashion-data DIR or $ASSAY_BENCH_FASHION_DATA, default
 *           /usr/share/datasets/fashion-mnist) converted once to PNG class folders
 *           (--fashion-cache DIR or $ASSAY_BENCH_FASHION_CACHE, default ~/.cache/assay-bench/
 *           fashion-mnist-png), `assay run` with a fresh cache, `assay predict` on the 10,000 test
 *           images: accuracy, macro-F1, per-class accuracy, wall times and load (bench/fashion.ts).
 *           Options: --set path=value (repeatable)  --keep DIR (runs folder). Not in the default set.
 * Sections that need the real photos (or Fashion-MNIST) are skipped when they are absent.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** The repository root: data and peers are found beside it whatever folder the bench runs from. */
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DATA = path.resolve(REPO, '../shared/data/concrete-crack');

const { values } = parseArgs({
  options: {
    json: { type: 'boolean' }, only: { type: 'string' }, trials: { type: 'string' },
    seeds: { type: 'string' }, time: { type: 'string' }, set: { type: 'string', multiple: true },
    'no-peer': { type: 'boolean' }, keep: { type: 'string' }, out: { type: 'string' },
    'fashion-data': { type: 'string' }, 'fashion-cache': { type: 'string' },
  },
  allowPositionals: true,
});
const only = new Set((values.only ?? 'ingest,cache,cnn,ui,validate,seed').split(','));
const log = (s: string) => { if (!values.json) process.stdout.write(`${s}\n`); };
const results: Record<string, unknown> = {
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  data: existsSync(DATA) ? DATA : null,
};

if (only.has('ingest') && existsSync(DATA)) {
  const { benchIngest } = await import('./ingest.js');
  // Every photo, as a run decodes them: a worker's start-up is a fixed cost a small sample inflates.
  const load = os.loadavg()[0]!;
  const rows = await benchIngest({ images: 16_500 });
  results.ingest = rows;
  results.ingestLoadAverageAtStart = load;
  log(`\n## ingest (decode + resize, real photos; compiled code, median of the repetitions; load average ${load.toFixed(1)} at start)`);
  for (const r of rows) log(`  ${r.case.padEnd(40)} ${r.imagesPerSecond.toFixed(0).padStart(7)} images/s  (${r.images} images${r.rates ? `; ${r.rates.join(' / ')}` : ''})`);
  for (const one of rows.filter((r) => r.case.endsWith(', 1 thread'))) {
    const all = rows.find((r) => r.case.startsWith(one.case.replace(/1 thread$/, '')) && r !== one);
    if (all) log(`  ${one.case.replace(/^decode |, 1 thread$/g, '').padEnd(14)} ${all.case.replace(/.*, /, '')} vs 1: ${(all.imagesPerSecond / one.imagesPerSecond).toFixed(2)}x`);
  }
}

if (only.has('cache') && existsSync(DATA)) {
  results.cache = await benchCache();
}

if (only.has('cnn')) {
  results.referenceCnn = await benchCnn();
}

if (only.has('ui')) {
  const { benchUi } = await import('./ui.js');
  const r = await benchUi();
  results.ui = r;
  log('\n## assay ui (1,000 generated runs)');
  log(`  runs folder read: first ${r.indexColdMs} ms, with the row cache warm ${r.indexWarmMs} ms (${(r.apiBytes / 1024).toFixed(0)} KiB of rows)`);
  if (r.browser) log(`  runs table shown in Chromium: first load ${r.browser.firstLoadMs} ms, reloads ${r.browser.reloadMs.join(' / ')} ms`);
  else log('  (no Chromium or no dist/ui-app: browser timing skipped)');
}

if (only.has('queue')) {
  const { benchQueue } = await import('./queue.js');
  results.queue = await benchQueue(log);
}

if (only.has('validate')) {
  const { benchValidate } = await import('./validate.js');
  const rows = benchValidate();
  results.validate = rows;
  log('\n## validate (quick-start pipeline + N unknown keys, every one reported)');
  for (const r of rows) log(`  ${String(r.keys).padStart(6)} keys  ${String(r.ms).padStart(6)} ms  ${r.msPer1000Keys.toFixed(1).padStart(6)} ms per 1,000 keys`);
}

if (only.has('seed') && existsSync(DATA)) {
  results.seedProtocol = await benchSeed();
}

if (only.has('fashion')) {
  results.fashion = await benchFashionSection();
}

if (values.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);

/** The reference CNN on every backend, PyTorch beside it, the wasm kernel table, two processes. */
async function benchCnn() {
  const { benchReferenceCnn, INPUTS } = await import('./reference-cnn.js');
  const { benchTorch } = await import('./torch-cnn.js');
  const { benchParallel } = await import('./parallel-training.js');
  const inputs = INPUTS.map((i) => i.join('x'));
  const load = os.loadavg()[0];
  const rows = await benchReferenceCnn();
  const torch = await benchTorch(inputs, 3);
  const parallel = await benchParallel('128x128x3', 6);
  log(`\n## reference CNN (conv16-pool-conv32-pool-conv64-gap-dense1, batch 32; load average ${load.toFixed(1)} at start)`);
  const rate = (v: number) => v.toFixed(v < 10 ? 1 : 0).padStart(6);
  log(`  ${'images/s'.padEnd(25)}  train  (per CPU s)   infer  (per CPU s)`);
  const line = (name: string, r: { input: string; trainImagesPerSecond: number; trainImagesPerCpuSecond: number; inferImagesPerSecond: number; inferImagesPerCpuSecond: number }, extra = '') =>
    log(`  ${name.padEnd(14)} ${r.input.padEnd(10)} ${rate(r.trainImagesPerSecond)} (${rate(r.trainImagesPerCpuSecond)})   ${rate(r.inferImagesPerSecond)} (${rate(r.inferImagesPerCpuSecond)})${extra}`);
  for (const r of rows) line(r.backend, r);
  if (torch.available) {
    for (const t of torch.rows) {
      const wasm = rows.find((r) => r.backend === 'wasm' && r.input === t.input);
      const x = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
      const vs = wasm ? `   wasm/torch train ${x(wasm.trainImagesPerSecond, t.trainImagesPerSecond)} (CPU ${x(wasm.trainImagesPerCpuSecond, t.trainImagesPerCpuSecond)}), infer ${x(wasm.inferImagesPerSecond, t.inferImagesPerSecond)} (CPU ${x(wasm.inferImagesPerCpuSecond, t.inferImagesPerCpuSecond)})` : '';
      line(`torch ${torch.torch}`, t, vs);
    }
  } else {
    log(`  ${torch.reason}`);
  }
  for (const r of rows) {
    if (r.kernels === undefined) continue;
    log(`\n  wasm kernels of one training step at ${r.input} (CPU ms, fastest of 5 steps; ${r.kernels.totalMs} ms in all kernels)`);
    for (const k of r.kernels.rows) log(`    ${k.ms.toFixed(2).padStart(8)} ms  ${String(k.calls).padStart(2)}x ${k.kernel.padEnd(22)} ${k.inputs}`);
  }
  const [one, two] = parallel.rows;
  log(`\n  two training processes at ${parallel.input} (a 2-worker search): ${rate(two.imagesPerSecond)} images/s vs ${rate(one.imagesPerSecond).trim()} for one (${parallel.speedup.toFixed(2)}x); peak RSS ${two.maxRssMiB.join(' + ')} MiB (one alone: ${one.maxRssMiB[0]} MiB)`);
  return { rows, torch, parallel, loadAverageAtStart: load };
}

/** Cold decode of all photos through the real decode stage, then the cached re-read. */
async function benchCache() {
  const { runPipeline } = await import('../src/index.js');
  const { silentProgress } = await import('../src/stages/progress.js');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'assay-bench-cache-'));
  const timings: Record<string, number> = {};
  const progress = {
    ...silentProgress,
    stageEnd(r: { name: string; seconds: number; cached: boolean }) { timings[`${r.name}:${r.cached ? 'cached' : 'cold'}`] = r.seconds; },
  };
  const args = ['search.trials=1', 'model.training.epochs=1', 'sampling=all', `data.path=${DATA}`];
  try {
    for (let i = 0; i < 2; i++) {
      await runPipeline({ file: 'pipelines/crack-seed.yaml', overrides: args, runsDir: path.join(dir, 'runs'), progress }).catch(() => undefined);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  log('\n## stage cache (16,500 photos, 64x64 gray)');
  for (const [k, v] of Object.entries(timings).filter(([k]) => k.startsWith('ingest') || k.startsWith('decode'))) log(`  ${k.padEnd(20)} ${v.toFixed(2)} s`);
  return timings;
}

/** The seed protocol beside the peer, per seed, with a fresh cache each (bench/seed.ts). */
async function benchSeed() {
  const { benchSeedSideBySide } = await import('./seed.js');
  const seeds = (values.seeds ?? '2022').split(',').map((x) => Number(x.trim()));
  if (seeds.some((x) => !Number.isInteger(x))) throw new Error(`--seeds takes whole numbers separated by commas, got ${values.seeds}`);
  log(`\n## seed protocol (pipelines/crack-seed.yaml beside the PyTorch + Optuna peer, same hold-out photos; seeds ${seeds.join(', ')})`);
  const out = await benchSeedSideBySide({
    data: DATA, seeds, time: values.time ?? null, trials: values.trials ?? null, overrides: values.set ?? [],
    peer: !values['no-peer'], peerScript: path.resolve(REPO, '../shared/peers/torch_seed.py'),
    keep: values.keep ? path.resolve(values.keep) : null, out: values.out ? path.resolve(values.out) : null, log,
  });
  log('');
  log(out.table);
  return { rows: out.rows, peerSkipped: out.peerSkipped, time: values.time ?? '12m', overrides: values.set ?? [] };
}

/** Fashion-MNIST: train with `assay run`, score the official test images with `assay predict`. */
async function benchFashionSection() {
  const { benchFashion, fashionLines } = await import('./fashion.js');
  const { FASHION_DEFAULT_DATA, defaultFashionCache } = await import('./fashion-data.js');
  const data = path.resolve(values['fashion-data'] ?? process.env.ASSAY_BENCH_FASHION_DATA ?? FASHION_DEFAULT_DATA);
  const cache = path.resolve(values['fashion-cache'] ?? process.env.ASSAY_BENCH_FASHION_CACHE ?? defaultFashionCache());
  log(`\n## fashion (pipelines/fashion-10class.yaml on Fashion-MNIST; load average ${os.loadavg()[0]!.toFixed(1)} at start)`);
  const r = await benchFashion({
    data, cache, pipeline: 'pipelines/fashion-10class.yaml', overrides: values.set ?? [],
    keep: values.keep ? path.resolve(values.keep) : null, log,
  });
  if (r.skipped !== null) {
    log(`  skipped: ${r.skipped}`);
    return r;
  }
  for (const line of fashionLines(r)) log(line);
  return r;
}
