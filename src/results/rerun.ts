/**
 * `assay rerun`: run a finished run's exact pipeline again (its pipeline.yaml and its `--set`
 * overrides) with the cache bypassed, into a new run folder beside the original; optionally
 * compare the two bit for bit (see compare-runs.ts).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Progress } from '../stages/progress.js';
import { resolveRun } from '../store/run-status.js';
import { compareRuns, type RunComparison } from './compare-runs.js';
import { pipelineFile, readLock, type RunLock } from '../store/run-folder.js';

export interface RerunOptions {
  /** Run id (or unique prefix), run folder, `latest` or `NAME@latest`. */
  readonly ref: string;
  /** Where `ref` is looked up (default `runs` under the current folder). The new run goes beside the original. */
  readonly runsDir?: string;
  readonly cacheDir?: string;
  /** Folder that relative data paths resolve against; by default the current folder, or the original run's when the data is not found from here. */
  readonly cwd?: string;
  /** Compare the new run with the original afterwards. */
  readonly check?: boolean;
  readonly progress?: Progress;
}

export interface RerunResult {
  readonly original: { readonly id: string; readonly dir: string };
  readonly run: { readonly id: string; readonly dir: string };
  /** The folder the pipeline ran in (relative data paths resolved against it). */
  readonly cwd: string;
  /** Present with `check`. */
  readonly comparison: RunComparison | null;
}

function dataPath(lock: RunLock): { source: string; rel: string } | null {
  const data = (lock.pipeline as { data?: { source?: unknown; path?: unknown } } | undefined)?.data;
  if (!data || typeof data.path !== 'string' || path.isAbsolute(data.path)) return null;
  return { source: String(data.source), rel: data.source === 'csv' ? path.dirname(data.path) : data.path };
}

/**
 * The folder the original run ran in, recovered from the lock: the data root is recorded
 * absolute and the pipeline's data path relative, so the cwd is the root less that suffix.
 * Null when it cannot be recovered (no relative data path, or one with `..`).
 */
export function originalCwd(lock: RunLock): string | null {
  const d = dataPath(lock), root = lock.data?.root;
  if (!d || typeof root !== 'string') return null;
  const segments = path.normalize(d.rel).split(path.sep).filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) return null;
  let cwd = root;
  for (let i = 0; i < segments.length; i++) cwd = path.dirname(cwd);
  return path.resolve(cwd, d.rel) === path.resolve(root) ? cwd : null;
}

function chooseCwd(lock: RunLock, given: string | undefined): string {
  if (given) return path.resolve(given);
  const here = process.cwd();
  const d = dataPath(lock);
  if (!d || existsSync(path.resolve(here, d.rel))) return here;
  const then = originalCwd(lock);
  return then && existsSync(path.resolve(then, d.rel)) ? then : here;
}

/**
 * Rerun `ref`'s pipeline with `noCache: true` into a new folder under the original's runs folder.
 * Throws what runPipeline throws (InvalidPipelineError, StageError, ...) and NotFoundError for an
 * unknown run.
 */
export async function rerunRun(opts: RerunOptions): Promise<RerunResult> {
  const original = await resolveRun(path.resolve(opts.runsDir ?? 'runs'), opts.ref);
  const lock = await readLock(original.dir);
  const cwd = chooseCwd(lock, opts.cwd);
  const { runPipeline } = await import('../run/run-pipeline.js');
  const result = await runPipeline({
    file: pipelineFile(path.resolve(original.dir)),
    overrides: lock.overrides ?? [],
    noCache: true,
    runsDir: path.dirname(path.dirname(path.resolve(original.dir))),
    cacheDir: opts.cacheDir ? path.resolve(opts.cacheDir) : undefined,
    cwd,
    progress: opts.progress,
  });
  const comparison = opts.check ? await compareRuns(original.dir, result.dir) : null;
  return { original: { id: original.id, dir: original.dir }, run: { id: result.id, dir: result.dir }, cwd, comparison };
}
