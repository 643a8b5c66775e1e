/**
 * Tabular CSV pipelines end to end, through the CLI: numeric and categorical columns read into a
 * table, normalize fitted on the training rows only, mlp and logistic trained on [n, d] rows, the
 * hold-out scored once, a fully cached rerun, and the failure paths (bad value, image-only steps,
 * predict on a tabular run).
 */
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { assay, tempProject } from './cli.js';

interface JsonRun { run: string; dir: string; metrics: { holdout: { metrics: Record<string, number>; n: number; positives: number }; search: { family: string } } }
interface LockStage { name: string; key: string; cached: boolean; summary: string }
interface Lock { status: string; stages: LockStage[] }
interface Inventory { classes: string[]; positive: number; items: { id: string; ref: string; label: number }[] }
interface Preprocess { input?: string; columns?: string[]; exampleShape: number[]; geometry: unknown[]; fitted: { steps: { kind: string; method: string; mean: number[]; std: number[]; categories?: string[][] }[] } }

/**
 * 300 rows, 50 `fraud` to 250 `legit` (1:5). Fraud lies in the half-plane x1 + x2/2 >= 6, legit
 * in x1 + x2/2 <= 4: the line x1 + x2/2 = 5 separates the classes with a gap of 2 units. `color`
 * (red, green, blue) is drawn independently of the class: one-hot columns that carry no signal.
 */
function makeRows(seed: number): { csv: string; rows: { x1: number; x2: number; color: string; fraud: boolean }[] } {
  const rng = new Rng(seed).child('tabular-e2e');
  const rows: { x1: number; x2: number; color: string; fraud: boolean }[] = [];
  for (let i = 0; i < 300; i++) {
    const fraud = i % 6 === 0;
    let x1: number, x2: number;
    do {
      x1 = Number(rng.uniform(-4, 4).toFixed(4));
      x2 = Number(rng.uniform(0, 10).toFixed(3));
    } while (fraud ? x1 + x2 / 2 < 6 : x1 + x2 / 2 > 4);
    rows.push({ x1, x2, color: ['red', 'green', 'blue'][rng.int(3)]!, fraud });
  }
  const csv = ['id,x1,x2,color,label', ...rows.map((r, i) => `${i + 1},${r.x1},${r.x2},${r.color},${r.fraud ? 'fraud' : 'legit'}`)].join('\n') + '\n';
  return { csv, rows };
}

const PIPELINE = `assay: 1
name: tabular
version: 1
seed: 5
data: { source: csv, path: rows.csv, label: label, columns: [x1, x2, color], positive: fraud }
holdout: { fraction: 0.2 }
split: { validation: 0.25 }
features:
  - normalize: { method: standard }
model:
  family: mlp
  space: { learning-rate: 0.02 }
  training: { epochs: 40, batch-size: 32, early-stopping: false }
objective: { metric: f1, threshold: tune }
search: { strategy: random, trials: 1, parallel: 1 }
report: { bootstrap: 200 }
`;

const COLUMNS = ['x1', 'x2', 'color=blue', 'color=green', 'color=red'];
const DATA_COLUMNS = ['x1', 'x2', 'color'];
const STAGES = ['ingest', 'decode', 'holdout', 'sample', 'split', 'features', 'resample', 'search', 'evaluate'];

/** The model input row of a CSV row, as float32 values in COLUMNS order. */
const features = (r: { x1: number; x2: number; color: string }): number[] =>
  [r.x1, r.x2, r.color === 'blue' ? 1 : 0, r.color === 'green' ? 1 : 0, r.color === 'red' ? 1 : 0].map(Math.fround);

/** Per-column mean and population std, summed in float64 in the given row order. */
function meanStd(vectors: readonly number[][]): { mean: number[]; std: number[] } {
  const d = vectors[0]!.length;
  const mean = Array.from({ length: d }, (_, c) => vectors.reduce((s, v) => s + v[c]!, 0) / vectors.length);
  const std = Array.from({ length: d }, (_, c) => Math.sqrt(vectors.reduce((s, v) => s + (v[c]! - mean[c]!) ** 2, 0) / vectors.length));
  return { mean, std };
}

function f1(predicted: readonly boolean[], actual: readonly boolean[]): number {
  let tp = 0, fp = 0, fn = 0;
  predicted.forEach((p, i) => { if (p && actual[i]) tp++; else if (p) fp++; else if (actual[i]) fn++; });
  return (2 * tp) / (2 * tp + fp + fn);
}

const readJson = async <T>(file: string): Promise<T> => JSON.parse(await readFile(file, 'utf8')) as T;

describe('tabular csv pipelines (end to end)', () => {
  let cwd: string;
  let data: ReturnType<typeof makeRows>;
  let first: JsonRun;
  let lock: Lock;
  const cacheEntry = (stage: string) => {
    const key = lock.stages.find((s) => s.name === stage)!.key;
    return path.join(cwd, 'runs', '.cache', stage, key.slice(0, 2), key);
  };

  beforeAll(async () => {
    data = makeRows(11);
    cwd = await tempProject({ 'rows.csv': data.csv, 'tabular.yaml': PIPELINE });
    const r = await assay(['run', 'tabular.yaml', '--json'], { cwd });
    expect(r.exitCode, r.stderr).toBe(0);
    first = JSON.parse(r.stdout) as JsonRun;
    lock = await readJson<Lock>(path.join(first.dir, 'lock.json'));
  }, 120_000);
  afterAll(async () => rm(cwd, { recursive: true, force: true }));

  it('writes the run folder, with a table decoded instead of images and no error gallery', async () => {
    const files = await readdir(first.dir);
    for (const f of ['pipeline.yaml', 'lock.json', 'metrics.json', 'trials.jsonl', 'predictions.csv', 'report.md', 'report.html', 'model', 'holdout.json']) expect(files, f).toContain(f);
    expect(files).not.toContain('gallery');
    expect((await readdir(path.join(first.dir, 'model'))).sort()).toEqual(['model.json', 'preprocess.json', 'weights.bin']);
    expect(lock.status).toBe('finished');
    expect(lock.stages.map((s) => s.name)).toEqual(STAGES);
    const summary = Object.fromEntries(lock.stages.map((s) => [s.name, s.summary]));
    expect(summary.ingest).toBe('300 items (fraud 50, legit 250)');
    expect(summary.decode).toBe('300 rows x 3 columns');
    expect(summary.holdout).toBe('60 held out, 240 in the pool');
    expect(summary.features).toBe('example shape [5], fitted normalize on train');
    const csv = (await readFile(path.join(first.dir, 'predictions.csv'), 'utf8')).trim().split('\n');
    expect(csv).toHaveLength(1 + 60);
    expect(csv.slice(1).every((l) => /^row:\d+,[0-9a-f]{64},(fraud|legit),/.test(l))).toBe(true);
    expect(first.metrics.holdout.n).toBe(60);
    expect(first.metrics.holdout.positives).toBe(10);
    expect(first.metrics.search.family).toBe('mlp');
    const md = await readFile(path.join(first.dir, 'report.md'), 'utf8');
    expect(md).not.toContain('gallery/');
    expect(md).toContain('| train |');
  });

  it('scores the hold-out far above chance: the classes are separable, so a correct model misses at most one of ten', async () => {
    // What the data guarantees: the rule x1 + x2/2 > 5 is right on every hold-out row (F1 1),
    // while calling everything fraud gets F1 2p/(1+p) = 0.29 at p = 1/6. Labels misaligned with
    // rows, or a transform that differs between training and hold-out, land near the latter.
    const rows = (await readFile(path.join(first.dir, 'predictions.csv'), 'utf8')).trim().split('\n').slice(1).map((l) => l.split(','));
    const held = rows.map(([ref]) => data.rows[Number(ref!.slice(4)) - 1]!);
    expect(rows.map((r) => r[2] === 'fraud')).toEqual(held.map((r) => r.fraud));
    expect(f1(held.map((r) => r.x1 + r.x2 / 2 > 5), held.map((r) => r.fraud))).toBe(1);
    expect(f1(held.map(() => true), held.map((r) => r.fraud))).toBeCloseTo(2 / 7, 10);
    expect(first.metrics.holdout.metrics.f1).toBeGreaterThanOrEqual(0.9);
    expect(first.metrics.holdout.metrics.mcc).toBeGreaterThanOrEqual(0.88);
  });

  it('fits normalize on the training rows only: preprocess.json holds their mean and std, not the hold-out\'s or validation\'s', async () => {
    const pre = await readJson<Preprocess>(path.join(first.dir, 'model', 'preprocess.json'));
    expect(pre.input).toBe('table');
    expect(pre.columns).toEqual(DATA_COLUMNS);
    expect(pre.exampleShape).toEqual([5]);
    // No step names color, so a one-hot step fitted on the training rows codes it before normalize.
    expect(pre.fitted.steps.map((s) => s.kind)).toEqual(['one-hot', 'normalize']);
    expect(pre.fitted.steps[0]!.categories).toEqual([['blue', 'green', 'red']]);
    expect(pre.geometry).toEqual([]);
    const inventory = await readJson<Inventory>(path.join(cacheEntry('ingest'), 'inventory.json'));
    const split = await readJson<{ folds: { train: number[]; validation: number[] }[] }>(path.join(cacheEntry('split'), 'split.json'));
    const holdout = await readJson<{ holdout: number[]; pool: number[] }>(path.join(cacheEntry('holdout'), 'holdout.json'));
    const vectorsOf = (indices: readonly number[]) => indices.map((i) => features(data.rows[Number(inventory.items[i]!.ref.slice(4)) - 1]!));
    const { train, validation } = split.folds[0]!;
    expect(train).toHaveLength(180);
    expect(train.filter((i) => holdout.holdout.includes(i))).toEqual([]);
    const expected = meanStd(vectorsOf(train));
    const step = pre.fitted.steps[1]!;
    expect([step.kind, step.method]).toEqual(['normalize', 'standard']);
    step.mean.forEach((m, c) => expect(m, `mean ${COLUMNS[c]}`).toBeCloseTo(expected.mean[c]!, 9));
    step.std.forEach((s, c) => expect(s, `std ${COLUMNS[c]}`).toBeCloseTo(expected.std[c]!, 9));
    // The statistics the wrong rows would give differ from the fitted ones at this precision.
    for (const wrong of [vectorsOf(holdout.holdout), vectorsOf([...train, ...validation]), vectorsOf(inventory.items.map((_, i) => i))]) {
      const other = meanStd(wrong);
      expect(Math.max(...other.mean.map((m, c) => Math.abs(m - step.mean[c]!)))).toBeGreaterThan(1e-4);
    }
  });

  it('restores every stage from the cache on an unchanged rerun, with identical metrics', async () => {
    const r = await assay(['run', 'tabular.yaml', '--json'], { cwd });
    expect(r.exitCode, r.stderr).toBe(0);
    const second = JSON.parse(r.stdout) as JsonRun;
    const stages = (await readJson<Lock>(path.join(second.dir, 'lock.json'))).stages;
    expect(stages.map((s) => [s.name, s.cached])).toEqual(STAGES.map((s) => [s, true]));
    expect(stages.map((s) => s.key)).toEqual(lock.stages.map((s) => s.key));
    expect(second.metrics.holdout).toEqual(first.metrics.holdout);
  });

  it('trains logistic on the same cached table: only search and evaluate rerun', async () => {
    const r = await assay(['run', 'tabular.yaml', '--json', '--set', 'model.family=logistic'], { cwd });
    expect(r.exitCode, r.stderr).toBe(0);
    const run = JSON.parse(r.stdout) as JsonRun;
    expect(run.metrics.search.family).toBe('logistic');
    const cached = Object.fromEntries((await readJson<Lock>(path.join(run.dir, 'lock.json'))).stages.map((s) => [s.name, s.cached]));
    expect(cached).toEqual({ ingest: true, decode: true, holdout: true, sample: true, split: true, features: true, resample: true, search: false, evaluate: false });
    expect(run.metrics.holdout.metrics.f1).toBeGreaterThanOrEqual(0.9);
  });

  it('refuses image files for a tabular run, saying it takes a CSV file and where the model and transform are', async () => {
    await writeFile(path.join(cwd, 'new.png'), 'not really an image');
    const r = await assay(['predict', first.run, 'new.png'], { cwd });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('was trained on table rows (3 input columns: x1, x2, color)');
    expect(r.stderr).toContain(`give it one CSV file with those columns (assay predict ${first.run} table.csv), not image files`);
    expect(r.stderr).toContain(path.join(first.dir, 'model'));
    expect(r.stderr).not.toMatch(/unexpected error|\n\s+at /);
  });

  it('scores a CSV with assay predict exactly as the run scored its hold-out, locating bad rows and counting unseen categories', async () => {
    const predictions = (await readFile(path.join(first.dir, 'predictions.csv'), 'utf8')).trim().split('\n').slice(1).map((l) => l.split(','));
    const held = predictions.slice(0, 20).map(([ref]) => data.rows[Number(ref!.slice(4)) - 1]!);
    // Columns in another order, an extra column, no label: the run's columns are found by name.
    const lines = ['color,note,x2,x1', ...held.map((r) => `${r.color},-,${r.x2},${r.x1}`), 'purple,-,1,2', 'red,-,oops,2'];
    await writeFile(path.join(cwd, 'new.csv'), `${lines.join('\n')}\n`);
    const r = await assay(['predict', first.run, 'new.csv'], { cwd });
    expect(r.exitCode, r.stderr).toBe(1);
    const out = r.stdout.trim().split('\n');
    expect(out[0]).toBe('path,probability,prediction,error');
    expect(out).toHaveLength(1 + 22);
    out.slice(1, 21).forEach((line, i) => expect(line).toBe(`new.csv:${i + 2},${predictions[i]![3]},${predictions[i]![4]},`));
    expect(out[21]).toMatch(/^new\.csv:22,0\.\d+,(fraud|legit),$/);
    expect(out[22]).toBe('new.csv:23,,,"line 23, column x2 (3): ""oops"" is not a number (the column is numeric)"');
    expect(r.stderr).toContain('warning: column color: 1 row(s) hold categories the run never saw ("purple"); they are coded all-zero');
    expect(r.stderr).toMatch(/21 scored with run \S+ \(\w+, threshold 0\.\d+\), 1 failed/);
    await writeFile(path.join(cwd, 'short.csv'), 'x1,colour\n1,red\n');
    const bad = await assay(['predict', first.run, 'short.csv'], { cwd });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain("short.csv lacks column(s) x2, color that the run's model takes (the file has x1, colour)");
  });

  it('refuses a run on a non-numeric value in a numeric column (exit 2), naming the line and column', async () => {
    const lines = data.csv.split('\n');
    lines[17] = lines[17]!.replace(/^(\d+),[^,]+,/, '$1,n/a,'); // data row 17 is file line 18
    await writeFile(path.join(cwd, 'bad.csv'), lines.join('\n'));
    await writeFile(path.join(cwd, 'bad.yaml'), PIPELINE.replace('path: rows.csv', 'path: bad.csv').replace('name: tabular', 'name: bad'));
    const r = await assay(['run', 'bad.yaml'], { cwd });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('line 18, column x1 (2): "n/a" is not a number (the column is numeric)');
    expect(r.stderr).not.toMatch(/unexpected error|\n\s+at /);
  });

  it('rejects image-only feature steps and the cnn family on tabular data before running anything', async () => {
    const text = PIPELINE.replace('  - normalize: { method: standard }', '  - resize: { width: 8, height: 8 }\n  - normalize: { method: standard }').replace('family: mlp', 'family: cnn');
    await writeFile(path.join(cwd, 'images-only.yaml'), text);
    const r = await assay(['run', 'images-only.yaml'], { cwd });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/images-only\.yaml:9:\d+ error\[semantic\.tabular-step\] feature step resize needs images/);
    expect(r.stderr).toMatch(/error\[semantic\.family-data\] the cnn family needs images/);
    expect(r.stderr).toContain('nothing was run');
  });
});

describe('group-by a CSV column', () => {
  it('keeps every group on one side of the hold-out and of the split, and a changed group column reruns them', async () => {
    const { rows } = makeRows(11);
    // 30 "sites" of 10 rows each: rows of one site must never straddle two partitions.
    const csv = ['id,x1,x2,color,site,label', ...rows.map((r, i) => `${i + 1},${r.x1},${r.x2},${r.color},s${i % 30},${r.fraud ? 'fraud' : 'legit'}`)].join('\n') + '\n';
    const pipeline = PIPELINE
      .replace('holdout: { fraction: 0.2 }', 'holdout: { fraction: 0.2, group-by: { column: site } }')
      .replace('split: { validation: 0.25 }', 'split: { validation: 0.25, group-by: { column: site } }');
    const cwd = await tempProject({ 'rows.csv': csv, 'p.yaml': pipeline });
    const r = await assay(['run', 'p.yaml', '--json'], { cwd });
    expect(r.exitCode, r.stderr).toBe(0);
    const run = JSON.parse(r.stdout) as JsonRun;
    const lock = await readJson<Lock>(path.join(run.dir, 'lock.json'));
    const entry = (stage: string) => {
      const key = lock.stages.find((s) => s.name === stage)!.key;
      return path.join(cwd, 'runs', '.cache', stage, key.slice(0, 2), key);
    };
    const inventory = await readJson<Inventory>(path.join(entry('ingest'), 'inventory.json'));
    const siteOf = (i: number) => `s${(Number(inventory.items[i]!.ref.slice(4)) - 1) % 30}`;
    const { holdout, pool } = await readJson<{ holdout: number[]; pool: number[] }>(path.join(entry('holdout'), 'holdout.json'));
    const held = new Set(holdout.map(siteOf));
    expect(held.size).toBeGreaterThan(0);
    expect(pool.map(siteOf).filter((s) => held.has(s))).toEqual([]);
    const { folds } = await readJson<{ folds: { train: number[]; validation: number[] }[] }>(path.join(entry('split'), 'split.json'));
    const val = new Set(folds[0]!.validation.map(siteOf));
    expect(folds[0]!.train.map(siteOf).filter((s) => val.has(s))).toEqual([]);
    // Regrouping the same rows changes the hold-out's key even though no feature value changed.
    await writeFile(path.join(cwd, 'rows.csv'), csv.replace(/,s(\d+),/g, (_, n: string) => `,s${Number(n) % 7},`));
    const again = JSON.parse((await assay(['run', 'p.yaml', '--json'], { cwd })).stdout) as JsonRun;
    const cached = Object.fromEntries((await readJson<Lock>(path.join(again.dir, 'lock.json'))).stages.map((s) => [s.name, s.cached]));
    expect(cached.holdout).toBe(false);
    await rm(cwd, { recursive: true, force: true });
  });
});
