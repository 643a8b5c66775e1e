import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImageFolderData } from '../../../../src/core/spec.js';
import { DataError } from '../../../../src/core/errors.js';
import { listInventory } from '../../../../src/data/sources/index.js';
import { decodeImages } from '../../../../src/data/decode.js';

// sha256 of the literal file contents written below.
const SHA = {
  'img-a': '4565512f6f7e64f98a4a519536e69c3b078d04389def4f6b707065e0ccb7ff03',
  'img-b': '151e37f266d507a36f8bb3f6fa034396d9e7f87e78e64e34b4c4301d0ed6ab32',
  'img-c': '403ee49e0105fb60951dcddba2ef895041c5459993211b07a3c1e93b841c3bb1',
  'img-b2': '28c5e51a41a1fe3fc776a4a14e502b1e18436546422a14f6c0554acb77226cca',
};

const spec = (over: Partial<ImageFolderData> = {}): ImageFolderData => ({
  source: 'image-folder', path: 'data', classes: { crack: 'Positive', clean: 'Negative' }, positive: 'crack', onError: 'fail', duplicates: 'report', ...over,
});

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(path.join(tmpdir(), 'assay-folder-'));
  await mkdir(path.join(cwd, 'data', 'Positive', 'sub'), { recursive: true });
  await mkdir(path.join(cwd, 'data', 'Negative'), { recursive: true });
  await writeFile(path.join(cwd, 'data', 'Positive', 'b.JPG'), 'img-b');
  await writeFile(path.join(cwd, 'data', 'Positive', 'sub', 'a.png'), 'img-a');
  await writeFile(path.join(cwd, 'data', 'Positive', 'notes.txt'), 'ignored');
  await writeFile(path.join(cwd, 'data', 'Positive', '.hidden.jpg'), 'ignored');
  await writeFile(path.join(cwd, 'data', 'Negative', 'c.webp'), 'img-c');
});
afterEach(async () => { await rm(cwd, { recursive: true, force: true }); });

describe('listInventory: image-folder', () => {
  it('lists classes in declaration order, refs sorted, ids = sha256 of the bytes', async () => {
    const { inventory, fingerprint } = await listInventory(spec(), { cwd });
    expect(inventory.classes).toEqual(['crack', 'clean']);
    expect(inventory.positive).toBe(0);
    expect(inventory.items).toEqual([
      { id: SHA['img-b'], ref: 'Positive/b.JPG', label: 0 },
      { id: SHA['img-a'], ref: 'Positive/sub/a.png', label: 0 },
      { id: SHA['img-c'], ref: 'Negative/c.webp', label: 1 },
    ]);
    expect(inventory.skipped).toEqual([]);
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const again = await listInventory(spec(), { cwd });
    expect(again.fingerprint).toBe(fingerprint);
  });

  it.runIf(process.platform !== 'win32')('follows links to files and to folders anywhere (a dataset made of links), and walks a looping link once', async () => {
    await mkdir(path.join(cwd, 'elsewhere', 'more'), { recursive: true });
    await writeFile(path.join(cwd, 'elsewhere', 'more', 'd.png'), 'img-b2');
    await symlink(path.join(cwd, 'elsewhere'), path.join(cwd, 'data', 'Positive', 'linked'));
    await symlink(path.join(cwd, 'data', 'Positive'), path.join(cwd, 'data', 'Positive', 'sub', 'loop'));
    await symlink(path.join(cwd, 'data', 'Negative', 'c.webp'), path.join(cwd, 'data', 'Positive', 'e.webp'));
    const { inventory } = await listInventory(spec(), { cwd });
    expect(inventory.items.filter((i) => i.label === 0).map((i) => [i.ref, i.id])).toEqual([
      ['Positive/b.JPG', SHA['img-b']],
      ['Positive/e.webp', SHA['img-c']],
      ['Positive/linked/more/d.png', SHA['img-b2']],
      ['Positive/sub/a.png', SHA['img-a']],
    ]);
  });

  it('re-hashes only files whose size or mtime changed (quick-check record)', async () => {
    const cache = path.join(cwd, 'cache', 'fp.json');
    await listInventory(spec(), { cwd, fingerprintCache: cache });
    const rec = JSON.parse(await readFile(cache, 'utf8'));
    expect(Object.keys(rec.entries)).toEqual(['Negative/c.webp', 'Positive/b.JPG', 'Positive/sub/a.png']);
    // Poison the record for an unchanged file: a listing that trusts the record returns the poisoned id.
    rec.entries['Negative/c.webp'].sha256 = 'f'.repeat(64);
    await writeFile(cache, JSON.stringify(rec));
    // Change a file's content (same size) and move its mtime: it must be re-hashed.
    const b = path.join(cwd, 'data', 'Positive', 'b.JPG');
    await writeFile(b, 'img-b2');
    await utimes(b, new Date(2001, 1, 1), new Date(2001, 1, 1));
    const { inventory, fingerprint } = await listInventory(spec(), { cwd, fingerprintCache: cache });
    expect(inventory.items.map((i) => i.id)).toEqual([SHA['img-b2'], SHA['img-a'], 'f'.repeat(64)]);
    const fresh = await listInventory(spec(), { cwd });
    expect(fresh.inventory.items[2]!.id).toBe(SHA['img-c']);
    expect(fresh.fingerprint).not.toBe(fingerprint);
  });

  it('treats an unreadable cache record as empty', async () => {
    const cache = path.join(cwd, 'fp.json');
    await writeFile(cache, '{not json');
    const { inventory } = await listInventory(spec(), { cwd, fingerprintCache: cache });
    expect(inventory.items[0]!.id).toBe(SHA['img-b']);
  });

  it('names every missing folder at once', async () => {
    const err = await listInventory(spec({ classes: { crack: 'Positive', clean: 'Nope', other: 'Gone' }, positive: 'crack' }), { cwd }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect(err).toMatchObject({ code: 'data.missing', details: [expect.stringContaining('Nope/'), expect.stringContaining('Gone/')] });
    await expect(listInventory(spec({ path: 'elsewhere' }), { cwd })).rejects.toMatchObject({ code: 'data.missing', message: expect.stringContaining('elsewhere') });
  });

  it('rejects an empty class folder', async () => {
    await mkdir(path.join(cwd, 'data', 'Empty'));
    await writeFile(path.join(cwd, 'data', 'Empty', 'readme.md'), 'no images');
    await expect(listInventory(spec({ classes: { crack: 'Positive', clean: 'Empty' } }), { cwd })).rejects.toMatchObject({ code: 'data.empty-class', details: [expect.stringContaining('class clean')] });
  });

  it('lists a corrupt JPEG (bytes hash fine); decoding reports it, and every bad file at once', async () => {
    await writeFile(path.join(cwd, 'data', 'Negative', 'garbage.jpg'), 'definitely not a jpeg');
    await writeFile(path.join(cwd, 'data', 'Positive', 'trunc.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xdb]));
    for (const onError of ['fail', 'skip'] as const) {
      const { inventory } = await listInventory(spec({ onError }), { cwd });
      expect(inventory.items.map((i) => i.ref)).toContain('Negative/garbage.jpg');
      const { bad } = await decodeImages(spec({ onError }), path.join(cwd, 'data'), inventory.items, [{ kind: 'resize', width: 4, height: 4, fit: 'fill' }]);
      // Every listed file here is undecodable: the caller applies the policy to this complete list.
      expect(bad.map((b) => b.ref)).toEqual(['Positive/b.JPG', 'Positive/sub/a.png', 'Positive/trunc.jpg', 'Negative/c.webp', 'Negative/garbage.jpg']);
    }
  });

  it('unreadable files: fail names every one, skip lists them in inventory.skipped', async () => {
    await symlink(path.join(cwd, 'nowhere-1.jpg'), path.join(cwd, 'data', 'Positive', 'dangling-1.jpg'));
    await symlink(path.join(cwd, 'nowhere-2.jpg'), path.join(cwd, 'data', 'Negative', 'dangling-2.jpg'));
    await expect(listInventory(spec(), { cwd })).rejects.toMatchObject({
      code: 'data.unreadable', details: [expect.stringMatching(/^Positive\/dangling-1\.jpg: cannot read/), expect.stringMatching(/^Negative\/dangling-2\.jpg: cannot read/)],
    });
    const { inventory } = await listInventory(spec({ onError: 'skip' }), { cwd });
    expect(inventory.skipped.map((b) => b.ref)).toEqual(['Positive/dangling-1.jpg', 'Negative/dangling-2.jpg']);
    expect(inventory.items).toHaveLength(3);
  });

  it('locates folder problems at data.path and data.classes.<class>', async () => {
    const err = await listInventory(spec({ classes: { crack: 'Positive', clean: 'Nope' } }), { cwd }).catch((e: unknown) => e) as DataError;
    expect(err.exitCode).toBe(2);
    expect(err.problems).toEqual([{ at: 'data.classes.clean', message: 'class clean: folder Nope/ is missing under data' }]);
    const cased = await listInventory(spec({ classes: { crack: 'Positive', clean: 'negative' } }), { cwd }).catch((e: unknown) => e) as DataError;
    expect(cased.problems).toEqual([{ at: 'data.classes.clean', message: 'class clean: folder negative/ is missing under data (there is "Negative": other upper/lower case; folder names must match exactly)' }]);
    await writeFile(path.join(cwd, 'afile'), 'x');
    await expect(listInventory(spec({ path: 'afile' }), { cwd })).rejects.toMatchObject({
      exitCode: 2, problems: [{ at: 'data.path', message: 'data.path afile is a file, not a folder of class folders' }],
    });
    await expect(listInventory(spec({ path: 'elsewhere' }), { cwd })).rejects.toMatchObject({ problems: [{ at: 'data.path', message: expect.stringMatching(/^image folder elsewhere does not exist/) }] });
    await mkdir(path.join(cwd, 'data', 'Empty'));
    await expect(listInventory(spec({ classes: { crack: 'Positive', clean: 'Empty' } }), { cwd })).rejects.toMatchObject({
      code: 'data.empty-class', problems: [{ at: 'data.classes.clean', message: 'class clean: folder Empty/ holds no .jpg/.jpeg/.png/.webp files' }],
    });
  });

  it.runIf(process.platform !== 'win32')('reads only regular files: a FIFO and a link to /dev/zero are named, not read', async () => {
    execFileSync('mkfifo', [path.join(cwd, 'data', 'Positive', 'x.jpg')]);
    await symlink('/dev/zero', path.join(cwd, 'data', 'Negative', 'zero.png'));
    const err = await listInventory(spec(), { cwd }).catch((e: unknown) => e) as DataError;
    expect(err.code).toBe('data.unreadable');
    expect(err.problems).toEqual([
      { at: 'data.classes.crack', message: 'class crack: 1 file cannot be read: Positive/x.jpg (not a regular file (a FIFO)) (set data.on-error: skip to leave them out)' },
      { at: 'data.classes.clean', message: 'class clean: 1 file cannot be read: Negative/zero.png (not a regular file (a character device)) (set data.on-error: skip to leave them out)' },
    ]);
    // A class whose only file is a FIFO has nothing to offer, whatever on-error says.
    await mkdir(path.join(cwd, 'data', 'Odd'));
    execFileSync('mkfifo', [path.join(cwd, 'data', 'Odd', 'y.png')]);
    await expect(listInventory(spec({ onError: 'skip', classes: { crack: 'Positive', clean: 'Odd' } }), { cwd })).rejects.toMatchObject({
      code: 'data.empty-class', exitCode: 2,
      problems: [{ at: 'data.classes.clean', message: 'class clean has no readable image: 1 file cannot be read: Odd/y.png (not a regular file (a FIFO))' }],
    });
    const { inventory } = await listInventory(spec({ onError: 'skip' }), { cwd });
    expect(inventory.skipped).toEqual([
      { ref: 'Positive/x.jpg', reason: 'cannot read: not a regular file (a FIFO)' },
      { ref: 'Negative/zero.png', reason: 'cannot read: not a regular file (a character device)' },
    ]);
    expect(inventory.items).toHaveLength(3);
  });

  it('follows a symlink to a folder inside a class folder, and does not loop on one back up the tree', async () => {
    await mkdir(path.join(cwd, 'elsewhere'));
    await writeFile(path.join(cwd, 'elsewhere', 'd.jpg'), 'img-b2');
    await symlink(path.join(cwd, 'elsewhere'), path.join(cwd, 'data', 'Positive', 'linked'));
    await symlink(path.join(cwd, 'data', 'Positive'), path.join(cwd, 'data', 'Positive', 'sub', 'up'));
    const { inventory } = await listInventory(spec(), { cwd });
    expect(inventory.items.map((it) => it.ref)).toEqual(['Positive/b.JPG', 'Positive/linked/d.jpg', 'Positive/sub/a.png', 'Negative/c.webp']);
    expect(inventory.items[1]!.id).toBe(SHA['img-b2']);
  });

  it('refuses a file larger than ASSAY_MAX_FILE_BYTES, naming it', async () => {
    const old = process.env['ASSAY_MAX_FILE_BYTES'];
    process.env['ASSAY_MAX_FILE_BYTES'] = '5';
    try {
      await writeFile(path.join(cwd, 'data', 'Negative', 'big.png'), 'x'.repeat(6));
      const { inventory } = await listInventory(spec({ onError: 'skip' }), { cwd });
      expect(inventory.skipped).toEqual([{ ref: 'Negative/big.png', reason: 'cannot read: 6 bytes, more than the limit of 5 bytes per file (set ASSAY_MAX_FILE_BYTES to raise it)' }]);
    } finally {
      if (old === undefined) delete process.env['ASSAY_MAX_FILE_BYTES'];
      else process.env['ASSAY_MAX_FILE_BYTES'] = old;
    }
  });
});
