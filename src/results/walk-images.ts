/**
 * The files `assay predict` scores: named files as given, folders walked recursively in sorted
 * order for image extensions. Paths that do not exist are returned as problems, not thrown.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

/** Extensions picked up when walking a folder (a file named explicitly is always taken). */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.jpg', '.jpeg', '.png', '.webp']);

export interface ImageListing {
  /**
   * Display path (as given, joined with the path inside a folder) and absolute path, in argument
   * order then sorted walk order; `problem` says why an argument cannot be read (it stays in place).
   */
  readonly files: readonly { readonly path: string; readonly abs: string; readonly problem: string | null }[];
  /** Folders that held no image files. */
  readonly empty: readonly string[];
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

type Entry = { path: string; abs: string; problem: string | null };

/**
 * Walk `dir` in sorted order. Symlinks are followed, except into a folder that is already being
 * walked (by real path, an ancestor of this one): a link back up the tree cannot loop. An entry with an image extension
 * that is not a regular file (a FIFO, a device, a dangling link) is listed too: reading it reports why.
 */
async function walk(dir: string, shown: string, out: Entry[], ancestors: ReadonlySet<string>): Promise<void> {
  const real = await realpath(dir).catch(() => dir);
  if (ancestors.has(real)) return;
  const inside = new Set([...ancestors, real]);
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => byName(a.name, b.name));
  for (const e of entries) {
    const abs = path.join(dir, e.name), disp = path.join(shown, e.name);
    let isDir = e.isDirectory();
    if (e.isSymbolicLink()) isDir = (await stat(abs).catch(() => null))?.isDirectory() ?? false;
    // NOTE: anything else is listed; the reader refuses what is not a regular file and says why.
    if (isDir) await walk(abs, disp, out, inside);
    else if (IMAGE_EXTENSIONS.has(path.extname(e.name).toLowerCase())) out.push({ path: disp, abs, problem: null });
  }
}

/** List the image files named by `inputs` (files or folders, resolved against `cwd`). Never throws for a missing path. */
export async function listImageFiles(inputs: readonly string[], cwd: string): Promise<ImageListing> {
  const files: Entry[] = [];
  const empty: string[] = [];
  for (const input of inputs) {
    const abs = path.resolve(cwd, input);
    const s = await stat(abs).catch((err: NodeJS.ErrnoException) => err);
    if (s instanceof Error) {
      files.push({ path: input, abs, problem: s.code === 'ENOENT' ? 'no such file or folder' : s.message });
    } else if (s.isDirectory()) {
      const before = files.length;
      await walk(abs, input, files, new Set());
      if (files.length === before) empty.push(input);
    } else {
      files.push({ path: input, abs, problem: null });
    }
  }
  return { files, empty };
}
