/** `assay cache status|gc`: what the stage cache holds, and removing what no run uses. */
import { readdir, stat } from 'node:fs/promises';
import { StageCache, type CacheStatus } from '../store/cache.js';
import { collectGarbage, type GcResult } from '../store/cache-gc.js';
import { readLockOrNull } from '../store/run-folder.js';
import { listRuns } from '../store/run-status.js';

/**
 * Why `cacheDir` cannot be a cache folder (it is a file, or cannot be read), or null when it can:
 * a folder that does not exist yet is fine, an empty cache (a run creates it).
 */
export async function cacheFolderProblem(cacheDir: string): Promise<string | null> {
  let kind: 'folder' | 'file' | 'other';
  try {
    const st = await stat(cacheDir);
    kind = st.isDirectory() ? 'folder' : st.isFile() ? 'file' : 'other';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ENOTDIR') return `${cacheDir}: a part of it is a file, not a folder`;
    return `cannot read ${cacheDir} (${code ?? String(err)})`;
  }
  if (kind === 'file') return `${cacheDir} is a file, not a folder`;
  if (kind === 'other') return `${cacheDir} is not a folder (a FIFO, socket or device)`;
  try {
    await readdir(cacheDir);
  } catch (err) {
    return `cannot read the folder ${cacheDir} (${(err as NodeJS.ErrnoException).code ?? String(err)})`;
  }
  return null;
}

/** Entries and bytes per stage; a cache folder that does not exist yet is an empty cache. */
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
