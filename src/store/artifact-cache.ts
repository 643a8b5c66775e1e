/**
 * A machine's local copy of artifacts it fetched from the store (a worker's cache): fetched once,
 * verified against its sha256 on every use, refetched when the local copy is damaged.
 */
import { link, mkdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { isHash, sha256Bytes, type ArtifactStore } from './artifact-store.js';
import { AssayError } from '../core/errors.js';
import { writeFileAtomic } from './run-folder.js';

export class ArtifactCache {
  readonly dir: string;

  constructor(dir: string, private readonly store: ArtifactStore) {
    this.dir = path.resolve(dir);
  }

  /** Path of the local, verified copy of `hash` (fetched from the store when absent or damaged). */
  async file(hash: string): Promise<string> {
    if (!isHash(hash)) throw new AssayError('artifact.hash', `not a sha256 artifact hash: ${JSON.stringify(String(hash).slice(0, 80))}`);
    const file = path.join(this.dir, 'objects', hash.slice(0, 2), hash);
    const local = await readFile(file).catch(() => null);
    if (local !== null && sha256Bytes(local) === hash) return file;
    const bytes = await this.store.get(hash);
    await writeAtomic(file, bytes);
    return file;
  }

  /**
   * Place verified copies of `files` (name -> hash) under one folder of this cache, as
   * `<dir>/<sub>/<name>` (hard links where the file system allows, copies otherwise).
   */
  async place(sub: string, files: Readonly<Record<string, string>>): Promise<string> {
    const folder = path.join(this.dir, sub);
    await mkdir(folder, { recursive: true });
    for (const [name, hash] of Object.entries(files)) {
      const dest = path.join(folder, name);
      const src = await this.file(hash);
      const existing = await stat(dest).catch(() => null);
      if (existing !== null) {
        if (sha256Bytes(await readFile(dest)) === hash) continue;
        await rm(dest, { force: true });
      }
      try {
        await link(src, dest);
      } catch {
        await writeAtomic(dest, await readFile(src));
      }
    }
    return folder;
  }
}

async function writeAtomic(file: string, bytes: Uint8Array): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, bytes);
}
