/**
 * Tabular CSV pipelines with missing cells and a categorical column, end to end through the CLI:
 * impute and one-hot fitted on the training rows only, stored with the model, applied to the
 * hold-out and by `assay predict` (missing cells filled, an unseen category counted), a
 * bit-identical `rerun --check`, and the failure paths (a missing cell no impute covers, a step
 * naming a column the data lacks).
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { assay, tempProject } from './cli.js';

interface Row { x1: number | null; x2: number; region: string | null; fraud: boolean }
interface Step { kind: string; names?: string[]; fill?: (number | string | null)[]; indicator?: number[]; categories?: string[][] }
interface JsonRun { run: string; dir: string; metrics: { holdout: { metrics: Record<string, number> } } }
interface Lock { stages: { name: string; key: string; cached: boolean }[] }

/** 240 rows, 1 fraud : 5 legit, separable by x1 + x2/2 = 5 (gap 2); about 1 in 12 x1 and region cells missing (not row 8's region). */
function makeRows(seed: number): { csv: string; rows: Row[] } {
  const rng = new Rng(seed).child('tabular-missing');
  const rows: Row[] = [];
  for (let i = 0; i < 240; i++) {
    const fraud = i % 6 === 0;
    let x1: number, x2: number;
    do {
      x1 = Number(rng.uniform(-4, 4).toFixed(3));
      x2 = Number(rng.uniform(0, 10).toFixed(3));
    } while (fraud ? x1 + x2 / 2 < 6 : x1 + x2 / 2 > 4);
    // Row 8 holds the only `island`: a category some k-fold training parts never see.
    const region = i === 7 ? 'island' : ['north', 'south', 'east', 'west'][rng.int(4)]!;
    rows.push({ x1: rng.int(12) === 0 ? null : x1, x2, region: rng.int(12) === 0 && i !== 7 ? null : region, fraud });
  }
  const cell = (v: number | string | null, i: number): string => (v === null ? (i % 2 === 0 ? '' : 'NA') : String(v));
  const csv = ['x1,x2,region,label', ...rows.map((r, i) => `${cell(r.x1, i)},${r.x2},${cell(r.region, i)},${r.fraud ? 'fraud' : 'legit'}`)].join('\n') + '\n';
  return { csv, rows };
}

const PIPELINE = `assay: 1
name: claims
seed: 3
data: { source: csv, path: rows.csv, label: label, columns: [x1, x2, region], positive: fraud }
holdout: { fraction: 0.25 }
split: { validation: 0.25 }
features:
  - impute: { columns: numeric, indicator: true }
  - impute: { columns: [region], strategy: most-frequent }
  - one-hot: { columns: [region] }
  - standardize: {}
model:
  family: mlp
  space: { learning-rate: 0.02 }
  training: { epochs: 40, batch-size: 32, early-stopping: false }
objective: { metric: f1, threshold: tune }
search: { strategy: random, trials: 1, parallel: 1 }
report: { bootstrap: 100 }
`;

const readJson = async <T>(file: string): Promise<T> => JSON.parse(await readFile(file, 'utf8')) as T;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

describe('tabular pipelines with missing cells: impute and one-hot (end to end)', () => {
  let cwd: string;
  let data: ReturnType<typeof makeRows>;
  let first: JsonRun;
  let lock: Lock;
  const cacheEntry = (stage: string): string => {
    const key = lock.stages.find((s) => s.name === stage)!.key;
    return path.join(cwd, 'runs', '.cache', stage, key.slice(0, 2), key);
  };

  beforeAll(async () => {
    data = makeRows(21);
    cwd = await tempProject({ 'rows.csv': data.csv, 'claims.yaml': PIPELINE });
    const r = await assay(['run', 'claims.yaml', '--json'], { cwd });
    expect(r.exitCode, r.stderr).toBe(0);
    first = JSON.parse(r.stdout) as JsonRun;
    lock = await readJson<Lock>(path.join(first.dir, 'lock.json'));
  }, 120_000);
  afterAll(async () => rm(cwd, { recursive: true, force: true }));

  it('fits impute and one-hot on the training rows only and scores the hold-out well above chance', async () => {
    const pre = await readJson<{ columns: string[]; exampleShape: number[]; fitted: { steps: Step[] } }>(path.join(first.dir, 'model', 'preprocess.json'));
    expect(pre.columns).toEqual(['x1', 'x2', 'region']);
    const steps = pre.fitted.steps;
    expect(steps.map((s) => s.kind)).toEqual(['impute', 'impute', 'one-hot', 'standardize']);
    const inventory = await readJson<{ items: { ref: string }[] }>(path.join(cacheEntry('ingest'), 'inventory.json'));
    const split = await readJson<{ folds: { train: number[] }[] }>(path.join(cacheEntry('split'), 'split.json'));
    const train = split.folds[0]!.train.map((i) => data.rows[Number(inventory.items[i]!.ref.slice(4)) - 1]!);
    const x1 = train.flatMap((r) => (r.x1 === null ? [] : [Math.fround(r.x1)]));
    expect(x1.length).toBeLessThan(train.length); // the training rows do miss some x1
    expect(steps[0]).toMatchObject({ names: ['x1', 'x2'], indicator: [0] });
    expect(steps[0]!.fill![0]).toBeCloseTo(median(x1), 6);
    const regions = train.flatMap((r) => (r.region === null ? [] : [r.region]));
    const counts = new Map<string, number>();
    for (const r of regions) counts.set(r, (counts.get(r) ?? 0) + 1);
    const top = Math.max(...counts.values());
    expect(steps[1]).toMatchObject({ names: ['region'], fill: [[...counts].filter(([, c]) => c === top).map(([r]) => r).sort()[0]] });
    expect(steps[2]!.categories).toEqual([[...new Set(regions)].sort()]);
    // x1, x2, one column per region, x1:missing.
    expect(pre.exampleShape).toEqual([2 + counts.size + 1]);
    // Calling everything fraud scores F1 2/7 = 0.29 here; misaligned fills or codes land near it.
    expect(first.metrics.holdout.metrics.f1).toBeGreaterThanOrEqual(0.7);
  });

  it('reruns bit-identically', async () => {
    const r = await assay(['rerun', first.run, '--check'], { cwd });
    expect(r.exitCode, r.stderr).toBe(0);
  }, 120_000);

  it('scores a CSV with missing cells and an unseen category exactly as the hold-out, counting the unseen rows', async () => {
    const predictions = (await readFile(path.join(first.dir, 'predictions.csv'), 'utf8')).trim().split('\n').slice(1).map((l) => l.split(','));
    const held = predictions.map(([ref]) => data.rows[Number(ref!.slice(4)) - 1]!);
    expect(held.some((r) => r.x1 === null || r.region === null)).toBe(true);
    const cell = (v: number | string | null): string => (v === null ? '' : String(v));
    const lines = ['region,x2,x1', ...held.map((r) => `${cell(r.region)},${r.x2},${cell(r.x1)}`), 'mars,1,2', 'mars,NaN,NA', 'NA,3,'];
    await writeFile(path.join(cwd, 'new.csv'), `${lines.join('\n')}\n`);
    const r = await assay(['predict', first.run, 'new.csv'], { cwd });
    expect(r.exitCode, r.stderr).toBe(0);
    const out = r.stdout.trim().split('\n');
    expect(out).toHaveLength(1 + held.length + 3);
    held.forEach((_, i) => expect(out[i + 1]).toBe(`new.csv:${i + 2},${predictions[i]![3]},${predictions[i]![4]},`));
    for (const line of out.slice(-3)) expect(line).toMatch(/^new\.csv:\d+,0\.\d+,(fraud|legit),$/);
    expect(r.stderr).toContain('warning: column region: 2 row(s) hold categories the run never saw ("mars"); they are coded all-zero');
  });

  it('k-fold: each fold fits its own categories and widths; predict averages them and counts a category not every fold saw', async () => {
    const r = await assay(['run', 'claims.yaml', '--set', 'split={folds: 3}', '--set', 'name=claims-kfold', '--json'], { cwd });
    expect(r.exitCode, r.stderr).toBe(0);
    const run = JSON.parse(r.stdout) as JsonRun;
    const pre = await readJson<{ folds: { fitted: { steps: Step[] } }[] }>(path.join(run.dir, 'model', 'preprocess.json'));
    const cats = pre.folds.map((f) => f.fitted.steps.find((s) => s.kind === 'one-hot')!.categories![0]!);
    // island (one row, in the pool) is in two folds' training parts and the third's validation.
    expect(cats.filter((c) => c.includes('island'))).toHaveLength(2);
    expect(new Set(cats.map((c) => c.length))).toEqual(new Set([4, 5]));
    await writeFile(path.join(cwd, 'island.csv'), 'x1,x2,region\n1,2,island\n,3,north\n');
    const p = await assay(['predict', run.run, 'island.csv'], { cwd });
    expect(p.exitCode, p.stderr).toBe(0);
    expect(p.stdout.trim().split('\n').slice(1).every((l) => /^island\.csv:\d,0\.\d+,(fraud|legit),$/.test(l))).toBe(true);
    expect(p.stderr).toContain('warning: column region: 1 row(s) hold categories the run never saw ("island")');
  }, 120_000);

  it('refuses a missing cell in a column no impute step covers, at its line and column (exit 2)', async () => {
    await writeFile(path.join(cwd, 'plain.yaml'), PIPELINE.replace('name: claims', 'name: plain').replace(/  - impute: \{ columns: numeric, indicator: true \}\n/, ''));
    const r = await assay(['run', 'plain.yaml'], { cwd });
    expect(r.exitCode).toBe(2);
    const line = data.rows.findIndex((row) => row.x1 === null) + 2;
    expect(r.stderr).toMatch(new RegExp(`line ${line}, column x1 \\(1\\): (empty|"NA"), a missing value, and no impute step covers x1`));
    expect(r.stderr).not.toMatch(/unexpected error|\n\s+at /);
  });

  it('refuses a step naming a column the data lacks, located at the name (exit 2)', async () => {
    await writeFile(path.join(cwd, 'typo.yaml'), PIPELINE.replace('name: claims', 'name: typo').replace('columns: [region], strategy', 'columns: [regoin], strategy'));
    const r = await assay(['run', 'typo.yaml'], { cwd });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/typo\.yaml:9:\d+ error\[semantic\.step-column\] feature step impute names column regoin, which is not one of data\.columns \(x1, x2, region\)/);
  });
});
