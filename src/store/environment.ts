/**
 * What a run records about where it ran: Node and package versions, the machine, and the git
 * state of the folder holding the pipeline. None of it enters a cache key except the backend name.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { git } from './git.js';

const require = createRequire(import.meta.url);

/** Version of an installed package, or null when it is not installed. */
export function packageVersion(name: string): string | null {
  try {
    const main = require.resolve(name);
    let dir = path.dirname(main);
    for (let i = 0; i < 6; i++) {
      try {
        const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
        if (pkg.name === name) return pkg.version ?? null;
      } catch { /* keep walking up */ }
      dir = path.dirname(dir);
    }
  } catch { /* not installed */ }
  return null;
}

/** assay's own version (from its package.json). */
export function assayVersion(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const up of ['../..', '../../..']) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(here, up, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'assay') return pkg.version ?? '0.0.0';
    } catch { /* try the next */ }
  }
  return '0.0.0';
}

export interface GitState {
  readonly commit: string | null;
  readonly dirty: boolean | null;
  /** The pipeline file's path relative to the repository root. */
  readonly pipelinePath: string | null;
}

/** The git commit of the folder holding `file`, and whether the working tree differs from it. */
export async function gitState(file: string): Promise<GitState> {
  const cwd = path.dirname(path.resolve(file));
  try {
    const commit = (await git(['rev-parse', 'HEAD'], cwd)).trim();
    // NOTE: untracked files (run folders among them) do not make the tree dirty; changes to tracked ones do.
    const status = (await git(['status', '--porcelain', '--untracked-files=no'], cwd)).trim();
    const rel = (await git(['ls-files', '--full-name', '--', path.basename(file)], cwd)).trim();
    return { commit, dirty: status.length > 0, pipelinePath: rel || null };
  } catch {
    return { commit: null, dirty: null, pipelinePath: null };
  }
}

export interface Environment {
  readonly assay: string;
  readonly node: string;
  readonly platform: string;
  readonly arch: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly packages: Readonly<Record<string, string | null>>;
}

export function environment(): Environment {
  const cpus = os.cpus();
  return {
    assay: assayVersion(),
    node: process.version,
    platform: os.platform(),
    arch: os.arch(),
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    packages: Object.fromEntries(
      ['@tensorflow/tfjs', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'sharp', 'yaml', 'ajv'].map((p) => [p, packageVersion(p)]),
    ),
  };
}
