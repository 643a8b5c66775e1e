/**
 * Per-kernel time of one training step: `tf.profile` over several steps, each kernel (name and
 * input shapes) at its fastest, so a step disturbed by other work on the machine does not count.
 */
import * as tf from '@tensorflow/tfjs';

/** One kernel call of a training step. */
export interface KernelRow {
  readonly kernel: string;
  /** Input shapes, e.g. "[32,64,64,16] [3,3,16,32]". */
  readonly inputs: string;
  /** Fastest of the profiled steps, ms (summed over the kernel's calls with these shapes). */
  readonly ms: number;
  readonly calls: number;
}

/** The kernel table of `step`, fastest per row over `steps` profiled steps, slowest rows first. */
export async function profileKernels(step: () => Promise<void>, steps = 5): Promise<{ rows: KernelRow[]; totalMs: number }> {
  const best = new Map<string, { kernel: string; inputs: string; ms: number; calls: number }>();
  for (let s = 0; s < steps; s++) {
    const info = await tf.profile(step);
    const thisStep = new Map<string, { kernel: string; inputs: string; ms: number; calls: number }>();
    for (const k of info.kernels) {
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
  const rows = [...best.values()].sort((a, b) => b.ms - a.ms).map((r) => ({ ...r, ms: Math.round(r.ms * 100) / 100 }));
  return { rows, totalMs: Math.round(rows.reduce((s, r) => s + r.ms, 0) * 10) / 10 };
}
