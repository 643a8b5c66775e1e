/**
 * The engine under stress: --no-cache, two runs at once on one cache, a run killed mid-search,
 * and the hold-out's isolation, checked on the artifacts themselves.
 */
import { existsSync } from 'node:fs';
import { readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assay, startUntil, tempProject, TINY_PIPELINE } from './cli.js';

interface JsonRun { run: string; dir: string; metrics: { holdout: { metrics: Record<string, number> }; search: { reused: number; trials: number } } }
interface Lock { stages: { name: string; key: string; cached: boolean }[] }

const lockOf = async (dir: string) => JSON.parse(await readFile(path.join(dir, 'lock.json'), 'utf8')) as Lock;

describe('cache robustness', () => {
  let cwd: string;
  beforeAll(async () => { cwd = await tempProject({ 'tiny.yaml': TINY_PIPELINE }); });
  afterAll(async () => rm(cwd, { recursive: true, force: true }));

  it('lets two runs of one pipeline share a cache at once, with the same results', async () => {
    const [a, b] = await Promise.all([assay(['run', 'tiny.yaml', '--json'], { cwd }), assay(['run', 'tiny.yaml', '--json'], { cwd })]);
    expect(a.exitCode, a.stderr).toBe(0);
    expect(b.exitCode, b.stderr).toBe(0);
    const ra = JSON.parse(a.stdout) as JsonRun;
    const rb = JSON.parse(b.stdout) as JsonRun;
    expect(ra.run).not.toBe(rb.run);
    expect(rb.metrics.holdout).toEqual(ra.metrics.holdout);
    expect((await lockOf(ra.dir)).stages.map((s) => s.key)).toEqual((await lockOf(rb.dir)).stages.map((s) => s.key));
    // Nothing half-written is left behind, and a third run restores everything.
    expect(await readdir(path.join(cwd, 'runs', '.cache', 'tmp')).catch(() => [])).toEqual([]);
    const c = await assay(['run', 'tiny.yaml', '--json'], { cwd });
    expect((await lockOf((JSON.parse(c.stdout) as JsonRun).dir)).stages.every((s) => s.cached)).toBe(true);
  });

  it('recomputes every stage with --no-cache, to the same keys and metrics', async () => {
    const cached = JSON.parse((await assay(['run', 'tiny.yaml', '--json'], { cwd })).stdout) as JsonRun;
    const r = await assay(['run', 'tiny.yaml', '--json', '--no-cache'], { cwd });
    expect(r.exitCode, r.stderr).toBe(0);
    const fresh = JSON.parse(r.stdout) as JsonRun;
    const stages = (await lockOf(fresh.dir)).stages;
    expect(stages.some((s) => s.cached)).toBe(false);
    expect(stages.map((s) => s.key)).toEqual((await lockOf(cached.dir)).stages.map((s) => s.key));
    expect(fresh.metrics.holdout).toEqual(cached.metrics.holdout);
  });

  it('keeps the hold-out out of every partition the search sees', async () => {
    const run = JSON.parse((await assay(['run', 'tiny.yaml', '--json'], { cwd })).stdout) as JsonRun;
    const lock = await lockOf(run.dir);
    const entry = (stage: string) => {
      const key = lock.stages.find((s) => s.name === stage)!.key;
      return path.join(cwd, 'runs', '.cache', stage, key.slice(0, 2), key);
    };
    const inventory = JSON.parse(await readFile(path.join(entry('ingest'), 'inventory.json'), 'utf8')) as { items: { id: string }[] };
    const holdoutIds = new Set((JSON.parse(await readFile(path.join(run.dir, 'holdout.json'), 'utf8')) as { ids: string[] }).ids);
    const split = JSON.parse(await readFile(path.join(entry('split'), 'split.json'), 'utf8')) as { folds: { train: number[]; validation: number[] }[] };
    const seen = split.folds.flatMap((f) => [...f.train, ...f.validation]).map((i) => inventory.items[i]!.id);
    expect(holdoutIds.size).toBe(30);
    expect(seen.length).toBe(90);
    expect(seen.filter((id) => holdoutIds.has(id))).toEqual([]);
    // The training tensors hold exactly the training rows (resampled copies aside), never hold-out ones.
    const trainY = JSON.parse(await readFile(path.join(entry('features'), 'fold0', 'train.y.json'), 'utf8')) as { shape: number[] };
    expect(trainY.shape).toEqual([split.folds[0]!.train.length]);
  });
});

describe('a run killed in the middle of its search', () => {
  it('leaves the cache consistent; the next run reuses the finished trials and completes', async () => {
    const pipeline = TINY_PIPELINE.replace('trials: 2', 'trials: 4').replace('epochs: 3', 'epochs: 4');
    const cwd = await tempProject({ 'p.yaml': pipeline });
    const { child } = await startUntil(['run', 'p.yaml'], { cwd }, /trial 2 \(\d\/4 done\)/);
    child.kill('SIGKILL');
    const killed = await child;
    expect(killed.signal).toBe('SIGKILL');
    const r = await assay(['run', 'p.yaml', '--json'], { cwd });
    expect(r.exitCode, r.stderr).toBe(0);
    const run = JSON.parse(r.stdout) as JsonRun;
    expect(run.metrics.search.trials).toBe(4);
    // "trial 2/4" first appears when trial 2 starts: trial 1 has finished by then, trial 2 may not have.
    expect(run.metrics.search.reused).toBeGreaterThanOrEqual(1);
    expect(r.stderr).not.toMatch(/corrupt/);
    await rm(cwd, { recursive: true, force: true });
  });
});

describe('a run interrupted with SIGINT (Ctrl-C)', () => {
  it('records in its lock that it was interrupted and in which stage, exits 130, and the next run resumes', async () => {
    const pipeline = TINY_PIPELINE.replace('trials: 2', 'trials: 4').replace('epochs: 3', 'epochs: 4');
    const cwd = await tempProject({ 'p.yaml': pipeline });
    const { child } = await startUntil(['run', 'p.yaml'], { cwd }, /trial 1 \(\d\/4 done\)/);
    child.kill('SIGINT');
    const done = await child;
    expect(done.exitCode).toBe(130);
    expect(String(done.stderr)).toMatch(/interrupted \(SIGINT\) during stage search/);
    const runDir = path.join(cwd, 'runs', 'tiny', (await readdir(path.join(cwd, 'runs', 'tiny')))[0]!);
    const lock = JSON.parse(await readFile(path.join(runDir, 'lock.json'), 'utf8')) as { status: string; error: { stage: string; message: string } };
    expect(lock.status).toBe('interrupted');
    expect(lock.error).toEqual({ stage: 'search', message: 'interrupted by SIGINT during stage search' });
    expect(existsSync(path.join(runDir, 'running.json'))).toBe(false);
    const runs = await assay(['runs'], { cwd });
    expect(runs.stdout).toMatch(/tiny\s+v1\s+interrupted/);
    expect(runs.stdout).toContain(': interrupted: interrupted by SIGINT during stage search');
    const r = await assay(['run', 'p.yaml', '--json'], { cwd });
    expect(r.exitCode, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as JsonRun).metrics.search.reused).toBeGreaterThanOrEqual(1);
    await rm(cwd, { recursive: true, force: true });
  });
});

describe('a run killed with SIGKILL (kill -9: no chance to write its lock)', () => {
  it('is listed as incomplete, is never `latest`, and prune --incomplete removes it', async () => {
    const cwd = await tempProject({ 'p.yaml': TINY_PIPELINE.replace('trials: 2', 'trials: 4').replace('epochs: 3', 'epochs: 4') });
    const { child } = await startUntil(['run', 'p.yaml'], { cwd }, /trial 1 \(\d\/4 done\)/);
    child.kill('SIGKILL');
    await child;
    const runDir = path.join(cwd, 'runs', 'tiny', (await readdir(path.join(cwd, 'runs', 'tiny')))[0]!);
    expect(existsSync(path.join(runDir, 'lock.json'))).toBe(false);
    const runs = await assay(['runs'], { cwd });
    expect(runs.stdout).toMatch(/tiny\s+v1\s+incomplete/);
    expect(runs.stdout).toMatch(/incomplete: no finished lock\.json: the run was killed or ran out of disk/);
    const show = await assay(['show', 'latest'], { cwd });
    expect(show.exitCode).toBe(2);
    expect(show.stderr).toMatch(/no finished runs under .*1 run without a finished lock/);
    const prune = await assay(['runs', 'prune', '--incomplete'], { cwd });
    expect(prune.stdout).toMatch(/^removed tiny\/\S+ \(incomplete\)$/m);
    expect(existsSync(runDir)).toBe(false);
    await rm(cwd, { recursive: true, force: true });
  });
});
