import { execa } from 'execa';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EpochRecord, TrialRequest } from '../../../../src/learn/protocol.js';
import { WorkerPool } from '../../../../src/learn/search/worker-pool.js';

const dir = mkdtempSync(path.join(tmpdir(), 'assay-pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A fake trial worker: deterministic results after random delays; params.mode picks a misbehaviour.
const WORKER = `
import { writeFileSync } from 'node:fs';
import path from 'node:path';
if (process.env.PID_DIR) writeFileSync(path.join(process.env.PID_DIR, String(process.pid)), '');
if (process.env.MODE === 'die-at-start') { process.stderr.write('file:///w.js:1\\nError: cannot load backend\\n    at init (file:///w.js:1:1)\\n\\nNode.js v20\\n'); process.exit(7); }
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
process.on('disconnect', () => process.exit(0));
process.on('message', async (msg) => {
  if (msg.type === 'exit') process.exit(0);
  const req = msg.request;
  const mode = req.params.mode;
  if (mode === 'hang') return;
  if (mode === 'spin') for (;;) {} // busy in synchronous work: deaf to IPC and 'disconnect'
  for (let e = 1; e <= 2; e++) {
    await sleep(5 + Math.floor(Math.random() * 40));
    const record = { epoch: e, trainLoss: 1 / e, valLoss: 1 / e, trainObjective: 0, valObjective: req.index / 10 + e, seconds: 0 };
    process.send({ type: 'epoch', index: req.index, record, of: 2 });
    if (e === 1 && mode === 'crash') { process.stderr.write('Segmentation fault in kernel\\n'); process.exit(3); }
    if (e === 1 && mode === 'oom') process.kill(process.pid, 'SIGKILL');
  }
  if (mode === 'fail') { process.send({ type: 'failed', index: req.index, error: 'tensor shapes do not match' }); return; }
  process.send({ type: 'done', result: { index: req.index, family: req.family, params: req.params, score: req.index * 2, metric: 'f1',
    threshold: 0.5, bestEpoch: 2, epochs: 2, curves: [], pruned: false, seconds: 0, valProbabilities: [], worker: process.pid } });
});
if (process.env.MODE !== 'silent') process.send({ type: 'ready', backend: 'fake' });
`;
const script = path.join(dir, 'worker.mjs');
writeFileSync(script, WORKER);
const tsScript = path.join(dir, 'worker.ts');
writeFileSync(tsScript, WORKER.replace('async (msg)', 'async (msg: any)').replace('(ms) =>', '(ms: number) =>'));

function request(index: number, mode = 'ok'): TrialRequest {
  return {
    index, family: 'mlp', params: { mode }, seed: index, peers: [], pruning: 'none', modelDir: null, backend: 'cpu',
    training: { epochs: 2, batchSize: 8, optimizer: 'adam', learningRate: 0.01, schedule: 'constant', earlyStopping: null },
    objective: { metric: 'f1', beta: 1, threshold: { kind: 'fixed', value: 0.4 }, prevalence: { kind: 'sample' } },
    data: { trainX: '', trainY: '', valX: '', valY: '', classWeights: null, balancedBatches: null, augment: null, positive: 1, classes: ['a', 'b'] },
  };
}

const isAlive = (pid: number): boolean => { try { process.kill(pid, 0); return true; } catch { return false; } };
async function waitDead(pids: number[], ms: number): Promise<number[]> {
  const until = Date.now() + ms;
  while (Date.now() < until && pids.some(isAlive)) await new Promise((r) => setTimeout(r, 50));
  return pids.filter(isAlive);
}

describe('WorkerPool', () => {
  it('runs a queue over the workers and returns results in request order', async () => {
    const epochs: [number, number, number][] = [];
    const pool = await WorkerPool.start({ size: 3, script, onEpoch: (i, r: EpochRecord, of) => epochs.push([i, r.epoch, of]) });
    try {
      const results = await pool.run(Array.from({ length: 8 }, (_, i) => request(i)));
      expect(results.map((r) => [r.index, r.score, r.error])).toEqual(Array.from({ length: 8 }, (_, i) => [i, i * 2, undefined]));
      expect(new Set(results.map((r) => (r as unknown as { worker: number }).worker)).size).toBe(3);
      expect(epochs.length).toBe(16);
      expect(epochs.filter(([i]) => i === 5).map(([, e, of]) => [e, of])).toEqual([[1, 2], [2, 2]]);
    } finally {
      await pool.close();
    }
  });

  it('turns a crash, a kill and a reported failure into failed trials, replaces the dead workers and carries on', async () => {
    const pool = await WorkerPool.start({ size: 2, script });
    try {
      const modes = ['ok', 'crash', 'ok', 'oom', 'fail', 'ok'];
      const results = await pool.run(modes.map((m, i) => request(i, m)));
      expect(results.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(results.map((r) => r.error === undefined)).toEqual([true, false, true, false, false, true]);
      expect(results[1]!.error).toBe('trial worker exited with code 3 during the trial: Segmentation fault in kernel');
      expect(results[3]!.error).toBe('trial worker was killed (SIGKILL; out of memory?) during the trial');
      expect(results[4]!.error).toBe('tensor shapes do not match');
      // a failed trial keeps the epochs it reported, the threshold asked for, and the worst finite score
      expect(results[1]!.curves.map((c) => c.epoch)).toEqual([1]);
      expect(results[1]!.epochs).toBe(1);
      expect(results[1]!.threshold).toBe(0.4);
      expect(results[1]!.score).toBe(-Number.MAX_VALUE);
      expect(results[1]!.metric).toBe('f1');
      await new Promise((r) => setTimeout(r, 50));
      const again = await pool.run([request(6), request(7)]);
      expect(again.map((r) => r.score)).toEqual([12, 14]);
      expect(pool.size).toBe(2);
    } finally {
      await pool.close();
    }
  });

  it('runs a .ts worker through tsx', async () => {
    const pool = await WorkerPool.start({ size: 1, script: tsScript });
    try {
      expect((await pool.run([request(3)])).map((r) => r.score)).toEqual([6]);
    } finally {
      await pool.close();
    }
  });

  it('fails to start with the worker\'s exit reason and stderr, or when it never gets ready', async () => {
    await expect(WorkerPool.start({ size: 2, script, env: { MODE: 'die-at-start' } })).rejects.toThrow(
      /trial worker .*worker\.mjs exited with code 7 before it was ready: Error: cannot load backend$/,
    );
    const pids = mkdtempSync(path.join(dir, 'pids-'));
    await expect(WorkerPool.start({ size: 2, script, env: { MODE: 'silent', PID_DIR: pids }, readyTimeoutMs: 300 })).rejects.toThrow(/sent no "ready" within 300 ms/);
    expect(await waitDead(readdirSync(pids).map(Number), 3000)).toEqual([]);
    await expect(WorkerPool.start({ size: 0, script })).rejects.toThrow(/pool size must be a whole number >= 1, got 0/);
  });

  it('close kills a worker stuck in a trial and rejects trials that never ran', async () => {
    const pids = mkdtempSync(path.join(dir, 'pids-'));
    const pool = await WorkerPool.start({ size: 1, script, env: { PID_DIR: pids }, graceMs: 200 });
    const pending = pool.run([request(0, 'hang'), request(1)]);
    await new Promise((r) => setTimeout(r, 100));
    const closed = pool.close();
    await expect(pending).rejects.toThrow('the worker pool was closed before the trial ran');
    await closed;
    expect(await waitDead(readdirSync(pids).map(Number), 3000)).toEqual([]);
    await expect(pool.run([request(2)])).rejects.toThrow('the worker pool is closed');
  });

  it('leaves no orphan workers when the parent gets SIGINT mid-trial, even workers deaf to IPC', async () => {
    const pids = mkdtempSync(path.join(dir, 'pids-'));
    const parent = path.join(dir, 'parent.mts');
    const poolModule = path.resolve('src/learn/search/worker-pool.ts');
    writeFileSync(parent, `
      import { WorkerPool } from ${JSON.stringify(poolModule)};
      const req = JSON.parse(process.argv[2]);
      const pool = await WorkerPool.start({ size: 2, script: ${JSON.stringify(script)}, env: { PID_DIR: ${JSON.stringify(pids)} } });
      void pool.run([req, { ...req, index: 1 }]);
      await new Promise((r) => setTimeout(r, 300));
      process.stdout.write('busy\\n');
      setInterval(() => {}, 1000);
    `);
    const child = execa('node', ['--import', 'tsx', parent, JSON.stringify(request(0, 'spin'))], { reject: false, buffer: { stdout: false } });
    await new Promise<void>((resolve) => child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('busy')) resolve(); }));
    const workers = readdirSync(pids).map(Number);
    expect(workers.length).toBe(2);
    expect(workers.every(isAlive)).toBe(true);
    child.kill('SIGINT');
    const res = await child;
    expect(res.signal).toBe('SIGINT');
    expect(await waitDead(workers, 5000)).toEqual([]);
  }, 20_000);
});
