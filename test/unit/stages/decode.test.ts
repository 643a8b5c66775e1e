/**
 * The decode stage through the cache: a tabular CSV becomes a float table [n, d] in inventory
 * order (categoricals one-hot), an image source a uint8 block; both come back identical from a
 * cache hit, with a discriminant saying which they are.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CsvData, SyntheticCracksData } from '../../../src/core/spec.js';
import { listInventory } from '../../../src/data/sources/index.js';
import { StageCache } from '../../../src/store/cache.js';
import { writeTensor } from '../../../src/store/tensor-file.js';
import { decodeStage, describeDecoded, tabularData, type DecodeInput } from '../../../src/stages/decode.js';
import { silentProgress } from '../../../src/stages/progress.js';
import { runStage, type StageContext } from '../../../src/stages/stage.js';

const CSV = 'a,b,label\n1.5,x,pos\n2,y,neg\n-1,x,neg\n0.25,z,pos\n';
const TABLE: CsvData = { source: 'csv', path: 'data/t.csv', label: 'label', columns: ['a', 'b'], positive: 'pos', onError: 'fail', duplicates: 'report' };

describe('decode stage', () => {
  let dir: string;
  let ctx: StageContext;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'assay-decode-'));
    ctx = { cache: new StageCache(path.join(dir, 'cache'), { warn: () => {} }), noCache: false, progress: silentProgress, cwd: dir, packageVersion: () => '1.0.0', transient: new Set() };
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  async function tableInput(): Promise<DecodeInput> {
    await mkdir(path.join(dir, 'data'), { recursive: true });
    await writeFile(path.join(dir, 'data', 't.csv'), CSV);
    const { inventory } = await listInventory(TABLE, { cwd: dir });
    return { data: TABLE, root: path.join(dir, 'data'), inventory, geometry: [], seed: 1, upstream: { ingest: 'ingest-key' } };
  }

  it('reads a tabular CSV into a float table in inventory order, categoricals as codes into their sorted values, and stores it as a table tensor', async () => {
    const input = await tableInput();
    // Classes sorted (neg, pos), then file order: rows 2, 3, then 1, 4.
    expect(input.inventory.items.map((i) => i.ref)).toEqual(['row:2', 'row:3', 'row:1', 'row:4']);
    const out = await runStage(decodeStage, input, ctx);
    expect(out.record.cached).toBe(false);
    expect(out.output.decoded.kind).toBe('table');
    if (out.output.decoded.kind !== 'table') return;
    const { table } = out.output.decoded;
    expect(table.columns).toEqual(['a', 'b']);
    expect(table.categories).toEqual([null, ['x', 'y', 'z']]);
    expect(table.rows).toBe(4);
    expect(Array.from(table.data)).toEqual([
      2, 1,
      -1, 0,
      1.5, 0,
      0.25, 2,
    ]);
    expect(out.output.usable).toEqual([0, 1, 2, 3]);
    expect(out.output.bad).toEqual([]);
    expect(describeDecoded(out.output.decoded)).toBe('4 rows x 2 columns');
    expect(JSON.parse(await readFile(path.join(out.dir, 'table.json'), 'utf8'))).toEqual({ dtype: 'float32', shape: [4, 2] });
  });

  it('restores the same table from a cache hit without reading the CSV again', async () => {
    const input = await tableInput();
    const first = await runStage(decodeStage, input, ctx);
    await rm(path.join(dir, 'data', 't.csv'));
    const second = await runStage(decodeStage, input, ctx);
    expect(second.record.cached).toBe(true);
    expect(second.record.key).toBe(first.record.key);
    expect(second.output).toEqual(first.output);
  });

  it('keys the entry on the ingest key (which covers the rows and columns), the geometry and the columns that may hold missing values', async () => {
    const input = await tableInput();
    const a = await runStage(decodeStage, input, ctx);
    const b = await runStage(decodeStage, { ...input, upstream: { ingest: 'another-ingest-key' } }, ctx);
    expect(b.record.cached).toBe(false);
    expect(b.record.key).not.toBe(a.record.key);
    expect(a.record.fingerprint.params).toEqual({ geometry: [], table: 2, missing: { numeric: false, categorical: false, columns: [] } });
    const c = await runStage(decodeStage, { ...input, missing: { numeric: true, categorical: false, columns: [] } }, ctx);
    expect(c.record.cached).toBe(false);
    expect(c.record.key).not.toBe(a.record.key);
    expect(a.record.fingerprint.seed).toBeNull();
  });

  it('names the row of a table that no longer matches the listing', async () => {
    const input = await tableInput();
    await writeFile(path.join(dir, 'data', 't.csv'), 'a,b,label\n1.5,x,pos\n');
    await expect(runStage(decodeStage, input, ctx)).rejects.toThrow('data/t.csv has no row for item row:2: the file changed since it was listed');
  });

  it('decodes an image source to a uint8 block that a cache hit restores byte for byte', async () => {
    const data: SyntheticCracksData = { source: 'synthetic-cracks', size: 16, counts: { crack: 2, 'no-crack': 3 }, hardNegatives: 0, positive: 'crack', onError: 'fail', duplicates: 'report' };
    const { inventory } = await listInventory(data, { cwd: dir, seed: 3 });
    const input: DecodeInput = { data, root: dir, inventory, geometry: [{ kind: 'grayscale' }], seed: 3, upstream: { ingest: 'k' } };
    const first = await runStage(decodeStage, input, ctx);
    expect(first.output.decoded.kind).toBe('images');
    if (first.output.decoded.kind !== 'images') return;
    const { block } = first.output.decoded;
    expect([block.count, block.height, block.width, block.channels]).toEqual([5, 16, 16, 1]);
    expect(block.data).toBeInstanceOf(Uint8Array);
    expect(describeDecoded(first.output.decoded)).toBe('5 images 16x16x1');
    const second = await runStage(decodeStage, input, ctx);
    expect(second.record.cached).toBe(true);
    expect(second.output).toEqual(first.output);
  });

  it('reads an image entry written before entries named their kind (so image pipelines keep their keys)', async () => {
    const data: SyntheticCracksData = { source: 'synthetic-cracks', size: 16, counts: { crack: 1, 'no-crack': 1 }, hardNegatives: 0, positive: 'crack', onError: 'fail', duplicates: 'report' };
    const { inventory } = await listInventory(data, { cwd: dir, seed: 3 });
    await writeTensor(path.join(dir, 'images'), Uint8Array.from([1, 2, 3, 4]), [2, 1, 2, 1]);
    const bad = [{ ref: inventory.items[1]!.ref, reason: 'broken' }];
    const out = await decodeStage.load(dir, { shape: [2, 1, 2, 1], bad }, { data, root: dir, inventory, geometry: [], seed: 3, upstream: { ingest: 'k' } }, ctx);
    expect(out.decoded).toEqual({ kind: 'images', block: { count: 2, height: 1, width: 2, channels: 1, data: Uint8Array.from([1, 2, 3, 4]) } });
    expect(out.usable).toEqual([0]);
    expect(decodeStage.version).toBe(1);
  });

  it('tells tabular data from image data', () => {
    expect(tabularData(TABLE)).toBe(TABLE);
    expect(tabularData({ ...TABLE, image: 'file' })).toBeNull();
    expect(tabularData({ source: 'image-folder', path: 'x', classes: { a: 'A', b: 'B' }, positive: 'a', onError: 'fail', duplicates: 'report' })).toBeNull();
  });
});
