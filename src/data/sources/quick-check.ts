/**
 * The quick check: a JSON record of (relative path -> size, mtimeMs, sha256) so a re-listing
 * re-hashes only files whose size or modification time changed (DVC's "slow status on many small
 * files", avoided). A missing or unreadable record just means everything is hashed again.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { maxFileBytes, readFileBounded } from '../read-file-bounded.js';

interface Entry { readonly size: number; readonly mtimeMs: number; readonly sha256: string }
/** `root`: the folder the paths are relative to, so `assay cache gc` can tell a record whose files are gone. */
interface Record_ { readonly version: 1; readonly root?: string; readonly entries: Readonly<Record<string, Entry>> }

export interface HashOutcome {
  readonly ref: string;
  /** sha256 hex of the bytes, or null when the file could not be read. */
  readonly sha256: string | null;
  readonly reason?: string;
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

async function loadRecord(file: string | undefined): Promise<Record<string, Entry>> {
  if (!file) return {};
  try {
    const rec = JSON.parse(await readFile(file, 'utf8')) as Record_;
    return rec.version === 1 && rec.entries && typeof rec.entries === 'object' ? { ...rec.entries } : {};
  } catch {
    return {};
  }
}

/**
 * sha256 of every file `root/ref`, reusing the record in `cacheFile` for files whose size and
 * mtime are unchanged, then rewriting the record (atomically) with exactly these files.
 * Returns outcomes in the order of `refs`; `hashed` counts the files actually read.
 */
export async function hashFiles(root: string, refs: readonly string[], cacheFile: string | undefined, progress?: (done: number, total: number) => void): Promise<{ outcomes: HashOutcome[]; hashed: number }> {
  const limit = maxFileBytes();
  const old = await loadRecord(cacheFile);
  const next: Record<string, Entry> = {};
  const outcomes: HashOutcome[] = new Array(refs.length);
  let hashed = 0, done = 0, cursor = 0;
  const work = async (): Promise<void> => {
    while (cursor < refs.length) {
      const i = cursor++, ref = refs[i]!, abs = path.join(root, ref);
      try {
        const st = await stat(abs);
        const prev = old[ref];
        let sha: string;
        // NOTE: only a regular file within the bound may reuse its record; readFileBounded refuses the rest.
        if (prev && st.isFile() && st.size <= limit && prev.size === st.size && prev.mtimeMs === st.mtimeMs) sha = prev.sha256;
        else { sha = sha256Hex(await readFileBounded(abs, limit)); hashed++; }
        next[ref] = { size: st.size, mtimeMs: st.mtimeMs, sha256: sha };
        outcomes[i] = { ref, sha256: sha };
      } catch (err) {
        outcomes[i] = { ref, sha256: null, reason: `cannot read: ${(err as Error).message}` };
      }
      done++;
      if (progress && (done % 256 === 0 || done === refs.length)) progress(done, refs.length);
    }
  };
  await Promise.all(Array.from({ length: 16 }, work));
  if (cacheFile) {
    try {
      await mkdir(path.dirname(cacheFile), { recursive: true });
      const sorted = Object.fromEntries(Object.keys(next).sort().map((k) => [k, next[k]!]));
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify({ version: 1, root: path.resolve(root), entries: sorted } satisfies Record_));
      await rename(tmp, cacheFile);
    } catch {
      // NOTE: the record is only an accelerator; failing to write it must not fail the listing.
    }
  }
  return { outcomes, hashed };
}
