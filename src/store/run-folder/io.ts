/**
 * The run folder's file primitives: atomic writes (temp + rename in the same folder, so a reader
 * sees the old file or the whole new one) and bounded reads that never throw for a missing,
 * unreadable or malformed file.
 */
import { randomBytes } from 'node:crypto';
import { readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { readFileBounded } from '../../data/read-file-bounded.js';

/** Write a file atomically (temp + rename in the same folder): a reader sees the old file or the whole new one. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}

/** Write `value` as indented JSON (two spaces) with a final line break, atomically. */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * A file's text, or null when it is missing or cannot be read.
 * NOTE: a run folder may come from someone else's repository: read only a regular, bounded file.
 */
export async function readTextOrNull(file: string): Promise<string | null> {
  try {
    return (await readFileBounded(file)).toString('utf8');
  } catch {
    return null;
  }
}

/** A file's bytes, or null when it is missing or cannot be read (regular, bounded files only). */
export async function readBytesOrNull(file: string): Promise<Buffer | null> {
  try {
    return await readFileBounded(file);
  } catch {
    return null;
  }
}

/** Parsed JSON, or null when the file is missing, unreadable or not JSON. The shape is the caller's claim. */
export async function readJson<T>(file: string): Promise<T | null> {
  const text = await readTextOrNull(file);
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

/** The names in `dir`, sorted; empty when it cannot be read. */
export async function safeReaddir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

/** Whether `file` exists and is a regular file (symlinks followed). */
export async function isFile(file: string): Promise<boolean> {
  return stat(file).then((s) => s.isFile(), () => false);
}

/** Whether `dir` exists and is a folder (symlinks followed). */
export async function isDirectory(dir: string): Promise<boolean> {
  return stat(dir).then((s) => s.isDirectory(), () => false);
}

/** Whether anything (file or folder) exists at `p` (symlinks followed). */
export async function exists(p: string): Promise<boolean> {
  return stat(p).then(() => true, () => false);
}
