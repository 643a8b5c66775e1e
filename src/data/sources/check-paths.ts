/**
 * The quick data check `assay validate` runs: the paths a pipeline names exist and are what they
 * should be (a folder of class folders, a CSV file), without listing or reading any image.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { DataProblem } from '../../core/errors.js';
import type { DataSpec } from '../../core/spec.js';

async function kindAt(p: string): Promise<'folder' | 'file' | 'other' | 'missing'> {
  try {
    const s = await stat(p);
    return s.isDirectory() ? 'folder' : s.isFile() ? 'file' : 'other';
  } catch {
    return 'missing';
  }
}

/**
 * A hint for a class folder that is missing: the folder beside it whose name differs only in case
 * or Unicode form (a name typed as `Négatif` while a Mac wrote it decomposed), or ''.
 */
export async function similarFolderHint(root: string, folder: string): Promise<string> {
  const fold = (s: string): string => s.normalize('NFC').toLowerCase();
  const parent = path.dirname(path.join(root, folder)), base = path.basename(folder);
  const names = await readdir(parent, { withFileTypes: true }).catch(() => []);
  const hit = names.find((e) => e.name !== base && fold(e.name) === fold(base) && (e.isDirectory() || e.isSymbolicLink()));
  if (!hit) return '';
  const why = hit.name.normalize('NFC') === base.normalize('NFC') ? 'the same letters in another Unicode form' : 'other upper/lower case';
  return ` (there is ${JSON.stringify(hit.name)}: ${why}; folder names must match exactly)`;
}

/** Every problem with the data paths of `data` (relative paths resolve against `cwd`), located at their keys. */
export async function checkDataPaths(data: DataSpec, cwd: string): Promise<DataProblem[]> {
  switch (data.source) {
    case 'synthetic-cracks': return [];
    case 'csv': {
      const file = path.resolve(cwd, data.path);
      const kind = await kindAt(file);
      if (kind === 'file') return [];
      const what = kind === 'missing' ? `does not exist (resolved to ${file})` : kind === 'folder' ? 'is a folder, not a CSV file' : 'is not a regular file';
      return [{ at: 'data.path', message: `CSV file ${data.path} ${what}` }];
    }
    case 'image-folder': {
      const root = path.resolve(cwd, data.path);
      const kind = await kindAt(root);
      if (kind === 'missing') return [{ at: 'data.path', message: `image folder ${data.path} does not exist (resolved to ${root})` }];
      if (kind !== 'folder') return [{ at: 'data.path', message: `data.path ${data.path} is a file, not a folder of class folders` }];
      const out: DataProblem[] = [];
      for (const [cls, folder] of Object.entries(data.classes)) {
        const k = await kindAt(path.join(root, folder));
        if (k !== 'folder') out.push({ at: `data.classes.${cls}`, message: `class ${cls}: folder ${folder}/ ${k === 'missing' ? `is missing under ${data.path}${await similarFolderHint(root, folder)}` : `is a file, not a folder under ${data.path}`}` });
      }
      return out;
    }
    default: return data satisfies never;
  }
}
