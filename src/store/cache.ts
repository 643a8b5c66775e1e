/**
 * Content-addressed stage cache. An entry is a folder `<root>/<stage>/<key[0..2]>/<key>/` with
 * the stage's artifact files, `fingerprint.json` (the record the key was made from) and
 * `manifest.json` (every file's size and sha256, plus the stage's small metadata), written LAST.
 *
 * Writes are atomic: an entry is built in `<root>/tmp/` on the same file system and renamed into
 * place, so a reader never sees half an entry, and two runs computing the same entry at once
 * both succeed (the second rename loses and its copy is dropped). A read trusts only an entry
 * whose manifest matches its files; anything else is reported, removed and treated as a miss.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { canonicalJson, type CacheKey, type FingerprintRecord } from './fingerprint.js';

export interface ManifestFile {
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
}

export interface Manifest {
  readonly stage: string;
  readonly key: string;
  readonly files: readonly ManifestFile[];
  /** Small JSON the stage returns with its artifact (counts, shapes, ...). */
  readonly meta: unknown;
}

export interface CacheEntry<M = unknown> {
  readonly dir: string;
  readonly key: CacheKey;
  readonly record: FingerprintRecord;
  readonly meta: M;
}

export interface CacheStatus {
  readonly root: string;
  readonly stages: readonly { readonly stage: string; readonly entries: number; readonly bytes: number }[];
  readonly entries: number;
  readonly bytes: number;
}

/** Default cache folder: `$ASSAY_CACHE_DIR`, else `<runsDir>/.cache`. */
export function defaultCacheDir(runsDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.ASSAY_CACHE_DIR ? path.resolve(env.ASSAY_CACHE_DIR) : path.join(runsDir, '.cache');
}

async function hashFile(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(path.join(dir, e.name), rel)));
    else if (e.isFile()) out.push(rel);
  }
  return out;
}

export class StageCache {
  readonly root: string;
  private readonly warn: (message: string) => void;

  constructor(root: string, opts: { warn?: (message: string) => void } = {}) {
    this.root = path.resolve(root);
    this.warn = opts.warn ?? ((m) => process.stderr.write(`warning: ${m}\n`));
  }

  entryDir(stage: string, key: CacheKey | string): string {
    return path.join(this.root, stage, key.slice(0, 2), key);
  }

  /** The entry for `key`, verified against its manifest; null on a miss or a corrupt entry (which is removed). */
  async lookup<M = unknown>(stage: string, key: CacheKey): Promise<CacheEntry<M> | null> {
    const dir = this.entryDir(stage, key);
    let manifest: Manifest;
    try {
      manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        // A folder without a manifest is a leftover of a crash: never trust it.
        if (await exists(dir)) await this.discard(dir, `cache entry ${stage}/${key.slice(0, 12)} has no manifest`);
        return null;
      }
      await this.discard(dir, `cache entry ${stage}/${key.slice(0, 12)} has an unreadable manifest`);
      return null;
    }
    const problem = await this.verify(dir, manifest, key);
    if (problem) {
      await this.discard(dir, `cache entry ${stage}/${key.slice(0, 12)} is corrupt (${problem})`);
      return null;
    }
    const record = JSON.parse(await readFile(path.join(dir, 'fingerprint.json'), 'utf8')) as FingerprintRecord;
    return { dir, key, record, meta: manifest.meta as M };
  }

  /**
   * Build an entry atomically: `build` writes the artifact files into a fresh temporary folder and
   * returns the metadata to keep; the manifest is written last and the folder renamed into place.
   */
  async store<M>(stage: string, key: CacheKey, record: FingerprintRecord, build: (dir: string) => Promise<M>): Promise<CacheEntry<M>> {
    const tmp = path.join(this.root, 'tmp', `${stage}-${key.slice(0, 12)}-${randomBytes(6).toString('hex')}`);
    await mkdir(tmp, { recursive: true });
    try {
      const meta = await build(tmp);
      await writeFile(path.join(tmp, 'fingerprint.json'), `${JSON.stringify(record, null, 2)}\n`);
      const files: ManifestFile[] = [];
      for (const rel of await listFiles(tmp)) {
        const abs = path.join(tmp, rel);
        files.push({ path: rel, size: (await stat(abs)).size, sha256: await hashFile(abs) });
      }
      const manifest: Manifest = { stage, key, files, meta };
      await writeFile(path.join(tmp, 'manifest.json'), canonicalJson(manifest));
      const dir = this.entryDir(stage, key);
      await mkdir(path.dirname(dir), { recursive: true });
      try {
        await rename(tmp, dir);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
        // Another run stored the same entry first; theirs is as good as ours if it verifies.
        await rm(tmp, { recursive: true, force: true });
        const theirs = await this.lookup<M>(stage, key);
        if (theirs) return theirs;
        // Theirs was corrupt and has been removed: build again.
        return await this.store(stage, key, record, build);
      }
      return { dir, key, record, meta };
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw err;
    }
  }

  /** Remove one entry (used by --no-cache, which recomputes and replaces it). */
  async remove(stage: string, key: CacheKey): Promise<void> {
    await rm(this.entryDir(stage, key), { recursive: true, force: true });
  }

  /** Entry counts and sizes per stage. */
  async status(): Promise<CacheStatus> {
    const stages: { stage: string; entries: number; bytes: number }[] = [];
    for (const stage of await safeReaddir(this.root)) {
      if (stage === 'tmp') continue;
      let entries = 0, bytes = 0;
      for (const shard of await safeReaddir(path.join(this.root, stage))) {
        for (const key of await safeReaddir(path.join(this.root, stage, shard))) {
          entries++;
          bytes += await folderBytes(path.join(this.root, stage, shard, key));
        }
      }
      stages.push({ stage, entries, bytes });
    }
    return { root: this.root, stages, entries: stages.reduce((a, s) => a + s.entries, 0), bytes: stages.reduce((a, s) => a + s.bytes, 0) };
  }

  /** Remove every entry whose key is not in `keep`, and stale temporary folders. */
  async gc(keep: ReadonlySet<string>): Promise<{ removed: number; bytes: number }> {
    let removed = 0, bytes = 0;
    for (const stage of await safeReaddir(this.root)) {
      if (stage === 'tmp') continue;
      for (const shard of await safeReaddir(path.join(this.root, stage))) {
        for (const key of await safeReaddir(path.join(this.root, stage, shard))) {
          if (keep.has(key)) continue;
          const dir = path.join(this.root, stage, shard, key);
          bytes += await folderBytes(dir);
          await rm(dir, { recursive: true, force: true });
          removed++;
        }
      }
    }
    await rm(path.join(this.root, 'tmp'), { recursive: true, force: true });
    return { removed, bytes };
  }

  private async verify(dir: string, manifest: Manifest, key: string): Promise<string | null> {
    if (manifest.key !== key) return 'manifest names another key';
    for (const f of manifest.files) {
      const abs = path.join(dir, f.path);
      let size: number;
      try {
        size = (await stat(abs)).size;
      } catch {
        return `${f.path} is missing`;
      }
      if (size !== f.size) return `${f.path} has ${size} bytes, manifest says ${f.size}`;
      if ((await hashFile(abs)) !== f.sha256) return `${f.path} does not match its checksum`;
    }
    return null;
  }

  private async discard(dir: string, message: string): Promise<void> {
    this.warn(`${message}; removed it and recomputing`);
    await rm(dir, { recursive: true, force: true });
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

async function safeReaddir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const rel of await listFiles(dir).catch(() => [] as string[])) total += (await stat(path.join(dir, rel))).size;
  return total;
}
