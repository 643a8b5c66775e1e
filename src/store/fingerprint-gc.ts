/**
 * `assay cache gc` for the cache's `fingerprints/` folder: the quick-check records a data listing
 * keeps (relative path -> size, mtime, sha256; written by src/data/sources/quick-check.ts), one
 * per data folder, rewritten at the end of every listing of that folder.
 *
 * A record is only an accelerator: without it a listing hashes every file again. Still, gc removes
 * only what is provably of no use, and never a record a listing may be using:
 *
 * - only files shaped like records (`<source>-<16 hex>.json` holding a version-1 record) and their
 *   temporary files (`<record>.<pid>.tmp`); nothing else in the folder is touched;
 * - a record is of no use when no file it lists is still there with its size and modification
 *   time (its folder is gone, or every file in it changed), or when it does not say which folder it
 *   describes (written by an older assay);
 * - a record or temporary file written within the last day is kept: a listing reads the record when
 *   it starts and rewrites it when it ends (the same day's grace gc gives temporary folders);
 * - with `olderThanMs`, only records not written for that long are removed.
 */
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';

const RECORD_NAME = /^[a-z][a-z0-9-]*-[0-9a-f]{16}\.json$/;
const TMP_NAME = /^([a-z][a-z0-9-]*-[0-9a-f]{16}\.json)\.\d+\.tmp$/;

export interface FingerprintGcOptions {
  readonly dryRun: boolean;
  readonly now: number;
  /** Records and temporary files younger than this may be in use by a listing. */
  readonly graceMs: number;
  readonly olderThanMs?: number;
}

export interface FingerprintGcResult {
  /** Records removed (or, with dryRun, that would be): file name, the folder it described (null when it does not say), bytes. */
  readonly removed: readonly { readonly file: string; readonly root: string | null; readonly bytes: number }[];
  readonly bytes: number;
  /** Records kept: some file they list is unchanged, or they were written too recently to be sure no listing uses them. */
  readonly kept: number;
  /** Day-old temporary files of interrupted listings removed (or that would be). */
  readonly tmp: number;
}

type Verdict = { readonly useful: true } | { readonly useful: false; readonly root: string | null };

/** Whether a record still describes some file as it is; null when the file is not a record. */
async function judge(text: string): Promise<Verdict | null> {
  let rec: { version?: unknown; root?: unknown; entries?: unknown };
  try {
    rec = JSON.parse(text) as typeof rec;
  } catch {
    return null;
  }
  if (typeof rec !== 'object' || rec === null || rec.version !== 1 || typeof rec.entries !== 'object' || rec.entries === null || Array.isArray(rec.entries)) return null;
  if (typeof rec.root !== 'string' || !path.isAbsolute(rec.root)) return { useful: false, root: null };
  const root = rec.root;
  if (!(await stat(root).then((s) => s.isDirectory(), () => false))) return { useful: false, root };
  for (const [ref, e] of Object.entries(rec.entries as Record<string, { size?: unknown; mtimeMs?: unknown }>)) {
    // NOTE: a listed path that would leave the folder cannot be one of its files: not looked at.
    const abs = path.resolve(root, ref), rel = path.relative(root, abs);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) continue;
    const s = await stat(abs).catch(() => null);
    if (s?.isFile() && s.size === e?.size && s.mtimeMs === e?.mtimeMs) return { useful: true };
  }
  return { useful: false, root };
}

/** Collect the records in `<cacheRoot>/fingerprints` that no longer describe any file. */
export async function collectFingerprints(cacheRoot: string, opts: FingerprintGcOptions): Promise<FingerprintGcResult> {
  const dir = path.join(cacheRoot, 'fingerprints');
  const removed: { file: string; root: string | null; bytes: number }[] = [];
  let kept = 0, tmp = 0;
  for (const name of (await readdir(dir).catch(() => [] as string[])).sort()) {
    const abs = path.join(dir, name);
    const isRecord = RECORD_NAME.test(name), isTmp = TMP_NAME.test(name);
    if (!isRecord && !isTmp) continue;
    const s = await stat(abs).catch(() => null);
    if (!s?.isFile()) continue;
    const age = opts.now - s.mtimeMs;
    if (isTmp) {
      if (age < opts.graceMs) continue;
      tmp++;
      if (!opts.dryRun) await rm(abs, { force: true });
      continue;
    }
    const verdict = await judge(await readFile(abs, 'utf8').catch(() => ''));
    if (verdict === null) continue;
    if (verdict.useful || age < opts.graceMs || (opts.olderThanMs !== undefined && age < opts.olderThanMs)) { kept++; continue; }
    // NOTE: removed only if it is still the file judged: a listing that rewrote it meanwhile wins.
    const again = await stat(abs).catch(() => null);
    if (again === null || again.mtimeMs !== s.mtimeMs || again.ino !== s.ino) { kept++; continue; }
    if (!opts.dryRun) await rm(abs, { force: true });
    removed.push({ file: name, root: verdict.root, bytes: s.size });
  }
  return { removed, bytes: removed.reduce((a, r) => a + r.bytes, 0), kept, tmp };
}
