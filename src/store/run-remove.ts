/**
 * Removing run folders on request: `assay runs rm RUN...` and `assay runs prune --incomplete`.
 * Only folders shaped like runs (`<runs>/<name>/<run-id>/`) are removed, never a running one; the
 * cache references of a removed run become stale, and the next `cache gc` drops them.
 */
import { rm } from 'node:fs/promises';
import { NotFoundError, UsageError } from '../core/errors.js';
import { RUN_ID } from './run-folder.js';
import { listRuns, resolveRun, type RunSummary } from './run-status.js';
import path from 'node:path';

export interface RemoveResult {
  readonly removed: readonly RunSummary[];
  readonly dryRun: boolean;
}

async function removeAll(runs: readonly RunSummary[], dryRun: boolean): Promise<RemoveResult> {
  for (const r of runs) {
    if (!RUN_ID.test(path.basename(r.dir))) throw new UsageError(`${r.dir} is not a run folder (its name is not a run id); not removed`);
    if (r.status === 'running') throw new UsageError(`run ${r.id} is still running (${r.detail}); not removed`);
  }
  if (!dryRun) for (const r of runs) await rm(r.dir, { recursive: true, force: true });
  return { removed: runs, dryRun };
}

/** Remove the named runs (ids, prefixes, labels, folders; `latest` too). Resolves every one before removing any. */
export async function removeRuns(runsDir: string, refs: readonly string[], opts: { dryRun?: boolean } = {}): Promise<RemoveResult> {
  const runs: RunSummary[] = [];
  for (const ref of refs) {
    const r = await resolveRun(runsDir, ref);
    if (!runs.some((x) => x.dir === r.dir)) runs.push(r);
  }
  return removeAll(runs, opts.dryRun ?? false);
}

/** Remove every run without a finished lock (incomplete, failed, interrupted); running ones stay. */
export async function pruneIncomplete(runsDir: string, opts: { dryRun?: boolean; name?: string } = {}): Promise<RemoveResult> {
  const all = await listRuns(runsDir);
  if (opts.name && !all.some((r) => r.name === opts.name)) throw new NotFoundError(`no runs of ${opts.name} under ${runsDir}`);
  const runs = all.filter((r) => r.status !== 'finished' && r.status !== 'running' && (!opts.name || r.name === opts.name));
  return removeAll(runs, opts.dryRun ?? false);
}
