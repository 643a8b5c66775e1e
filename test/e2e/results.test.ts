/**
 * What users do with finished runs, end to end on a real (tiny) trained model: predict reproduces
 * the run's own hold-out predictions and metrics exactly, rerun --check finds the rerun identical,
 * and diff compares two committed versions of a pipeline. Image-folder data written as PNGs, the
 * path a user takes.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allMetrics } from '../../src/evaluate/metrics.js';
import { diffRuns, predictFiles, rerunRun, runPipeline, writeSyntheticFolder } from '../../src/index.js';
import { parsePredictionsCsv } from '../../src/results/run-files.js';
import { silentProgress } from '../../src/stages/progress.js';

const pipeline = (width: number) => `assay: 1
name: tiny
seed: 3
backend: wasm
data:
  source: image-folder
  path: data
  classes: { crack: crack, no-crack: no-crack }
  positive: crack
holdout: { fraction: 0.25, stratify: true }
split: { validation: 0.25, stratify: true }
features:
  - resize: { width: ${width}, height: 24 }
  - grayscale: {}
  - normalize: { method: standard }
model:
  family: cnn
  space: { blocks: 1, filters: 4 }
  training: { epochs: 2, batch-size: 16 }
search: { strategy: random, trials: 1, parallel: 1 }
report: { bootstrap: 100 }
`;

const TSX = path.resolve('node_modules/.bin/tsx');
const MAIN = path.resolve('src/cli/main.ts');
let cwd: string, first: { id: string; dir: string }, second: { id: string; dir: string };
/** The rerun of `first` (a later run of the same text). */
let rerunId: string;

async function git(...args: string[]): Promise<void> {
  await execa('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...args], { cwd });
}

async function run(): Promise<{ id: string; dir: string }> {
  const r = await runPipeline({ file: 'pipelines/tiny.yaml', cwd, runsDir: 'runs', cacheDir: 'cache', progress: silentProgress });
  return { id: r.id, dir: r.dir };
}

beforeAll(async () => {
  cwd = await mkdtemp(path.join(tmpdir(), 'assay-e2e-results-'));
  await writeSyntheticFolder(path.join(cwd, 'data'), { counts: { crack: 30, 'no-crack': 30 }, size: 32, seed: 1, hardNegatives: 0 });
  await mkdir(path.join(cwd, 'pipelines'));
  await git('init', '-q');
  await writeFile(path.join(cwd, 'pipelines', 'tiny.yaml'), pipeline(24));
  await git('add', 'pipelines/tiny.yaml');
  await git('commit', '-q', '-m', 'v1');
  first = await run();
  await writeFile(path.join(cwd, 'pipelines', 'tiny.yaml'), pipeline(20));
  await git('commit', '-q', '-am', 'narrower');
  second = await run();
}, 120_000);

afterAll(async () => { await rm(cwd, { recursive: true, force: true }); });

describe('assay predict on a trained run', () => {
  it('reproduces the run\'s hold-out probabilities as written, its predictions and its hold-out metrics', async () => {
    const csv = parsePredictionsCsv(await readFile(path.join(first.dir, 'predictions.csv'), 'utf8'));
    expect(csv.length).toBe(16);
    const r = await predictFiles({ ref: first.id, runsDir: 'runs', cwd, paths: csv.map((row) => `data/${row.ref}`) });
    expect(r.failed).toBe(0);
    expect(r.rows.map((x) => x.probability!.toPrecision(9))).toEqual(csv.map((row) => row.probabilityText));
    expect(r.rows.map((x) => x.prediction)).toEqual(csv.map((row) => row.prediction));
    const metrics = JSON.parse(await readFile(path.join(first.dir, 'metrics.json'), 'utf8'));
    const again = allMetrics(r.rows.map((x) => x.probability!), csv.map((row) => (row.label === 'crack' ? 1 : 0)), metrics.objective.threshold);
    expect(JSON.parse(JSON.stringify(again))).toEqual(metrics.holdout.metrics);
  });

  it('from the command line: scores a folder, gives a corrupt image an error row and exits 1', async () => {
    await writeFile(path.join(cwd, 'data', 'crack', 'zz-corrupt.jpg'), 'not a jpeg at all');
    const p = await execa(TSX, [MAIN, 'predict', 'tiny@latest', 'data/crack', '--out', 'out.csv'], { cwd, reject: false });
    await rm(path.join(cwd, 'data', 'crack', 'zz-corrupt.jpg'));
    expect(p.exitCode).toBe(1);
    const lines = (await readFile(path.join(cwd, 'out.csv'), 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('path,probability,prediction,error');
    expect(lines).toHaveLength(32);
    expect(lines[31]).toMatch(/^data\/crack\/zz-corrupt\.jpg,,,cannot decode: /);
    expect(lines[1]).toMatch(/^data\/crack\/00000\.png,0\.\d+,(crack|no-crack),$/);
    expect(p.stderr).toContain(`30 scored with run ${second.id} (wasm`);
  });
});

describe('assay rerun --check', () => {
  it('reruns without the cache into a new folder that is identical bit for bit', async () => {
    const r = await rerunRun({ ref: first.id, runsDir: path.join(cwd, 'runs'), check: true, cwd, progress: silentProgress });
    expect(r.run.dir).not.toBe(first.dir);
    expect(path.dirname(r.run.dir)).toBe(path.dirname(first.dir));
    const lock = JSON.parse(await readFile(path.join(r.run.dir, 'lock.json'), 'utf8'));
    expect(lock.stages.map((s: { cached: boolean }) => s.cached)).toEqual(lock.stages.map(() => false));
    expect(lock.stages.length).toBeGreaterThanOrEqual(9);
    expect(r.comparison).toMatchObject({ a: first.dir, b: r.run.dir, identical: true, differences: [], environment: [] });
    // in one process tfjs numbers the layers of the second model on, which is noted, not counted
    expect(r.comparison!.notes.length).toBeLessThanOrEqual(1);
    rerunId = r.run.id;
  }, 60_000);
});

describe('assay diff across commits', () => {
  it('names the changed parameter and stage keys, and pairs the metrics on the shared hold-out', async () => {
    const d = await diffRuns({ a: 'pipelines/tiny.yaml@HEAD~1', b: 'pipelines/tiny.yaml@HEAD', cwd });
    // the latest run of the v1 text is the rerun
    expect(d.a.run).toBe(rerunId);
    expect(d.b.run).toBe(second.id);
    expect(d.parameters.map((p) => `${p.key}: ${p.before} -> ${p.after}`)).toEqual(['features[0].resize.width: 24 -> 20']);
    // geometry changes the decode and everything after it; listing and the hold-out carve do not
    expect(d.stages.filter((s) => s.status === 'same').map((s) => s.stage)).toEqual(['ingest']);
    expect(d.pairing.paired).toBe(true);
    expect(d.metrics.every((m) => m.noise?.kind === 'paired' || m.change === 0)).toBe(true);
  });

  it('from the command line with --md, and with one argument says the working tree run is missing', async () => {
    const md = await execa(TSX, [MAIN, 'diff', first.id, 'pipelines/tiny.yaml', '--md'], { cwd, reject: false });
    expect(md.exitCode).toBe(0);
    expect(md.stdout).toContain('| `features[0].resize.width` | 24 | 20 |');
    await writeFile(path.join(cwd, 'pipelines', 'tiny.yaml'), pipeline(16));
    const one = await execa(TSX, [MAIN, 'diff', 'pipelines/tiny.yaml'], { cwd, reject: false });
    expect(one.exitCode).toBe(2);
    expect(one.stderr).toContain('no run of pipelines/tiny.yaml as it is in the working tree');
  });
});
