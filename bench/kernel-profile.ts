/**
 * Per-kernel time of one training step: `tf.profile` over several steps, each kernel (name and
 * input shapes) at its fastest. Kernels are timed in this process's CPU time, not wall time, and
 * the fastest of several steps is kept, so other work on a shared machine counts as little as it
 * can (the wasm backend runs a kernel on this thread, synchronously).
 */
import * as tf from '@tensorflow/tfjs';

/** One kernel call of a training step. */
export interface KernelRow {
  readonly kernel: string;
  /** Input shapes, e.g. "[32,64,64,16] [3,3,16,32]". */
  readonly inputs: string;
  /** Fastest of the profiled steps, CPU ms (summed over the kernel's calls with these shapes). */
  readonly ms: number;
  readonly calls: number;
}

/** The kernel table of `step`, fastest per row over `steps` profiled steps, slowest rows first. */
export async function profileKernels(step: () => Promise<void>, steps = 5): Promise<{ rows: KernelRow[]; totalMs: number }> {
  const best = new Map<string, { kernel: string; inputs: string; ms: number; calls: number }>();
  const backend = tf.backend() as unknown as { time(f: () => void): Promise<{ kernelMs: number }> };
  const wallTime = Object.getOwnPropertyDescriptor(backend, 'time');
  backend.time = async (f) => {
    const start = process.cpuUsage();
    f();
    const used = process.cpuUsage(start);
    return { kernelMs: (used.user + used.system) / 1000 };
  };
  try {
    for (let s = 0; s < steps; s++) await profileOnce(step, best);
  } finally {
    if (wallTime) Object.defineProperty(backend, 'time', wallTime);
    else delete (backend as { time?: unknown }).time;
  }
  const rows = [...best.values()].sort((a, b) => b.ms - a.ms).map((r) => ({ ...r, ms: Math.round(r.ms * 100) / 100 }));
  return { rows, totalMs: Math.round(rows.reduce((s, r) => s + r.ms, 0) * 10) / 10 };
}

async function profileOnce(step: () => Promise<void>, best: Map<string, { kernel: string; inputs: string; ms: number; calls: number }>): Promise<void> {
  {
    const info = await tf.profile(step);
    const thisStep = new Map<string, { kernel: string; inputs: string; ms: number; calls: number }>();
    for (const k of info.kernels) {
      // NOTE: tfjs also lists the ops that wrap kernels ("fusedConv2d__op"); their time is the kernel's.
      if (k.name.endsWith('__op')) continue;
      const inputs = k.inputShapes.map((sh) => `[${sh}]`).join(' ');
      const key = `${k.name} ${inputs}`;
      const row = thisStep.get(key) ?? { kernel: k.name, inputs, ms: 0, calls: 0 };
      row.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      row.calls++;
      thisStep.set(key, row);
    }
    for (const [key, row] of thisStep) {
      const b = best.get(key);
      if (b === undefined || row.ms < b.ms) best.set(key, row);
    }
  }
}
