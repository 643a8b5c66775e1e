/**
 * The `image-folder` source: one sub-folder per class, JPEG/PNG/WebP files (any case of extension),
 * walked recursively in sorted order. Item ids are sha256 of the file bytes (via the quick check).
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { BadItem, Inventory, Item } from '../../core/data.js';
import { DataError, type DataProblem } from '../../core/errors.js';
import type { ImageFolderData } from '../../core/spec.js';
import { similarFolderHint } from './check-paths.js';
import { hashFiles } from './quick-check.js';
import { classIndex, type ListOptions } from './common.js';

export const IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png', '.webp'];

/** What is at `p` (symlinks followed): a folder, something else, or nothing. */
async function kindAt(p: string): Promise<'folder' | 'other' | 'missing'> {
  try { return (await stat(p)).isDirectory() ? 'folder' : 'other'; } catch { return 'missing'; }
}

/**
 * Image files under `dir`, as paths relative to `root` with '/' separators, sorted. Symlinks to
 * folders are followed (as `assay predict` follows them), except into a folder already being
 * walked (by real path): a link back up the tree cannot loop.
 */
async function walk(root: string, dir: string, ancestors: ReadonlySet<string> = new Set()): Promise<string[]> {
  const real = await realpath(dir).catch(() => dir);
  if (ancestors.has(real)) return [];
  const inside = new Set([...ancestors, real]);
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const abs = path.join(dir, e.name);
    const isDir = e.isDirectory() || (e.isSymbolicLink() && (await kindAt(abs)) === 'folder');
    if (isDir) out.push(...(await walk(root, abs, inside)));
    else if (IMAGE_EXTENSIONS.includes(path.extname(e.name).toLowerCase())) out.push(path.relative(root, abs).split(path.sep).join('/'));
  }
  // NOTE: plain code-unit order, not locale order: the same on every machine.
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * List the class folders. Problems with the folders themselves (data.path missing or a file, a
 * class folder missing or empty, unreadable files under `on-error: fail`) are thrown as a
 * DataError located at `data.path` or `data.classes.<class>`, every one at once. Only regular files
 * are read (see read-file-bounded.ts); anything else with an image extension is reported as
 * unreadable, naming the file.
 */
export async function listImageFolder(spec: ImageFolderData, opts: ListOptions): Promise<Inventory> {
  const root = path.resolve(opts.cwd, spec.path);
  const classes = Object.keys(spec.classes);
  const positive = classIndex(classes, spec.positive);
  const rootKind = await kindAt(root);
  if (rootKind !== 'folder') {
    const message = rootKind === 'missing' ? `image folder ${spec.path} does not exist (resolved to ${root})` : `data.path ${spec.path} is a file, not a folder of class folders`;
    throw DataError.at('data.missing', 'data.path', message, [root]);
  }
  const problems: DataProblem[] = [];
  const perClass: string[][] = [];
  for (const cls of classes) {
    const dir = path.join(root, spec.classes[cls]!);
    const at = `data.classes.${cls}`;
    const kind = await kindAt(dir);
    if (kind !== 'folder') {
      const where = kind === 'missing' ? `is missing under ${spec.path}${await similarFolderHint(root, spec.classes[cls]!)}` : `is a file, not a folder under ${spec.path}`;
      problems.push({ at, message: `class ${cls}: folder ${spec.classes[cls]}/ ${where}` });
      perClass.push([]);
      continue;
    }
    let files: string[];
    try {
      files = await walk(root, dir);
    } catch (err) {
      // NOTE: a folder under the class folder that cannot be listed (permissions, removed while walked) is the class's problem, named there.
      const e = err as NodeJS.ErrnoException;
      const where = typeof e.path === 'string' ? path.relative(root, e.path).split(path.sep).join('/') || '.' : `${spec.classes[cls]}`;
      problems.push({ at, message: `class ${cls}: folder ${where}/ cannot be listed (${e.code === 'EACCES' ? 'permission denied' : e.code ?? e.message})` });
      perClass.push([]);
      continue;
    }
    if (files.length === 0) problems.push({ at, message: `class ${cls}: folder ${spec.classes[cls]}/ holds no ${IMAGE_EXTENSIONS.join('/')} files` });
    perClass.push(files);
  }
  if (problems.length > 0) {
    const code = problems.some((p) => p.message.includes('cannot be listed')) ? 'data.unreadable' : problems.some((p) => !p.message.includes('holds no')) ? 'data.missing' : 'data.empty-class';
    throw new DataError(code, `image folder ${spec.path}: ${problems.map((p) => p.message).join('; ')}`, problems.map((p) => p.message), problems);
  }
  const refs = perClass.flat();
  const labels = perClass.flatMap((files, k) => files.map(() => k));
  const { outcomes } = await hashFiles(root, refs, opts.fingerprintCache, opts.progress);
  const items: Item[] = [];
  const skipped: BadItem[] = [];
  const skippedLabels: number[] = [];
  outcomes.forEach((o, i) => {
    if (o.sha256 === null) { skipped.push({ ref: o.ref, reason: o.reason ?? 'cannot read' }); skippedLabels.push(labels[i]!); }
    else items.push({ id: o.sha256, ref: o.ref, label: labels[i]! });
  });
  // NOTE: a class left without one readable file is refused whatever on-error says.
  const unreadableClasses = classes.flatMap((cls, k) => (perClass[k]!.length > 0 && items.every((it) => it.label !== k)
    ? [{ at: `data.classes.${cls}`, message: `class ${cls} has no readable image: ${unreadableText(skipped.filter((_, j) => skippedLabels[j] === k))}` }]
    : []));
  if (unreadableClasses.length > 0) {
    throw new DataError('data.empty-class', unreadableClasses.map((p) => p.message).join('; '), unreadableClasses.map((p) => p.message), unreadableClasses);
  }
  if (skipped.length > 0 && spec.onError === 'fail') {
    const located = classes.flatMap((cls, k) => {
      const bad = skipped.filter((_, j) => skippedLabels[j] === k);
      return bad.length === 0 ? [] : [{ at: `data.classes.${cls}`, message: `class ${cls}: ${unreadableText(bad)} (set data.on-error: skip to leave them out)` }];
    });
    throw new DataError('data.unreadable', `${skipped.length} file(s) in ${spec.path} cannot be read`, skipped.map((b) => `${b.ref}: ${b.reason}`), located);
  }
  return { classes, positive, items, skipped };
}

/** `a.jpg (reason), b.jpg (reason) and 3 more`: the first five files named. */
export function namedFiles(bad: readonly BadItem[]): string {
  const shown = bad.slice(0, 5).map((b) => `${b.ref} (${b.reason.replace(/^cannot read: /, '')})`).join(', ');
  return bad.length > 5 ? `${shown} and ${bad.length - 5} more` : shown;
}

/** `2 files cannot be read: a.jpg (reason), b.jpg (reason)`. */
export function unreadableText(bad: readonly BadItem[], verb = 'cannot be read'): string {
  return `${bad.length} file${bad.length === 1 ? '' : 's'} ${verb}: ${namedFiles(bad)}`;
}
