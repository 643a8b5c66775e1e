/** `assay cache status|gc`: what the stage cache holds, and removing what no run uses. */
import { StageCache, type CacheStatus } from '../store/cache.js';
import { collectGarbage, type GcResult } from '../store/cache-gc.js';
import { readLockOrNull } from '../store/run-folder.js';
import { listRuns } from '../store/run-status.js';

export async function cacheStatus(cacheDir: string): Promise<CacheStatus> {
  return new StageCache(cacheDir).status();
}

export interface CacheGcOptions {
  readonly dryRun?: boolean;
  readonly olderThanMs?: number;
  readonly now?: number;
}

/**
 * Remove the cache entries no run uses: every live run registers its keys inside the cache
 * (whatever repository it ran in); runs under `runsDir` written before that count through the
 * keys in their lock.json. Refuses a folder not marked as an assay cache (exit 2).
 */
export async function cacheGc(cacheDir: string, runsDir: string, opts: CacheGcOptions = {}): Promise<GcResult> {
  const keep = new Set<string>();
  for (const run of await listRuns(runsDir)) {
    const lock = await readLockOrNull(run.dir);
    for (const s of lock?.stages ?? []) keep.add(s.key);
    for (const k of lock?.trialKeys ?? []) keep.add(k);
  }
  return collectGarbage(cacheDir, { ...opts, keep });
}
