/**
 * `npm run bench -- --only queue`: what the job queue costs and what a second worker buys, on
 * loopback. Uses $ASSAY_TEST_REDIS_URL, else starts a private redis-server on a free port (skipped
 * when neither is there). Workers are `assay worker` processes started before the timed runs.
 *
 * - overhead: a serial search (parallel 1) in this process vs the same search on one worker; the
 *   difference per trial is the queue's cost (job, events, tensors and model through the store);
 * - scaling: a search with parallel 2 on one worker, then on two.
 * Every timed run uses --no-cache semantics, so each trains every trial.
 */
import { execa, type ResultPromise } from 'execa';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const PIPELINE = (trials: number, parallel: number) => `assay: 1
name: bench-queue
version: 1
seed: 7
data: { source: synthetic-cracks, size: 32, counts: { crack: 60, no-crack: 120 } }
holdout: { fraction: 0.25 }
split: { validation: 0.3 }
features:
  - resize: { width: 32, height: 32 }
  - grayscale: {}
  - normalize: { method: standard }
model:
  family: cnn
  space: { blocks: 2, filters: { choice: [4, 8] } }
  training: { epochs: 3, batch-size: 16 }
objective: { metric: f1, threshold: tune }
search: { strategy: random, trials: ${trials}, parallel: ${parallel} }
report: { bootstrap: 100 }
`;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
  });
}

async function redisUrl(): Promise<{ url: string; stop: () => void } | null> {
  if (process.env.ASSAY_TEST_REDIS_URL) return { url: process.env.ASSAY_TEST_REDIS_URL, stop: () => undefined };
  const port = await freePort();
  const server = execa('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { reject: false, stdin: 'ignore' });
  for (let i = 0; i < 50; i++) {
    const pong = await execa('redis-cli', ['-p', String(port), 'ping'], { reject: false }).catch(() => null);
    if (pong?.stdout === 'PONG') return { url: `redis://127.0.0.1:${port}`, stop: () => { server.kill('SIGTERM'); } };
    await new Promise((r) => setTimeout(r, 100));
  }
  server.kill('SIGKILL');
  return null;
}

/** Resolves with the worker once it is ready (wrapped: resolving with the child would await its exit). */
function startWorker(url: string, store: string, cacheDir: string): Promise<{ child: ResultPromise }> {
  const child = execa('node', ['--import', 'tsx', 'src/cli/main.ts', 'worker', '--queue', url, '--store', store, '--cache-dir', cacheDir], { reject: false, stdin: 'ignore' });
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (c: Buffer) => { err += c.toString(); if (/^worker \S+: backend/m.test(err)) resolve({ child }); });
    void child.then(() => reject(new Error(`worker exited: ${err}`)));
  });
}

export async function benchQueue(log: (s: string) => void) {
  const redis = await redisUrl();
  if (redis === null) { log('\n## queue: skipped (no ASSAY_TEST_REDIS_URL and no redis-server)'); return null; }
  const { runPipeline } = await import('../src/index.js');
  const { silentProgress } = await import('../src/stages/progress.js');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'assay-bench-queue-'));
  const store = pathToFileURL(path.join(dir, 'store')).href;
  const workers: ResultPromise[] = [];
  const search = async (file: string, queue: boolean) => {
    let seconds = 0;
    const progress = { ...silentProgress, stageEnd(r: { name: string; seconds: number }) { if (r.name === 'search') seconds = r.seconds; } };
    await runPipeline({ file, runsDir: path.join(dir, 'runs'), noCache: true, progress, ...(queue ? { queue: redis.url, store } : {}) });
    return seconds;
  };
  try {
    const trials = 6;
    const serial = path.join(dir, 'serial.yaml');
    const pair = path.join(dir, 'pair.yaml');
    await writeFile(serial, PIPELINE(trials, 1));
    await writeFile(pair, PIPELINE(trials, 2));
    await search(serial, false); // warm: the stages before the search are cached from here on
    workers.push((await startWorker(redis.url, store, path.join(dir, 'w1'))).child);
    await search(serial, true); // warm: the worker's first tfjs start and the store's first upload
    const local = await search(serial, false);
    const queued = await search(serial, true);
    const one = await search(pair, true);
    workers.push((await startWorker(redis.url, store, path.join(dir, 'w2'))).child);
    const two = await search(pair, true);
    const pool = await search(pair, false);
    const out = {
      trials,
      serialSearchSeconds: { local: round(local), queueOneWorker: round(queued) },
      overheadPerTrialSeconds: round((queued - local) / trials),
      parallel2SearchSeconds: { localPool: round(pool), queueOneWorker: round(one), queueTwoWorkers: round(two) },
    };
    log(`\n## queue (loopback Redis ${redis.url.replace(/\/\/[^@]*@/, '//***@')}, file store, ${trials} trials of a 32x32 CNN, 3 epochs)`);
    log(`  serial search: in-process ${out.serialSearchSeconds.local} s, one worker ${out.serialSearchSeconds.queueOneWorker} s  -> overhead ${out.overheadPerTrialSeconds} s per trial (target < 1 s)`);
    log(`  parallel 2:    local pool ${out.parallel2SearchSeconds.localPool} s, one worker ${out.parallel2SearchSeconds.queueOneWorker} s, two workers ${out.parallel2SearchSeconds.queueTwoWorkers} s`);
    return out;
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.catch(() => undefined)));
    redis.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
