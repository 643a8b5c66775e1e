/**
 * The files `assay predict` scores: named files as given, folders walked recursively in sorted
 * order for image extensions. Paths that do not exist are returned as problems, not thrown.
 */
import { readdir, stat } from 'node:fs/promises';
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

async function walk(dir: string, shown: string, out: Entry[]): Promise<void> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => byName(a.name, b.name));
  for (const e of entries) {
    const abs = path.join(dir, e.name), disp = path.join(shown, e.name);
    let isDir = e.isDirectory(), isFile = e.isFile();
    if (e.isSymbolicLink()) {
      const s = await stat(abs).catch(() => null);
      isDir = s?.isDirectory() ?? false;
      isFile = s?.isFile() ?? false;
    }
    if (isDir) await walk(abs, disp, out);
    else if (isFile && IMAGE_EXTENSIONS.has(path.extname(e.name).toLowerCase())) out.push({ path: disp, abs, problem: null });
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
      await walk(abs, input, files);
      if (files.length === before) empty.push(input);
    } else {
      files.push({ path: input, abs, problem: null });
    }
  }
  return { files, empty };
}
