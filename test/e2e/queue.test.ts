/**
 * Trials on the job queue, end to end on loopback: a coordinator and two `assay worker`s give the
 * local run's keys, weights and predictions, a worker sent SIGTERM mid-trial finishes it and exits
 * 0, and a worker SIGKILLed mid-trial loses nothing.
 * Faults are in queue-faults.test.ts. Needs Redis: skipped with a message unless
 * ASSAY_TEST_REDIS_URL is set (.ci/run sets it).
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assay, tempProject, TINY_PIPELINE } from './cli.js';
import { background, REDIS, startWorker } from './queue-helpers.js';

if (!REDIS) process.stderr.write('queue e2e skipped: ASSAY_TEST_REDIS_URL is unset (.ci/run starts Redis on loopback and sets it)\n');

const PIPELINE = TINY_PIPELINE.replace('trials: 2, parallel: 1', 'trials: 2, parallel: 2').replace('epochs: 3', 'epochs: 2');
const withPassword = (url: string) => url.replace('redis://', 'redis://:hunter2@');

interface JsonRun { run: string; dir: string; metrics: { holdout: unknown; search: { reused: number; trials: number } } }
interface Lock { stages: { key: string }[]; trialKeys: string[]; execution?: { trials: { executor: string; queue?: string; trials?: { index: number; worker: string }[] } } }
const lockOf = async (dir: string) => JSON.parse(await readFile(path.join(dir, 'lock.json'), 'utf8')) as Lock;
const bytes = (dir: string, f: string) => readFile(path.join(dir, f));

async function expectSameRun(a: JsonRun, b: JsonRun): Promise<void> {
  const [la, lb] = [await lockOf(a.dir), await lockOf(b.dir)];
  expect(lb.stages.map((s) => s.key)).toEqual(la.stages.map((s) => s.key));
  expect(lb.trialKeys).toEqual(la.trialKeys);
  for (const f of ['model/weights.bin', 'model/model.json', 'predictions.csv']) expect((await bytes(b.dir, f)).equals(await bytes(a.dir, f)), f).toBe(true);
  expect(b.metrics.holdout).toEqual(a.metrics.holdout);
}

describe.skipIf(!REDIS)('trials on the job queue', () => {
  let local: JsonRun;
  const dirs: string[] = [];
  const project = async () => { const d = await tempProject({ 'p.yaml': PIPELINE }); dirs.push(d); return d; };
  beforeAll(async () => {
    const cwd = await project();
    const r = await assay(['run', 'p.yaml', '--json'], { cwd });
    expect(r.exitCode, r.stderr).toBe(0);
    local = JSON.parse(r.stdout) as JsonRun;
  }, 120_000);
  afterAll(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

  it('coordinator + 2 workers: the local run\'s keys, weights and predictions; the lock says where, without the password; SIGTERM lets a trial finish', async () => {
    const cwd = await project();
    const store = pathToFileURL(path.join(cwd, 'store')).href;
    const workers = await Promise.all([1, 2].map((i) => startWorker(REDIS!, store, path.join(cwd, `w${i}`), cwd)));
    const run = background(['run', 'p.yaml', '--json', '--queue', withPassword(REDIS!), '--store', store], { cwd });
    // SIGTERM mid-trial: the worker takes no new trial, finishes this one, and exits 0.
    await workers[0]!.waitFor(/^trial \d started/m);
    workers[0]!.child.kill('SIGTERM');
    const r = await run.child;
    expect(r.exitCode, run.output()).toBe(0);
    const queued = JSON.parse(String(r.stdout)) as JsonRun;
    await expectSameRun(local, queued);
    const lockText = await readFile(path.join(queued.dir, 'lock.json'), 'utf8');
    expect(lockText).not.toContain('hunter2');
    expect(run.output()).not.toContain('hunter2');
    const placed = (JSON.parse(lockText) as Lock).execution!.trials;
    expect(placed.executor).toBe('queue');
    expect(placed.queue).toBe(withPassword(REDIS!).replace('hunter2', '***'));
    expect(placed.trials!.map((t) => t.index)).toEqual([0, 1]);
    const stopped = await workers[0]!.child;
    expect(stopped.exitCode, workers[0]!.output()).toBe(0);
    expect(workers[0]!.output()).toMatch(/stopping: finishing 1 trial\(s\) in progress[\s\S]*^trial \d f1 /m);
    workers[1]!.child.kill('SIGTERM');
    expect((await workers[1]!.child).exitCode, workers[1]!.output()).toBe(0);
  }, 120_000);

  it('a worker SIGKILLed mid-trial: the stalled trial goes to another worker, results bit-identical', async () => {
    const cwd = await project();
    const store = pathToFileURL(path.join(cwd, 'store')).href;
    const doomed = await startWorker(REDIS!, store, path.join(cwd, 'w1'), cwd);
    const run = background(['run', 'p.yaml', '--json', '--queue', REDIS!, '--store', store], { cwd });
    await doomed.waitFor(/^trial \d started/m);
    doomed.child.kill('SIGKILL');
    expect((await doomed.child).signal).toBe('SIGKILL');
    const rescuer = await startWorker(REDIS!, store, path.join(cwd, 'w2'), cwd);
    const r = await run.child;
    expect(r.exitCode, run.output()).toBe(0);
    const queued = JSON.parse(String(r.stdout)) as JsonRun;
    await expectSameRun(local, queued);
    // Both trials were finished by the rescuer; the killed worker finished none.
    expect((await lockOf(queued.dir)).execution!.trials.trials!.map((t) => t.worker.split(':')[1])).toEqual([String(rescuer.child.pid), String(rescuer.child.pid)]);
    rescuer.child.kill('SIGTERM');
    expect((await rescuer.child).exitCode).toBe(0);
  }, 120_000);
});
