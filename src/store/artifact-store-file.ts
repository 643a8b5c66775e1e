/** Artifact store backend: a directory, local or shared (NFS, SMB), as `file:///mnt/assay-store`. */
import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../core/errors.js';
import type { BlobBackend } from './artifact-store.js';
import { writeFileAtomic } from './run-folder.js';

export function fileBackend(url: URL): BlobBackend {
  if (url.host !== '' && url.host !== 'localhost') throw new UsageError(`file store URLs name a local or mounted folder (file:///path), got ${url.href}`);
  const root = fileURLToPath(url);
  const at = (name: string) => path.join(root, ...name.split('/'));
  return {
    shown: url.href,
    async read(name) {
      try {
        return await readFile(at(name));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
    async write(name, bytes) {
      const file = at(name);
      await mkdir(path.dirname(file), { recursive: true });
      // NOTE: written beside its final name and renamed, so a reader never sees half a file.
      await writeFileAtomic(file, bytes);
    },
    async exists(name) {
      try {
        await stat(at(name));
        return true;
      } catch {
        return false;
      }
    },
  };
}
