/**
 * The `image-folder` source: one sub-folder per class, JPEG/PNG/WebP files (any case of extension),
 * walked recursively in sorted order. Item ids are sha256 of the file bytes (via the quick check).
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { BadItem, Inventory, Item } from '../../core/data.js';
import { DataError } from '../../core/errors.js';
import type { ImageFolderData } from '../../core/spec.js';
import { hashFiles } from './quick-check.js';
import { classIndex, type ListOptions } from './common.js';

export const IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png', '.webp'];

async function isDir(p: string): Promise<boolean> {
  try { return (await stat(p)).isDirectory(); } catch { return false; }
}

/** Image files under `dir`, as paths relative to `root` with '/' separators, sorted. */
async function walk(root: string, dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const abs = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(root, abs)));
    else if (IMAGE_EXTENSIONS.includes(path.extname(e.name).toLowerCase())) out.push(path.relative(root, abs).split(path.sep).join('/'));
  }
  // NOTE: plain code-unit order, not locale order: the same on every machine.
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export async function listImageFolder(spec: ImageFolderData, opts: ListOptions): Promise<Inventory> {
  const root = path.resolve(opts.cwd, spec.path);
  const classes = Object.keys(spec.classes);
  const positive = classIndex(classes, spec.positive);
  if (!(await isDir(root))) throw new DataError('data.missing', `image folder ${spec.path} does not exist (resolved to ${root})`, [root]);
  const problems: string[] = [];
  const perClass: string[][] = [];
  for (const cls of classes) {
    const dir = path.join(root, spec.classes[cls]!);
    if (!(await isDir(dir))) { problems.push(`class ${cls}: folder ${spec.classes[cls]}/ is missing under ${spec.path}`); perClass.push([]); continue; }
    const files = await walk(root, dir);
    if (files.length === 0) problems.push(`class ${cls}: folder ${spec.classes[cls]}/ holds no ${IMAGE_EXTENSIONS.join('/')} files`);
    perClass.push(files);
  }
  if (problems.length > 0) throw new DataError(problems.some((p) => p.includes('missing')) ? 'data.missing' : 'data.empty-class', `image folder ${spec.path}: ${problems.join('; ')}`, problems);
  const refs = perClass.flat();
  const labels = perClass.flatMap((files, k) => files.map(() => k));
  const { outcomes } = await hashFiles(root, refs, opts.fingerprintCache, opts.progress);
  const items: Item[] = [];
  const skipped: BadItem[] = [];
  outcomes.forEach((o, i) => {
    if (o.sha256 === null) skipped.push({ ref: o.ref, reason: o.reason ?? 'cannot read' });
    else items.push({ id: o.sha256, ref: o.ref, label: labels[i]! });
  });
  if (skipped.length > 0 && spec.onError === 'fail') {
    throw new DataError('data.unreadable', `${skipped.length} file(s) in ${spec.path} cannot be read`, skipped.map((b) => `${b.ref}: ${b.reason}`));
  }
  return { classes, positive, items, skipped };
}
