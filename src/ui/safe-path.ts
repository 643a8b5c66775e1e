/**
 * Mapping a request path onto a file inside one run folder, refusing everything else: `.` and `..`
 * segments (also percent-encoded), encoded slashes and backslashes, NUL, hidden names, names that
 * are not run folders, and symbolic links anywhere below the runs folder. The raw request path is
 * split before any normalisation, so `/runs/a/%2e%2e/...` is refused, not resolved.
 */
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { RUN_ID } from '../store/run-folder.js';

/** Split a raw URL path (no query) into decoded segments; null when any segment is unsafe. */
export function safeSegments(rawPath: string): string[] | null {
  if (!rawPath.startsWith('/')) return null;
  const out: string[] = [];
  for (const raw of rawPath.slice(1).split('/')) {
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (seg === '' || seg === '.' || seg === '..' || /[/\\\0]/.test(seg)) return null;
    out.push(seg);
  }
  return out;
}

/** Whether `name/id` names a run folder by shape (pipeline names and run ids only). */
export function isRunKey(name: string, id: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name) && RUN_ID.test(id);
}

/**
 * The regular file `runsDir/name/id/...rest`, or null when it is not one: a missing file, a
 * folder, or a symbolic link at any level below `runsDir`. Hidden names are refused too.
 */
export async function runFile(runsDir: string, name: string, id: string, rest: readonly string[]): Promise<string | null> {
  if (!isRunKey(name, id) || rest.length === 0 || rest.some((s) => s.startsWith('.') || /[/\\\0]/.test(s) || s === '..')) return null;
  let cur = runsDir;
  const parts = [name, id, ...rest];
  for (const [k, part] of parts.entries()) {
    cur = path.join(cur, part);
    let st;
    try {
      st = await lstat(cur);
    } catch {
      return null;
    }
    if (st.isSymbolicLink()) return null;
    if (k < parts.length - 1 ? !st.isDirectory() : !st.isFile()) return null;
  }
  // Belt and braces: the joined path must still lie inside the runs folder.
  return path.relative(runsDir, cur).startsWith('..') ? null : cur;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8', '.md': 'text/markdown; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.json': 'application/json; charset=utf-8', '.jsonl': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8', '.yaml': 'text/plain; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
};

/** Content type by extension; unknown files are served as bytes to download, never rendered. */
export function contentType(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}
