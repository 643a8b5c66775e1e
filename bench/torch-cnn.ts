/**
 * PyTorch's one-thread rate on the reference CNN (bench/torch_reference_cnn.py), for a side-by-side
 * figure in the same run. Skipped, with the reason, when /usr/bin/python3 cannot import torch.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./torch_reference_cnn.py', import.meta.url));

/** PyTorch's rows, or why there are none. */
export type TorchResult =
  | { readonly available: true; readonly torch: string; readonly threads: number; readonly rows: ReadonlyArray<{ input: string; trainImagesPerSecond: number; inferImagesPerSecond: number; trainImagesPerCpuSecond: number; inferImagesPerCpuSecond: number; trainSteps: number }> }
  | { readonly available: false; readonly reason: string };

function run(args: string[], timeoutMs: number): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(PYTHON, args, { timeout: timeoutMs, maxBuffer: 1 << 20 }, (err, stdout, stderr) => resolve({ ok: err === null, stdout, stderr }));
  });
}

/** Measures PyTorch on `inputs` ("HxWxC") for about `seconds` of training each. */
export async function benchTorch(inputs: readonly string[], seconds: number): Promise<TorchResult> {
  const probe = await run(['-c', 'import torch'], 60_000);
  if (!probe.ok) {
    const why = probe.stderr.trim().split('\n').pop() ?? `${PYTHON} not found`;
    return { available: false, reason: `PyTorch skipped: ${PYTHON} cannot import torch (${why || 'not installed'}); install python3-torch to compare` };
  }
  const r = await run([SCRIPT, String(seconds), ...inputs], 600_000);
  if (!r.ok) return { available: false, reason: `PyTorch run failed: ${r.stderr.trim().split('\n').pop() ?? 'no output'}` };
  return { available: true, ...(JSON.parse(r.stdout) as Omit<Extract<TorchResult, { available: true }>, 'available'>) };
}
