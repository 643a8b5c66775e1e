/**
 * References from runs to cache entries, kept inside the cache so that every repository sharing
 * it is seen: `<cache>/refs/<runs-folder hash>/<run-id>.json` holds the run's folder and every key
 * it has looked up or stored. A run registers a key before reading or writing it, so a `gc`
 * running at the same time keeps it. A reference whose run folder no longer exists is stale.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sha256 } from './fingerprint.js';

/** Which run a reference belongs to: its runs folder (absolute), pipeline name and run id. */
export interface RunRef {
  readonly runsDir: string;
  readonly name: string;
  readonly run: string;
}

export interface RefFile extends RunRef {
  readonly keys: readonly string[];
}

/** The file holding `ref`'s keys inside the cache at `root`. */
export function refFile(root: string, ref: RunRef): string {
  return path.join(root, 'refs', sha256(path.resolve(ref.runsDir)).slice(0, 16), `${ref.name}--${ref.run}.json`);
}

/** The folder of the run a reference names. */
export function refRunDir(ref: RunRef): string {
  return path.join(ref.runsDir, ref.name, ref.run);
}

/** Keeps one run's reference file up to date; writes are atomic and serialized. */
export class RefWriter {
  private readonly keys = new Set<string>();
  private chain: Promise<void> = Promise.resolve();
  private readonly file: string;

  constructor(root: string, private readonly ref: RunRef) {
    this.file = refFile(root, ref);
  }

  async add(key: string): Promise<void> {
    if (this.keys.has(key)) return this.chain;
    this.keys.add(key);
    return this.write();
  }

  write(): Promise<void> {
    const body: RefFile = { runsDir: path.resolve(this.ref.runsDir), name: this.ref.name, run: this.ref.run, keys: [...this.keys].sort() };
    this.chain = this.chain.then(async () => {
      await mkdir(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(tmp, `${JSON.stringify(body)}\n`);
      await rename(tmp, this.file);
    });
    return this.chain;
  }
}

/** Every reference file in the cache at `root`, with whether its run folder still exists. */
export async function readRefs(root: string): Promise<{ file: string; ref: RefFile | null; live: boolean }[]> {
  const out: { file: string; ref: RefFile | null; live: boolean }[] = [];
  const base = path.join(root, 'refs');
  for (const group of await readdir(base).catch(() => [] as string[])) {
    for (const name of await readdir(path.join(base, group)).catch(() => [] as string[])) {
      const file = path.join(base, group, name);
      if (!name.endsWith('.json')) continue;
      let ref: RefFile | null = null;
      try {
        const r = JSON.parse(await readFile(file, 'utf8')) as Partial<RefFile>;
        if (typeof r.runsDir === 'string' && typeof r.name === 'string' && typeof r.run === 'string' && Array.isArray(r.keys)) ref = r as RefFile;
      } catch { /* unreadable: treated as stale */ }
      const live = ref !== null && (await stat(refRunDir(ref)).then((s) => s.isDirectory(), () => false));
      out.push({ file, ref, live });
    }
  }
  return out;
}

/** Remove a run's reference (when its folder is removed). */
export async function removeRef(root: string, ref: RunRef): Promise<void> {
  await rm(refFile(root, ref), { force: true });
}
