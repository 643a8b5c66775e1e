/** Spawns the assay CLI from source (node --import tsx), as a user would run it. */
import { execa } from 'execa';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'src/cli/main.ts');

export interface CliResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function assay(args: readonly string[], opts: { cwd: string; env?: Record<string, string>; timeoutMs?: number }): Promise<CliResult> {
  const r = await execa('node', ['--import', import.meta.resolve('tsx'), MAIN, ...args], {
    cwd: opts.cwd, reject: false, env: { ...opts.env, ASSAY_CACHE_DIR: '' }, extendEnv: true, timeout: opts.timeoutMs ?? 240_000, stdin: 'ignore',
  });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

export async function tempProject(files: Readonly<Record<string, string>> = {}): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'assay-e2e-'));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}

/** A tiny, fast pipeline on the synthetic generator (seconds on two cores). */
export const TINY_PIPELINE = `assay: 1
name: tiny
version: 1
description: a seconds-long pipeline for tests
seed: 7
data:
  source: synthetic-cracks
  size: 32
  counts: { crack: 40, no-crack: 80 }
holdout: { fraction: 0.25 }
split: { validation: 0.3 }
features:
  - resize: { width: 24, height: 24 }
  - grayscale: {}
  - normalize: { method: standard }
resample: { method: random-oversample, ratio: 1 }
model:
  family: cnn
  space:
    blocks: 2
    filters: { choice: [4, 8] }
  training: { epochs: 3, batch-size: 16 }
objective: { metric: f1, threshold: tune }
search: { strategy: random, trials: 2, parallel: 1 }
report: { bootstrap: 200 }
`;

/**
 * Start `assay ARGS` in the background and resolve once its stderr matches `pattern` (or it
 * exits): for tests that interrupt a run at a known point.
 */
export async function startUntil(args: readonly string[], opts: { cwd: string }, pattern: RegExp) {
  const child = execa('node', ['--import', import.meta.resolve('tsx'), MAIN, ...args], { cwd: opts.cwd, reject: false, stdin: 'ignore' });
  let stderr = '';
  await new Promise<void>((resolve) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (pattern.test(stderr)) resolve();
    });
    void child.then(() => resolve());
  });
  // Wrapped: returning the child itself from an async function would await its exit.
  return { child };
}
