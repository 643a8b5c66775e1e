/** `assay cache status|gc`: what the stage cache holds, and removing what no run refers to. */
import path from 'node:path';
import { StageCache, type CacheStatus } from '../store/cache.js';
import { listRuns, readJson } from '../store/run-folder.js';

export async function cacheStatus(cacheDir: string): Promise<CacheStatus> {
  return new StageCache(cacheDir).status();
}

/**
 * Remove every cache entry that no run folder's lock refers to (stage keys and trial keys).
 * Runs still in progress keep what they wrote only once their lock is written; run gc when no
 * run is in progress.
 */
export async function cacheGc(cacheDir: string, runsDir: string): Promise<{ removed: number; bytes: number; kept: number }> {
  const keep = new Set<string>();
  for (const run of await listRuns(runsDir)) {
    const lock = await readJson<{ stages?: { key: string }[]; trialKeys?: string[] }>(path.join(run.dir, 'lock.json'));
    for (const s of lock?.stages ?? []) keep.add(s.key);
    for (const k of lock?.trialKeys ?? []) keep.add(k);
  }
  const result = await new StageCache(cacheDir).gc(keep);
  return { ...result, kept: keep.size };
}
