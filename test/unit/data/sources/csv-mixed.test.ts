/** The csv source with an image column and feature columns (mixed data): ids, rows, bad paths and images. */
import { mkdtemp, mkdir, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CsvData } from '../../../../src/core/spec.js';
import { listInventory, readTabular } from '../../../../src/data/sources/index.js';

const spec = (over: Partial<CsvData> = {}): CsvData => ({ source: 'csv', path: 't/table.csv', label: 'kind', image: 'file', columns: ['width', 'finish'], positive: 'crack', onError: 'fail', duplicates: 'report', ...over });

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(path.join(tmpdir(), 'assay-csv-mixed-'));
  await mkdir(path.join(cwd, 't', 'img'), { recursive: true });
  for (const n of ['a', 'b', 'c']) await writeFile(path.join(cwd, 't', 'img', `${n}.png`), `bytes of ${n === 'c' ? 'a' : n}`);
});
afterEach(async () => { await rm(cwd, { recursive: true, force: true }); });
const table = (text: string): Promise<void> => writeFile(path.join(cwd, 't', 'table.csv'), text);

describe('listInventory: mixed csv', () => {
  it('an item is its image and its row: ref the image path, id over the image bytes and the row values; rows read by image', async () => {
    await table('file,kind,width,finish\nimg/a.png,crack,1.5,rough\nimg/b.png,clean,0,smooth\nimg/c.png,clean,0,smooth\n');
    const { inventory } = await listInventory(spec(), { cwd });
    expect(inventory.items.map((i) => [i.ref, i.label])).toEqual([['img/b.png', 0], ['img/c.png', 0], ['img/a.png', 1]]);
    expect(new Set(inventory.items.map((i) => i.id)).size).toBe(3);
    // c.png holds a.png's bytes: the same image with another row is another item.
    await table('file,kind,width,finish\nimg/a.png,crack,2,rough\nimg/b.png,clean,0,smooth\nimg/c.png,clean,0,smooth\n');
    const changed = (await listInventory(spec(), { cwd })).inventory;
    expect(changed.items[2]!.id).not.toBe(inventory.items[2]!.id);
    expect(changed.items[0]!.id).toBe(inventory.items[0]!.id);
    const tab = await readTabular(spec(), changed, { cwd });
    // The row part is a table like a tabular CSV's: categorical columns as codes into their values.
    expect(tab.columns).toEqual(['width', 'finish']);
    expect(tab.categories).toEqual([null, ['rough', 'smooth']]);
    expect(Array.from(tab.x)).toEqual([0, 1, 0, 1, 2, 0]);
  });

  it('refuses image paths that leave the CSV folder, and an image named twice, at their line and column (exit 2, at data.path)', async () => {
    await table('file,kind,width,finish\nimg/a.png,crack,1,x\n../../etc/passwd,clean,0,x\n/etc/passwd,clean,0,x\nimg/./a.png,clean,1,x\n,clean,1,x\nimg/b\0.png,clean,1,x\n');
    const err = await listInventory(spec(), { cwd }).catch((e: unknown) => e) as { code: string; exitCode: number; details: string[]; problems: { at: string }[] };
    expect(err.code).toBe('data.csv-value');
    expect(err.exitCode).toBe(2);
    expect(err.problems.every((p) => p.at === 'data.path')).toBe(true);
    expect(err.details).toEqual([
      'line 3, column file (1): image path "../../etc/passwd" leaves the CSV file\'s folder (paths are relative to it and must stay inside)',
      'line 4, column file (1): image path "/etc/passwd" leaves the CSV file\'s folder (paths are relative to it and must stay inside)',
      'line 5, column file (1): image "img/./a.png" is already named on line 2 (with feature columns, each image is one item: name it once)',
      'line 6, column file (1): the image path is empty',
      'line 7, column file (1): image path "img/b\\u0000.png" holds a NUL character (no file name can)',
    ]);
  });

  it.runIf(process.platform !== 'win32')('refuses an image whose real path leaves the CSV folder through a symbolic link, whatever on-error says; a link that stays inside is followed', async () => {
    await writeFile(path.join(cwd, 'secret.png'), 'outside bytes');
    await symlink(path.join(cwd, 'secret.png'), path.join(cwd, 't', 'img', 'leak.png'));
    await symlink(cwd, path.join(cwd, 't', 'up'));
    await symlink('a.png', path.join(cwd, 't', 'img', 'alias.png'));
    await table('file,kind,width,finish\nimg/alias.png,crack,1,x\nimg/leak.png,clean,0,x\nup/secret.png,clean,0,x\nimg/b.png,clean,1,x\n');
    for (const onError of ['fail', 'skip'] as const) {
      const err = await listInventory(spec({ onError }), { cwd }).catch((e: unknown) => e) as { code: string; exitCode: number; details: string[]; problems: { at: string; message: string }[] };
      expect(err.code).toBe('data.csv-value');
      expect(err.exitCode).toBe(2);
      expect(err.problems.map((p) => p.at)).toEqual(['data.path', 'data.path']);
      const real = await realpath(path.join(cwd, 'secret.png'));
      expect(err.problems.map((p) => p.message)).toEqual([
        `t/table.csv line 3, column file (1): image path "img/leak.png" is a symbolic link (or passes through one) to ${real}, outside the CSV file's folder (images must stay inside it, links followed)`,
        `t/table.csv line 4, column file (1): image path "up/secret.png" is a symbolic link (or passes through one) to ${real}, outside the CSV file's folder (images must stay inside it, links followed)`,
      ]);
    }
    await table('file,kind,width,finish\nimg/alias.png,crack,1,x\nimg/b.png,clean,1,x\n');
    const { inventory } = await listInventory(spec(), { cwd });
    expect(inventory.items.map((i) => i.ref)).toEqual(['img/b.png', 'img/alias.png']);
  });

  it('a missing image: on-error fail names its line and column (exit 2); skip leaves the row out', async () => {
    await table('file,kind,width,finish\nimg/a.png,crack,1,x\nimg/gone.png,clean,0,x\nimg/b.png,clean,0,x\n');
    const err = await listInventory(spec(), { cwd }).catch((e: unknown) => e) as { code: string; exitCode: number; details: string[] };
    expect(err).toMatchObject({ code: 'data.unreadable', exitCode: 2 });
    expect(err.details).toEqual([expect.stringMatching(/^line 3, column file \(1\): img\/gone\.png: cannot read: ENOENT/)]);
    const { inventory } = await listInventory(spec({ onError: 'skip' }), { cwd });
    expect(inventory.items.map((i) => i.ref)).toEqual(['img/b.png', 'img/a.png']);
    expect(inventory.skipped.map((b) => b.ref)).toEqual(['img/gone.png']);
    const tab = await readTabular(spec({ onError: 'skip' }), inventory, { cwd });
    expect(Array.from(tab.x)).toEqual([0, 0, 1, 0]);
  });

  it('a non-numeric value in a numeric column is located at data.path with its line and column, as in a tabular CSV (exit 2)', async () => {
    await table('file,kind,width,finish\nimg/a.png,crack,1,x\nimg/b.png,clean,wide,x\nimg/c.png,clean,2,x\n');
    await expect(listInventory(spec(), { cwd })).rejects.toMatchObject({ code: 'data.csv-value', exitCode: 2, problems: [{ at: 'data.path', message: 't/table.csv line 3, column width (3): "wide" is not a number (the column is numeric)' }] });
  });

  it('a missing cell is refused at its line and column unless the missing-value policy (an impute step) covers its column; then it reads as NaN', async () => {
    await table('file,kind,width,finish\nimg/a.png,crack,1,x\nimg/b.png,clean,NA,y\nimg/c.png,clean,2,\n');
    await expect(listInventory(spec(), { cwd })).rejects.toMatchObject({
      code: 'data.csv-value', exitCode: 2,
      details: ['line 3, column width (3): "NA", a missing value, and no impute step covers width', 'line 4, column finish (4): empty, a missing value, and no impute step covers finish'],
    });
    const missing = { numeric: true, categorical: true, columns: [] };
    const { inventory } = await listInventory(spec(), { cwd, missing });
    expect(inventory.items.map((i) => i.ref)).toEqual(['img/b.png', 'img/c.png', 'img/a.png']);
    const tab = await readTabular(spec(), inventory, { cwd, missing });
    expect(tab.categories).toEqual([null, ['x', 'y']]);
    expect(Array.from(tab.x)).toEqual([Number.NaN, 1, 2, Number.NaN, 1, 0]);
  });
});
