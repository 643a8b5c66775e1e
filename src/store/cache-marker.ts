/**
 * The mark that says "this folder is an assay stage cache": a `CACHEDIR.TAG` (the convention that
 * also tells backup tools to skip a folder) whose comment names assay. `assay cache gc` removes
 * nothing from a folder without it.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const CACHE_MARKER = 'CACHEDIR.TAG';
const SIGNATURE = 'Signature: 8a477f597d28d172789f06886806bc55';
const ASSAY_LINE = '# assay stage cache';
const MARKER_TEXT = `${SIGNATURE}\n${ASSAY_LINE} (format 1): \`assay cache gc\` removes entries only from folders marked so.\n# About cache directory tags: https://bford.info/cachedir/\n`;

/** Whether `root` holds assay's cache marker. */
export async function isCacheMarked(root: string): Promise<boolean> {
  try {
    const text = await readFile(path.join(root, CACHE_MARKER), 'utf8');
    return text.startsWith(SIGNATURE) && text.includes(ASSAY_LINE);
  } catch {
    return false;
  }
}

/**
 * Whether a folder's top level looks like an unmarked cache written by an older assay: only
 * `tmp`, `refs`, `fingerprints` and stage folders whose children are all two-hex-digit shards.
 */
async function looksLikeCache(root: string, names: readonly string[]): Promise<boolean> {
  for (const name of names) {
    if (name === 'tmp' || name === 'refs' || name === 'fingerprints') continue;
    let shards: string[];
    try {
      shards = await readdir(path.join(root, name));
    } catch {
      return false; // a file at the top level
    }
    if (!/^[a-z][a-z0-9-]*$/.test(name) || !shards.every((s) => /^[0-9a-f]{2}$/.test(s))) return false;
  }
  return true;
}

/**
 * Mark `root` as a cache when it is new, empty, or holds only what a cache holds (one made by an
 * older assay). Otherwise leave it unmarked and say why.
 */
export async function ensureCacheMarked(root: string): Promise<{ marked: true } | { marked: false; reason: string }> {
  if (await isCacheMarked(root)) return { marked: true };
  await mkdir(root, { recursive: true });
  const names = (await readdir(root)).filter((n) => n !== CACHE_MARKER);
  if (!(await looksLikeCache(root, names))) {
    return { marked: false, reason: 'it already holds files that are not cache entries' };
  }
  await writeFile(path.join(root, CACHE_MARKER), MARKER_TEXT);
  return { marked: true };
}
