/**
 * Two trials in parallel: the reference CNN trained in one process, then in two processes at once
 * (as a 2-worker search runs trials), total images/s and each process's peak resident memory.
 * Each child warms up, then all start their timed window together on the parent's signal.
 */
import { fork } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { initBackend, seedTfRandom } from '../src/learn/backend/backend.js';
import { BATCH, rate, referenceCnn } from './reference-cnn.js';

type ChildMessage = { type: 'ready' } | { type: 'done'; imagesPerSecond: number; maxRssMiB: number };

/** Processes training at once: total and per-process rates, peak RSS per process. */
export interface ParallelRow {
  readonly processes: number;
  readonly imagesPerSecond: number;
  readonly perProcess: readonly number[];
  readonly maxRssMiB: readonly number[];
}

export interface ParallelResult {
  readonly input: string;
  readonly rows: readonly ParallelRow[];
  /** Two processes' total rate over one's. */
  readonly speedup: number;
}

const ENTRY = fileURLToPath(import.meta.url);

async function together(n: number, input: string, seconds: number): Promise<ParallelRow> {
  const children = Array.from({ length: n }, () => fork(ENTRY, ['--child', input, String(seconds)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }));
  const next = (c: (typeof children)[number]) => new Promise<ChildMessage>((resolve, reject) => {
    c.once('message', (m) => resolve(m as ChildMessage));
    c.once('exit', (code) => reject(new Error(`training process exited with ${code}`)));
  });
  try {
    await Promise.all(children.map(next));
    const done = children.map(next);
    for (const c of children) c.send('go');
    const results = (await Promise.all(done)) as Extract<ChildMessage, { type: 'done' }>[];
    const perProcess = results.map((r) => r.imagesPerSecond);
    return { processes: n, imagesPerSecond: perProcess.reduce((a, b) => a + b, 0), perProcess, maxRssMiB: results.map((r) => r.maxRssMiB) };
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill();
  }
}

/** One process, then two at once, each training for about `seconds` on `input` ("HxWxC"). */
export async function benchParallel(input: string, seconds: number): Promise<ParallelResult> {
  const one = await together(1, input, seconds);
  const two = await together(2, input, seconds);
  return { input, rows: [one, two], speedup: two.imagesPerSecond / one.imagesPerSecond };
}

async function child(input: string, seconds: number): Promise<void> {
  const [h, w, c] = input.split('x').map(Number);
  await initBackend('wasm');
  seedTfRandom(1);
  const model = referenceCnn(h, w, c);
  const x = tf.randomUniform([BATCH, h, w, c], 0, 1, 'float32', 2);
  const y = tf.tensor2d(Array.from({ length: BATCH }, (_, i) => i % 2), [BATCH, 1]);
  const train = async (): Promise<void> => { await model.trainOnBatch(x, y); };
  await train();
  process.send?.({ type: 'ready' } satisfies ChildMessage);
  await new Promise((resolve) => process.once('message', resolve));
  const t = await rate(seconds, 2, train);
  const msg: ChildMessage = { type: 'done', imagesPerSecond: t.perSecond * BATCH, maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) };
  process.send?.(msg, undefined, undefined, () => process.exit(0));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href && process.argv[2] === '--child') {
  await child(process.argv[3], Number(process.argv[4]));
}
