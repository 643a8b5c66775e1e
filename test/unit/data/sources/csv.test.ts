import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CsvData } from '../../../../src/core/spec.js';
import { parseCsv } from '../../../../src/data/sources/csv-table.js';
import { listInventory, readColumn, readTabular } from '../../../../src/data/sources/index.js';

const spec = (over: Partial<CsvData> = {}): CsvData => ({ source: 'csv', path: 't/table.csv', label: 'kind', columns: ['width', 'finish'], positive: 'crack', onError: 'fail', duplicates: 'report', ...over });

let cwd: string;
beforeEach(async () => { cwd = await mkdtemp(path.join(tmpdir(), 'assay-csv-')); await mkdir(path.join(cwd, 't')); });
afterEach(async () => { await rm(cwd, { recursive: true, force: true }); });
const table = (text: string): Promise<void> => writeFile(path.join(cwd, 't', 'table.csv'), text);

describe('parseCsv (RFC 4180)', () => {
  it('handles quotes, escaped quotes, commas and line breaks in fields, CRLF and a BOM', () => {
    const t = parseCsv('\uFEFFa,b\r\n"x, y","say ""hi"""\r\n"two\nlines",3\n', 'f.csv');
    expect(t.header).toEqual(['a', 'b']);
    expect(t.rows).toEqual([['x, y', 'say "hi"'], ['two\nlines', '3']]);
    expect(t.line).toEqual([2, 3]);
  });

  it('names rows whose field count differs from the header, and an unclosed quote', () => {
    expect(() => parseCsv('a,b\n1\n2,3\n4,5,6\n', 'f.csv')).toThrow(expect.objectContaining({ details: ['line 2: 1 fields, the header has 2', 'line 4: 3 fields, the header has 2'] }));
    expect(() => parseCsv('a\n"open\n', 'f.csv')).toThrow(/never closed/);
  });
});

describe('listInventory: csv', () => {
  it('tabular: class order, then file order; ids hash the feature values; categoricals as codes into their sorted values', async () => {
    await table('kind,width,finish\ncrack,1.5,rough\nclean,0,smooth\ncrack,2,smooth\nclean,0,smooth\n');
    const { inventory } = await listInventory(spec(), { cwd });
    expect(inventory.classes).toEqual(['clean', 'crack']);
    expect(inventory.positive).toBe(1);
    expect(inventory.items.map((i) => [i.ref, i.label])).toEqual([['row:2', 0], ['row:4', 0], ['row:1', 1], ['row:3', 1]]);
    expect(inventory.items[0]!.id).toBe(inventory.items[1]!.id); // identical rows share an identity
    const tab = await readTabular(spec(), inventory, { cwd });
    expect(tab.columns).toEqual(['width', 'finish']);
    expect(tab.categories).toEqual([null, ['rough', 'smooth']]);
    expect(tab.shape).toEqual([4, 2]);
    expect(Array.from(tab.x)).toEqual([0, 1, 0, 1, 1.5, 0, 2, 1]);
  });

  it('uses the declared class order and rejects unknown labels by line', async () => {
    await table('kind,width,finish\ncrack,1,a\nmaybe,2,a\nclean,3,a\nunsure,4,a\n');
    await expect(listInventory(spec({ classes: ['crack', 'clean'] }), { cwd })).rejects.toMatchObject({
      code: 'data.csv-label', details: [expect.stringContaining('line 3: label "maybe"'), expect.stringContaining('line 5: label "unsure"')],
    });
  });

  it('names every missing column at once', async () => {
    await table('kind,other\ncrack,1\n');
    await expect(listInventory(spec({ columns: ['width', 'finish'] }), { cwd })).rejects.toMatchObject({ code: 'data.csv-column', details: ['missing column width', 'missing column finish'] });
  });

  it('reports non-numeric and empty values in a numeric column by line', async () => {
    await table('kind,width,finish\ncrack,1,a\nclean,wide,a\ncrack,2,a\nclean,,a\ncrack,3,a\n');
    await expect(listInventory(spec(), { cwd })).rejects.toMatchObject({
      code: 'data.csv-value', exitCode: 2, problems: [{ at: 'data.path', message: 't/table.csv line 3, column width (2): "wide" is not a number (the column is numeric)' }, { at: 'data.path' }],
      details: ['line 3, column width (2): "wide" is not a number (the column is numeric)', 'line 5, column width (2): empty, a missing value, and no impute step covers width'],
    });
  });

  it('takes empty, NA and NaN cells as missing (NaN) only in columns the missing-value policy covers', async () => {
    await table('kind,width,finish\ncrack,1,a\nclean,NA,b\ncrack, ,NaN\nclean,4,a\ncrack,oops,\n');
    const err = { code: 'data.csv-value', details: ['line 3, column width (2): "NA", a missing value, and no impute step covers width', 'line 4, column width (2): empty, a missing value, and no impute step covers width', 'line 6, column width (2): "oops" is not a number (the column is numeric)', 'line 4, column finish (3): "NaN", a missing value, and no impute step covers finish', 'line 6, column finish (3): empty, a missing value, and no impute step covers finish'] };
    await expect(listInventory(spec(), { cwd })).rejects.toMatchObject(err);
    // Covering the columns leaves the non-numeric value an error.
    const missing = { numeric: true, categorical: false, columns: ['finish'] };
    await expect(listInventory(spec(), { cwd, missing })).rejects.toMatchObject({ details: ['line 6, column width (2): "oops" is not a number (the column is numeric)'] });
    await table('kind,width,finish\ncrack,1,a\nclean,NA,b\ncrack, ,NaN\nclean,4,a\n');
    const { inventory } = await listInventory(spec(), { cwd, missing });
    const tab = await readTabular(spec(), inventory, { cwd, missing });
    expect(tab.categories).toEqual([null, ['a', 'b']]);
    // Inventory order: clean rows 2 and 4, then crack rows 1 and 3.
    expect(Array.from(tab.x)).toEqual([NaN, 1, 4, 0, 1, 0, NaN, NaN]);
    await expect(readTabular(spec(), inventory, { cwd })).rejects.toMatchObject({ code: 'data.csv-value' });
  });

  it('image column: paths relative to the CSV file, ids = sha256 of the image bytes, unreadable files by policy', async () => {
    await writeFile(path.join(cwd, 't', 'a.png'), 'img-a');
    await table('file,kind\na.png,crack\nmissing.png,clean\n');
    const s = spec({ image: 'file', columns: [] });
    await expect(listInventory(s, { cwd })).rejects.toMatchObject({ code: 'data.unreadable', details: [expect.stringMatching(/^line \d+, column \w+ \(\d+\): missing\.png: cannot read/)] });
    const { inventory } = await listInventory({ ...s, onError: 'skip' }, { cwd });
    expect(inventory.items).toEqual([{ id: '4565512f6f7e64f98a4a519536e69c3b078d04389def4f6b707065e0ccb7ff03', ref: 'a.png', label: 1 }]);
    expect(inventory.skipped.map((b) => b.ref)).toEqual(['missing.png']);
  });

  it('a missing CSV file is a DataError naming it', async () => {
    await expect(listInventory(spec({ path: 'nope.csv' }), { cwd })).rejects.toMatchObject({ code: 'data.missing', message: expect.stringContaining('nope.csv') });
  });
});

describe('readColumn (group-by a CSV column)', () => {
  it('finds each image row however its path is spelled (./a, a//b), as the items name them', async () => {
    await mkdir(path.join(cwd, 't', 'img'));
    for (const f of ['1.png', '2.png', '3.png']) await writeFile(path.join(cwd, 't', 'img', f), f);
    await table('kind,file,site\ncrack,./img/1.png,north\nclean,img//2.png,south\ncrack,img/3.png,north\n');
    const s = spec({ image: 'file', columns: [] });
    const { inventory } = await listInventory(s, { cwd });
    const groups = await readColumn(s, inventory, 'site', { cwd });
    expect(inventory.items.map((it, i) => [it.ref, groups[i]])).toEqual([['img/2.png', 'south'], ['img/1.png', 'north'], ['img/3.png', 'north']]);
  });
});
