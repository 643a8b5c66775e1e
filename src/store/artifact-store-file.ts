/** Artifact store backend: a directory, local or shared (NFS, SMB), as `file:///mnt/assay-store`. */
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssayError, UsageError } from '../core/errors.js';
import { readFileBounded, UnreadableFileError } from '../data/read-file-bounded.js';
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
        // NOTE: a shared folder is input: only a regular file, bounded like any file assay reads (a FIFO would hang a pull).
        return await readFileBounded(at(name));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        if (err instanceof UnreadableFileError) throw new AssayError('store.unreadable', `the store ${url.href} holds ${name}, which cannot be read: ${err.message}`, 2);
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
