/**
 * Reading one data file, safely: only regular files (after following symlinks) are read, and at
 * most a bounded number of bytes. A FIFO named `x.jpg` would block a plain read forever and a
 * symlink to `/dev/zero` would fill memory; both are refused with a reason instead.
 *
 * The bound is {@link DEFAULT_MAX_FILE_BYTES} (64 MiB), overridable with the environment variable
 * `ASSAY_MAX_FILE_BYTES` (bytes, or with a k, m or g suffix: `512m`).
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { UsageError } from '../core/errors.js';

/** The most bytes read from one data file unless `ASSAY_MAX_FILE_BYTES` says otherwise. */
export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;

/** The environment variable that overrides {@link DEFAULT_MAX_FILE_BYTES}. */
export const MAX_FILE_BYTES_ENV = 'ASSAY_MAX_FILE_BYTES';

/** A file that was not read, and why (the message is the reason, e.g. "not a regular file (a FIFO)"). */
export class UnreadableFileError extends Error {
  constructor(message: string, readonly tooLarge = false) {
    super(message);
    this.name = 'UnreadableFileError';
  }
}

/**
 * The per-file byte bound: `ASSAY_MAX_FILE_BYTES` when set (a positive whole number of bytes,
 * optionally with a k/m/g suffix, powers of 1024), else the default.
 * @throws UsageError (exit 2) for a value that is not such a number.
 */
export function maxFileBytes(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[MAX_FILE_BYTES_ENV]?.trim();
  if (raw === undefined || raw === '') return DEFAULT_MAX_FILE_BYTES;
  const m = /^(\d+)\s*([kmg]?)i?b?$/i.exec(raw);
  const n = m ? Number(m[1]) * 1024 ** ' kmg'.indexOf((m[2] || ' ').toLowerCase()) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new UsageError(`${MAX_FILE_BYTES_ENV}=${raw} is not a size: write bytes as a whole number, optionally with k, m or g (e.g. 512m)`);
  }
  return n;
}

// NOTE: O_NONBLOCK makes opening a FIFO return at once (instead of waiting for a writer) so fstat
// can refuse it; on a regular file it changes nothing. Windows has no such flag and no FIFOs.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

function kind(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a file';
}

function check(st: Stats, limit: number): void {
  if (!st.isFile()) throw new UnreadableFileError(`not a regular file (${kind(st)})`);
  if (st.size > limit) throw tooLarge(st.size, limit);
}

function tooLarge(size: number | null, limit: number): UnreadableFileError {
  return new UnreadableFileError(`${size === null ? '' : `${size} bytes, `}more than the limit of ${limit} bytes per file (set ${MAX_FILE_BYTES_ENV} to raise it)`, true);
}

/** The next buffer size when `buf` is full: doubled, never past limit + 1 (one byte over proves "too large"). */
function grow(buf: Buffer, limit: number): Buffer {
  if (buf.length > limit) return buf;
  const next = Buffer.allocUnsafe(Math.min(limit + 1, Math.max(buf.length * 2, 64 * 1024)));
  buf.copy(next);
  return next;
}

/**
 * The bytes of `file` when it is a regular file (symlinks followed) of at most `limit` bytes.
 * @throws UnreadableFileError saying why not (not a regular file, too large); other errors (no
 * such file, permission) as Node raises them.
 */
export async function readFileBounded(file: string, limit = maxFileBytes()): Promise<Buffer> {
  const fh = await open(file, OPEN_FLAGS);
  try {
    const st = await fh.stat();
    check(st, limit);
    // NOTE: one byte more than the size, so a file that grew since fstat is noticed.
    let buf: Buffer = Buffer.allocUnsafe(Math.min(st.size, limit) + 1);
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        if (n > limit) throw tooLarge(null, limit);
        buf = grow(buf, limit);
      }
      const { bytesRead } = await fh.read(buf, n, buf.length - n, null);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    if (n > limit) throw tooLarge(null, limit);
    return buf.subarray(0, n);
  } finally {
    await fh.close();
  }
}

/** {@link readFileBounded}, synchronously (the decode workers read this way). */
export function readFileBoundedSync(file: string, limit = maxFileBytes()): Buffer {
  const fd = openSync(file, OPEN_FLAGS);
  try {
    const st = fstatSync(fd);
    check(st, limit);
    let buf: Buffer = Buffer.allocUnsafe(Math.min(st.size, limit) + 1);
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        if (n > limit) throw tooLarge(null, limit);
        buf = grow(buf, limit);
      }
      const bytesRead = readSync(fd, buf, n, buf.length - n, null);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    if (n > limit) throw tooLarge(null, limit);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** The most bytes of a pipeline file read (a pipeline is a few kilobytes). */
export const MAX_PIPELINE_BYTES = 16 * 1024 * 1024;

/** A pipeline file's text, or why it cannot be read (no such file, not a regular file, too large). */
export async function readPipelineText(file: string): Promise<string | { readonly reason: string }> {
  try {
    return (await readFileBounded(file, MAX_PIPELINE_BYTES)).toString('utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (e instanceof UnreadableFileError && e.tooLarge) return { reason: `it is larger than ${MAX_PIPELINE_BYTES} bytes (a pipeline is a few kilobytes)` };
    return { reason: code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (e as Error).message };
  }
}
