import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { DEFAULT_MAX_FILE_BYTES, maxFileBytes, readFileBounded, readFileBoundedSync, readPipelineText } from '../../../src/data/read-file-bounded.js';

let dir: string;
beforeEach(async () => { dir = await mkdtemp(path.join(tmpdir(), 'assay-bounded-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

const posix = process.platform !== 'win32';

describe('readFileBounded', () => {
  it('reads a regular file, and one behind a symlink', async () => {
    await writeFile(path.join(dir, 'a.jpg'), 'abc');
    await symlink(path.join(dir, 'a.jpg'), path.join(dir, 'link.jpg'));
    expect((await readFileBounded(path.join(dir, 'a.jpg'))).toString()).toBe('abc');
    expect(readFileBoundedSync(path.join(dir, 'link.jpg')).toString()).toBe('abc');
    expect((await readFileBounded(path.join(dir, 'a.jpg'), 3)).toString()).toBe('abc');
  });

  it.runIf(posix)('refuses a FIFO at once instead of waiting for a writer', async () => {
    const fifo = path.join(dir, 'x.jpg');
    execFileSync('mkfifo', [fifo]);
    // Without O_NONBLOCK and the fstat check, both calls block forever (the test would time out).
    await expect(readFileBounded(fifo)).rejects.toThrow('not a regular file (a FIFO)');
    expect(() => readFileBoundedSync(fifo)).toThrow('not a regular file (a FIFO)');
  });

  it.runIf(posix)('refuses a symlink to /dev/zero without reading from it', async () => {
    const link = path.join(dir, 'zero.png');
    await symlink('/dev/zero', link);
    const before = process.memoryUsage().rss;
    await expect(readFileBounded(link)).rejects.toThrow('not a regular file (a character device)');
    expect(() => readFileBoundedSync(link)).toThrow('not a regular file (a character device)');
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('refuses a folder and a file over the bound, naming the size and how to raise it', async () => {
    await expect(readFileBounded(dir)).rejects.toThrow('not a regular file (a folder)');
    await writeFile(path.join(dir, 'big.png'), Buffer.alloc(11));
    await expect(readFileBounded(path.join(dir, 'big.png'), 10)).rejects.toThrow('11 bytes, more than the limit of 10 bytes per file (set ASSAY_MAX_FILE_BYTES to raise it)');
    expect(() => readFileBoundedSync(path.join(dir, 'big.png'), 10)).toThrow('11 bytes, more than the limit of 10 bytes per file');
  });

  it('takes its bound from ASSAY_MAX_FILE_BYTES, and refuses a value that is not a size', () => {
    expect(maxFileBytes({})).toBe(DEFAULT_MAX_FILE_BYTES);
    expect(DEFAULT_MAX_FILE_BYTES).toBe(64 * 1024 * 1024);
    expect(maxFileBytes({ ASSAY_MAX_FILE_BYTES: '1000' })).toBe(1000);
    expect(maxFileBytes({ ASSAY_MAX_FILE_BYTES: '512m' })).toBe(512 * 1024 * 1024);
    expect(maxFileBytes({ ASSAY_MAX_FILE_BYTES: '2G' })).toBe(2 * 1024 ** 3);
    expect(() => maxFileBytes({ ASSAY_MAX_FILE_BYTES: 'lots' })).toThrow(UsageError);
    expect(() => maxFileBytes({ ASSAY_MAX_FILE_BYTES: '0' })).toThrow('ASSAY_MAX_FILE_BYTES=0 is not a size');
  });

  it.runIf(posix)('reads a pipeline file, and says why a FIFO or a folder is not one', async () => {
    await writeFile(path.join(dir, 'p.yaml'), 'assay: 1\n');
    expect(await readPipelineText(path.join(dir, 'p.yaml'))).toBe('assay: 1\n');
    execFileSync('mkfifo', [path.join(dir, 'fifo.yaml')]);
    expect(await readPipelineText(path.join(dir, 'fifo.yaml'))).toEqual({ reason: 'not a regular file (a FIFO)' });
    expect(await readPipelineText(dir)).toEqual({ reason: 'not a regular file (a folder)' });
    expect(await readPipelineText(path.join(dir, 'nope.yaml'))).toEqual({ reason: 'no such file' });
  });
});
