/**
 * Content-addressed stage cache. An entry is a folder `<root>/<stage>/<key[0..2]>/<key>/` with
 * the stage's artifact files, `fingerprint.json` (the record the key was made from) and
 * `manifest.json` (every file's size and sha256, plus the stage's small metadata), written LAST.
 *
 * Writes are atomic: an entry is built in `<root>/tmp/` on the same file system and renamed into
 * place, so a reader never sees half an entry, and two runs computing the same entry at once
 * both succeed (the second rename loses and its copy is dropped). A read trusts only an entry
 * whose manifest matches its files; anything else is reported, removed and treated as a miss.
 *
 * A cache folder is marked as one when created (`CACHEDIR.TAG`, which also tells backup tools to
 * skip it), and a run registers every key it uses under `refs/` (see cache-refs.ts), so that
 * `assay cache gc` (cache-gc.ts) only ever removes what is an entry and what no live run uses.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { canonicalJson, type CacheKey, type FingerprintRecord } from './fingerprint.js';
import { RefWriter, type RunRef } from './cache-refs.js';
import { ensureCacheMarked } from './cache-marker.js';

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
  /** False for a result kept for this run only (`store`'s `publish` said no): it lives in `tmp/` until `discardScratch`. */
  readonly stored: boolean;
}

/** The shape of a key (sha256 hex) and of its shard folder. */
export const KEY_SHAPE = /^[0-9a-f]{64}$/;
const SHARD_SHAPE = /^[0-9a-f]{2}$/;
/** Top-level folders of a cache that hold no entries. */
export const CACHE_SPECIAL = new Set(['tmp', 'refs', 'fingerprints']);

/** One entry found by shape: `<stage>/<key[0..2]>/<key>/` holding a manifest that names that stage and key. */
export interface FoundEntry {
  readonly stage: string;
  readonly key: string;
  readonly dir: string;
  /** When the entry was last stored or restored (the manifest's mtime), ms since the epoch. */
  readonly lastUsed: number;
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

  private readonly refs: RefWriter | null;
  private readonly scratch = new Set<string>();

  /** `ref`: the run using this cache, which registers every key it looks up or stores. */
  constructor(root: string, opts: { warn?: (message: string) => void; ref?: RunRef } = {}) {
    this.root = path.resolve(root);
    this.warn = opts.warn ?? ((m) => process.stderr.write(`warning: ${m}\n`));
    this.refs = opts.ref ? new RefWriter(this.root, opts.ref) : null;
  }

  /**
   * Make sure the folder is marked as a cache (creating it when absent). A folder that exists,
   * is unmarked and holds anything but cache entries stays unmarked, with a warning: it is used,
   * but `assay cache gc` will refuse it.
   */
  async open(): Promise<void> {
    const r = await ensureCacheMarked(this.root);
    if (!r.marked) this.warn(`${this.root} is not marked as an assay cache (${r.reason}); using it, but \`assay cache gc\` will refuse to clean it`);
    await this.refs?.write();
  }

  /** Record that this run uses `key` (before reading or writing it, so a concurrent gc keeps it). */
  private async use(key: string): Promise<void> {
    await this.refs?.add(key);
  }

  /** Remove the results kept for this run only (`stored: false`) once the run folder is written. */
  async discardScratch(): Promise<void> {
    for (const dir of this.scratch) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    this.scratch.clear();
  }

  entryDir(stage: string, key: CacheKey | string): string {
    return path.join(this.root, stage, key.slice(0, 2), key);
  }

  /** The entry for `key`, verified against its manifest; null on a miss or a corrupt entry (which is removed). */
  async lookup<M = unknown>(stage: string, key: CacheKey): Promise<CacheEntry<M> | null> {
    await this.use(key);
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
    // The manifest's mtime says when the entry was last used (for `gc --older-than`).
    const now = new Date();
    await utimes(path.join(dir, 'manifest.json'), now, now).catch(() => undefined);
    return { dir, key, record, meta: manifest.meta as M, stored: true };
  }

  /**
   * Build an entry atomically: `build` writes the artifact files into a fresh temporary folder and
   * returns the metadata to keep; the manifest is written last and the folder renamed into place.
   * When `publish(meta)` says no, the entry stays in `tmp/` for this run (`stored: false`).
   */
  async store<M>(stage: string, key: CacheKey, record: FingerprintRecord, build: (dir: string) => Promise<M>, opts: { publish?: (meta: M) => boolean } = {}): Promise<CacheEntry<M>> {
    await this.use(key);
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
      if (opts.publish && !opts.publish(meta)) {
        this.scratch.add(tmp);
        return { dir: tmp, key, record, meta, stored: false };
      }
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
        return await this.store(stage, key, record, build, opts);
      }
      return { dir, key, record, meta, stored: true };
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw err;
    }
  }

  /** Remove one entry (used by --no-cache, which recomputes and replaces it). */
  async remove(stage: string, key: CacheKey): Promise<void> {
    await rm(this.entryDir(stage, key), { recursive: true, force: true });
  }

  /** Entry counts and sizes per stage (entries recognised by shape and manifest). */
  async status(): Promise<CacheStatus> {
    const byStage = new Map<string, { stage: string; entries: number; bytes: number }>();
    for (const e of await findEntries(this.root)) {
      const s = byStage.get(e.stage) ?? { stage: e.stage, entries: 0, bytes: 0 };
      s.entries++;
      s.bytes += await folderBytes(e.dir);
      byStage.set(e.stage, s);
    }
    const stages = [...byStage.values()];
    return { root: this.root, stages, entries: stages.reduce((a, s) => a + s.entries, 0), bytes: stages.reduce((a, s) => a + s.bytes, 0) };
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

/**
 * Every entry under `root`, recognised by shape: `<stage>/<shard>/<key>/manifest.json` where the
 * key is 64 hex digits, the shard its first two, and the manifest names that stage and key.
 * Anything else (a user's file, a crash leftover without a manifest) is not an entry.
 */
export async function findEntries(root: string): Promise<FoundEntry[]> {
  const out: FoundEntry[] = [];
  for (const stage of await safeReaddir(root)) {
    if (CACHE_SPECIAL.has(stage) || stage.startsWith('.')) continue;
    for (const shard of await safeReaddir(path.join(root, stage))) {
      if (!SHARD_SHAPE.test(shard)) continue;
      for (const key of await safeReaddir(path.join(root, stage, shard))) {
        if (!KEY_SHAPE.test(key) || !key.startsWith(shard)) continue;
        const dir = path.join(root, stage, shard, key);
        const file = path.join(dir, 'manifest.json');
        try {
          const m = JSON.parse(await readFile(file, 'utf8')) as Partial<Manifest>;
          if (m.key !== key || m.stage !== stage) continue;
          out.push({ stage, key, dir, lastUsed: (await stat(file)).mtimeMs });
        } catch { /* no manifest: not an entry */ }
      }
    }
  }
  return out;
}

export async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const rel of await listFiles(dir).catch(() => [] as string[])) total += (await stat(path.join(dir, rel))).size;
  return total;
}
