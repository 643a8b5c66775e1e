/**
 * `assay cache gc`: remove cache entries no run uses. What it may remove is narrow on purpose:
 *
 * - only from a folder marked as an assay cache (cache-marker.ts); anything else is refused;
 * - only entries recognised by shape and manifest (`findEntries`); other files are never touched;
 * - never an entry a live run refers to: a run registers its keys inside the cache (cache-refs.ts),
 *   so runs of every repository sharing the cache count; runs under the given runs folder that
 *   predate references count through their lock.json;
 * - with `olderThanMs`, only entries not used (stored or restored) for that long;
 * - temporary folders (`tmp/`) only when a day old, so a run in progress keeps its own;
 * - data fingerprint records (`fingerprints/`) that no longer describe any file, when a day old
 *   (fingerprint-gc.ts).
 */
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { AssayError } from '../core/errors.js';
import { findEntries, folderBytes } from './cache.js';
import { isCacheMarked } from './cache-marker.js';
import { readRefs } from './cache-refs.js';
import { collectFingerprints, type FingerprintGcResult } from './fingerprint-gc.js';

/** Temporary folders younger than this belong to runs that may still be going. */
export const TMP_GRACE_MS = 24 * 3600 * 1000;

export interface GcOptions {
  /** Keys to keep besides those live references name (e.g. from run locks). */
  readonly keep?: ReadonlySet<string>;
  /** List what would go; remove nothing. */
  readonly dryRun?: boolean;
  /** Remove only entries last used longer ago than this. */
  readonly olderThanMs?: number;
  /** Now, in ms since the epoch (tests pass a fixed clock). */
  readonly now?: number;
}

export interface GcResult {
  readonly root: string;
  readonly dryRun: boolean;
  /** Entries removed (or, with dryRun, that would be). */
  readonly removed: readonly { readonly stage: string; readonly key: string; readonly bytes: number }[];
  readonly bytes: number;
  /** Entries kept because a run refers to them. */
  readonly kept: number;
  /** Unreferenced entries kept because they were used more recently than `olderThanMs`. */
  readonly recent: number;
  /** Runs (with a folder) whose references were honoured. */
  readonly liveRuns: number;
  /** References whose run folder is gone (dropped, unless dryRun). */
  readonly staleRefs: number;
  /** Day-old temporary folders removed (or that would be). */
  readonly tmp: number;
  /** Data fingerprint records that no longer describe any file, removed (or that would be). */
  readonly fingerprints: FingerprintGcResult;
}

export class UnmarkedCacheError extends AssayError {
  constructor(root: string) {
    super('cache.unmarked', `${root} is not marked as an assay cache (no CACHEDIR.TAG written by assay): gc removes nothing from it. ` +
      'A cache is marked when a run creates it; a cache made by an older assay is marked by the next run that uses it, if it holds only cache entries.', 2);
  }
}

export async function collectGarbage(root: string, opts: GcOptions = {}): Promise<GcResult> {
  root = path.resolve(root);
  if (!(await isCacheMarked(root))) throw new UnmarkedCacheError(root);
  const now = opts.now ?? Date.now();
  const dryRun = opts.dryRun ?? false;
  // NOTE: entries are listed before references are read: a run registers a key before storing
  // it, so an entry listed here that a run is about to use is in that run's references below.
  const entries = await findEntries(root);
  const keep = new Set(opts.keep ?? []);
  let liveRuns = 0, staleRefs = 0;
  for (const r of await readRefs(root)) {
    if (r.live && r.ref) {
      liveRuns++;
      for (const k of r.ref.keys) keep.add(k);
    } else {
      staleRefs++;
      if (!dryRun) await rm(r.file, { force: true });
    }
  }
  const removed: { stage: string; key: string; bytes: number }[] = [];
  let kept = 0, recent = 0;
  for (const e of entries) {
    if (keep.has(e.key)) { kept++; continue; }
    if (opts.olderThanMs !== undefined && now - e.lastUsed < opts.olderThanMs) { recent++; continue; }
    const bytes = await folderBytes(e.dir);
    if (!dryRun) await rm(e.dir, { recursive: true, force: true });
    removed.push({ stage: e.stage, key: e.key, bytes });
  }
  let tmp = 0;
  const tmpDir = path.join(root, 'tmp');
  for (const name of await readdir(tmpDir).catch(() => [] as string[])) {
    const abs = path.join(tmpDir, name);
    const s = await stat(abs).catch(() => null);
    if (!s || now - s.mtimeMs < TMP_GRACE_MS) continue;
    tmp++;
    if (!dryRun) await rm(abs, { recursive: true, force: true });
  }
  const fingerprints = await collectFingerprints(root, { dryRun, now, graceMs: TMP_GRACE_MS, olderThanMs: opts.olderThanMs });
  return { root, dryRun, removed, bytes: removed.reduce((a, r) => a + r.bytes, 0), kept, recent, liveRuns, staleRefs, tmp, fingerprints };
}

/** Parse a duration like `30d`, `12h`, `90m` or `45s` into milliseconds; null when malformed. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(text.trim());
  if (!m) return null;
  const unit = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 }[m[2] as 's' | 'm' | 'h' | 'd' | 'w'];
  return Number(m[1]) * unit;
}
