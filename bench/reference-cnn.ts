/**
 * Training and inference throughput of the reference CNN (conv16 -> pool -> conv32 -> pool ->
 * conv64 -> global average pool -> dense 1, batch 32) at 64x64x1 and 128x128x3 per backend, with
 * the per-kernel time of a wasm training step, PyTorch's one-thread rate on the same network
 * (bench/torch_reference_cnn.py, when /usr/bin/python3 imports torch), and two training processes
 * at once against one. Measured, not asserted.
 * `node --import tsx bench/reference-cnn.ts [--seconds 3] [--backends wasm,cpu]` prints a table;
 * nothing else is written to stdout.
 */
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import type { BackendChoice } from '../src/core/spec.js';
import { describeBackends, initBackend, seedTfRandom } from '../src/learn/backend/backend.js';
import { profileKernels, type KernelRow } from './kernel-profile.js';

/** One measured (backend, input) pair. */
export interface ReferenceCnnRow {
  readonly backend: string;
  /** "HxWxC". */
  readonly input: string;
  readonly trainImagesPerSecond: number;
  readonly inferImagesPerSecond: number;
  /** The same rates per second of the process's CPU time (less disturbed by other work on the machine). */
  readonly trainImagesPerCpuSecond: number;
  readonly inferImagesPerCpuSecond: number;
  /** Images per batch actually used (smaller on the pure-JS cpu backend). */
  readonly batchSize: number;
  /** Timed training steps. */
  readonly trainSteps: number;
  /** wasm only: the slowest kernels of one training step (fastest of 5 profiled steps each). */
  readonly kernels?: { readonly totalMs: number; readonly rows: readonly KernelRow[] };
}

/** Kernel rows kept per input size. */
const PROFILE_ROWS = 16;

export const INPUTS: ReadonlyArray<readonly [number, number, number]> = [[64, 64, 1], [128, 128, 3]];
export const BATCH = 32;
/**
 * The pure-JS cpu backend needs ~5 s per image per training step at 64x64x1: one timed step on one
 * image, without a training warm-up, is enough to rank it.
 */
const CPU_BATCH = 1;

/** The reference CNN, compiled with Adam 1e-3 and binary cross-entropy. */
export function referenceCnn(h: number, w: number, c: number): tf.LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [h, w, c], filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu' }));
  m.add(tf.layers.globalAveragePooling2d({}));
  m.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
  m.compile({ optimizer: tf.train.adam(1e-3), loss: 'binaryCrossentropy' });
  return m;
}

/**
 * Runs `step` repeatedly until `seconds` have passed (at least `minSteps` times): steps per second
 * of wall time and per second of this process's CPU time (what the steps cost when other work
 * shares the cores).
 */
export async function rate(seconds: number, minSteps: number, step: () => Promise<void>): Promise<{ perSecond: number; perCpuSecond: number; steps: number }> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  let steps = 0;
  while (steps < minSteps || performance.now() - start < seconds * 1000) {
    await step();
    steps++;
  }
  const used = process.cpuUsage(cpu);
  return { perSecond: steps / ((performance.now() - start) / 1000), perCpuSecond: steps / ((used.user + used.system) / 1e6), steps };
}

async function measure(backend: string, [h, w, c]: readonly [number, number, number], seconds: number): Promise<ReferenceCnnRow> {
  const isCpu = backend === 'cpu';
  const batch = isCpu ? CPU_BATCH : BATCH;
  seedTfRandom(1);
  const model = referenceCnn(h, w, c);
  const x = tf.randomUniform([batch, h, w, c], 0, 1, 'float32', 2);
  const y = tf.tensor2d(Array.from({ length: batch }, (_, i) => i % 2), [batch, 1]);
  const train = async (): Promise<void> => { await model.trainOnBatch(x, y); };
  const infer = async (): Promise<void> => {
    const p = model.predict(x) as tf.Tensor;
    await p.data();
    p.dispose();
  };
  try {
    if (!isCpu) await train(); // warm-up: kernels set up, operators created
    await infer();
    const t = await rate(isCpu ? 0 : seconds, 1, train);
    const i = await rate(isCpu ? 0 : seconds / 2, 1, infer);
    const row = { backend, input: `${h}x${w}x${c}`, trainImagesPerSecond: t.perSecond * batch, inferImagesPerSecond: i.perSecond * batch, trainImagesPerCpuSecond: t.perCpuSecond * batch, inferImagesPerCpuSecond: i.perCpuSecond * batch, batchSize: batch, trainSteps: t.steps };
    if (backend !== 'wasm') return row;
    const profile = await profileKernels(train);
    return { ...row, kernels: { totalMs: profile.totalMs, rows: profile.rows.slice(0, PROFILE_ROWS) } };
  } finally {
    model.optimizer.dispose();
    model.dispose();
    x.dispose();
    y.dispose();
  }
}

/**
 * Measures the reference CNN on each backend in `backends` (default: every available one) for
 * about `seconds` (default 3) of training and half that of inference per input size.
 */
export async function benchReferenceCnn(opts?: { seconds?: number; backends?: string[] }): Promise<ReferenceCnnRow[]> {
  const seconds = opts?.seconds ?? 3;
  const names = opts?.backends ?? (await describeBackends()).candidates.filter((c) => c.available).map((c) => c.name);
  const rows: ReferenceCnnRow[] = [];
  for (const name of names) {
    await initBackend(name as BackendChoice);
    for (const input of INPUTS) rows.push(await measure(name, input, seconds));
  }
  return rows;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { seconds: { type: 'string' }, backends: { type: 'string' } } });
  const rows = await benchReferenceCnn({
    ...(values.seconds !== undefined ? { seconds: Number(values.seconds) } : {}),
    ...(values.backends !== undefined ? { backends: values.backends.split(',') } : {}),
  });
  const load = os.loadavg().map((l) => l.toFixed(1)).join(' ');
  process.stdout.write(`reference CNN, ${os.cpus().length} cores, load average ${load}\n`);
  process.stdout.write(`${'backend'.padEnd(16)}${'input'.padEnd(12)}${'batch'.padStart(6)}${'train img/s'.padStart(13)}${'infer img/s'.padStart(13)}\n`);
  for (const r of rows) {
    process.stdout.write(`${r.backend.padEnd(16)}${r.input.padEnd(12)}${String(r.batchSize).padStart(6)}${r.trainImagesPerSecond.toFixed(1).padStart(13)}${r.inferImagesPerSecond.toFixed(1).padStart(13)}\n`);
  }
}
