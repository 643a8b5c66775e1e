import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CsvData, ImageFolderData } from '../../../../src/core/spec.js';
import { checkDataPaths } from '../../../../src/data/sources/check-paths.js';
import { validatePipeline } from '../../../../src/run/validate-pipeline.js';

let cwd: string;
beforeAll(async () => {
  cwd = await mkdtemp(path.join(tmpdir(), 'assay-paths-'));
  await mkdir(path.join(cwd, 'd', 'A'), { recursive: true });
  await writeFile(path.join(cwd, 'd', 'B'), 'a file where a folder should be');
  await writeFile(path.join(cwd, 'rows.csv'), 'label,x\na,1\n');
});
afterAll(async () => rm(cwd, { recursive: true, force: true }));

const folder = (over: Partial<ImageFolderData> = {}): ImageFolderData => ({
  source: 'image-folder', path: 'd', classes: { a: 'A', b: 'B', c: 'C' }, positive: 'a', onError: 'fail', duplicates: 'report', ...over,
});
const csv = (p: string): CsvData => ({ source: 'csv', path: p, label: 'label', columns: ['x'], positive: 'a', onError: 'fail', duplicates: 'report' });

describe('checkDataPaths', () => {
  it('names each class folder that is missing or a file, at its class', async () => {
    expect(await checkDataPaths(folder(), cwd)).toEqual([
      { at: 'data.classes.b', message: 'class b: folder B/ is a file, not a folder under d' },
      { at: 'data.classes.c', message: 'class c: folder C/ is missing under d' },
    ]);
    expect(await checkDataPaths(folder({ path: 'rows.csv' }), cwd)).toEqual([{ at: 'data.path', message: 'data.path rows.csv is a file, not a folder of class folders' }]);
    expect(await checkDataPaths(folder({ path: 'nope' }), cwd)).toEqual([{ at: 'data.path', message: `image folder nope does not exist (resolved to ${path.join(cwd, 'nope')})` }]);
  });

  it('points at a folder whose name differs only in case or Unicode form', async () => {
    // A Mac writes "Négatif" decomposed (e + combining acute); a pipeline typed elsewhere has it composed.
    await mkdir(path.join(cwd, 'u', 'Ne\u0301gatif'), { recursive: true });
    await mkdir(path.join(cwd, 'u', 'positive'), { recursive: true });
    const spec = folder({ path: 'u', classes: { a: 'Positive', b: 'N\u00e9gatif' } });
    expect(await checkDataPaths(spec, cwd)).toEqual([
      { at: 'data.classes.a', message: 'class a: folder Positive/ is missing under u (there is "positive": other upper/lower case; folder names must match exactly)' },
      { at: 'data.classes.b', message: 'class b: folder N\u00e9gatif/ is missing under u (there is "Ne\u0301gatif": the same letters in another Unicode form; folder names must match exactly)' },
    ]);
  });

  it('wants a CSV file to be a file', async () => {
    expect(await checkDataPaths(csv('rows.csv'), cwd)).toEqual([]);
    expect(await checkDataPaths(csv('d'), cwd)).toEqual([{ at: 'data.path', message: 'CSV file d is a folder, not a CSV file' }]);
    expect(await checkDataPaths(csv('gone.csv'), cwd)).toEqual([{ at: 'data.path', message: `CSV file gone.csv does not exist (resolved to ${path.join(cwd, 'gone.csv')})` }]);
  });

  it('validatePipeline locates them in the file, and data: false skips them', async () => {
    const file = path.join(cwd, 'p.yaml');
    await writeFile(file, 'assay: 1\nname: t\ndata:\n  source: image-folder\n  path: d\n  classes: { a: A, c: C }\n  positive: a\nmodel: { family: cnn }\n');
    const r = await validatePipeline(file, { cwd });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.path} ${d.message}`)).toEqual(['6:20 data.missing data.classes.c class c: folder C/ is missing under d']);
    expect((await validatePipeline(file, { cwd, data: false })).ok).toBe(true);
  });
});
