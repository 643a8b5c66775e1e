import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compareRuns, showPair } from '../../../src/results/compare-runs.js';
import { makeItems, writeRun, type FixtureRun } from './run-fixture.js';

let tmp: string;
beforeEach(async () => { tmp = await mkdtemp(path.join(tmpdir(), 'assay-compare-')); });
afterEach(async () => { await rm(tmp, { recursive: true, force: true }); });

const base = (runsDir: string, id: string): FixtureRun => ({
  runsDir, id, pipelineText: 'name: p\n', resolved: { name: 'p' }, stages: [{ name: 'ingest', key: 'k' }], items: makeItems(30, 10, 0.2, 'a'),
});

async function edit(file: string, fn: (s: string) => string): Promise<void> {
  await writeFile(file, fn(await readFile(file, 'utf8')));
}

describe('compareRuns', () => {
  it('finds two folders with the same files identical, with no environment differences', async () => {
    const a = await writeRun(base(tmp, '20250101-000000-000-aaaa'));
    const b = await writeRun(base(tmp, '20250101-000001-000-bbbb'));
    const c = await compareRuns(a, b);
    expect(c).toEqual({ a, b, identical: true, differences: [], notes: [], environment: [] });
  });

  it('compares an original without its model (a fresh clone) by its records, and says the weights were not compared', async () => {
    const a = await writeRun(base(tmp, '20250101-000000-000-aaaa'));
    const b = await writeRun(base(tmp, '20250101-000001-000-bbbb'));
    await rm(path.join(a, 'model'), { recursive: true });
    const c = await compareRuns(a, b);
    expect(c.identical).toBe(true);
    expect(c.notes).toEqual([`${a} has no model/ folder (models are kept out of git): the weights were not compared; metrics and predictions were`]);
    await edit(path.join(b, 'predictions.csv'), (t) => t.replace(/,0\.(\d)/, ',0.9$1'));
    expect((await compareRuns(a, b)).identical).toBe(false);
  });

  it('ignores timings and trial-cache reuse but reports every other metrics.json change with enough digits to see it', async () => {
    const a = await writeRun(base(tmp, '20250101-000000-000-aaaa'));
    const b = await writeRun(base(tmp, '20250101-000001-000-bbbb'));
    const m = JSON.parse(await readFile(path.join(a, 'metrics.json'), 'utf8'));
    m.search.seconds = 99.9;
    m.search.reused = 2;
    const f1 = m.holdout.metrics.f1 as number;
    await writeFile(path.join(b, 'metrics.json'), JSON.stringify({ ...m, holdout: { ...m.holdout, metrics: { ...m.holdout.metrics, f1: f1 + 1e-9 } } }));
    const c = await compareRuns(a, b);
    expect(c.identical).toBe(false);
    expect(c.differences).toHaveLength(1);
    expect(c.differences[0]!.file).toBe('metrics.json');
    expect(c.differences[0]!.message).toMatch(/^holdout\.metrics\.f1: 0\.\d{9,} -> 0\.\d{9,}$/);
  });

  it('counts differing prediction rows and shows the first', async () => {
    const a = await writeRun(base(tmp, '20250101-000000-000-aaaa'));
    const b = await writeRun(base(tmp, '20250101-000001-000-bbbb'));
    const file = path.join(b, 'predictions.csv');
    const lines = (await readFile(file, 'utf8')).split('\n');
    const cells = lines[3]!.split(',');
    const old = cells[3]!;
    cells[3] = '0.123456789';
    lines[3] = cells.join(',');
    await writeFile(file, lines.join('\n'));
    const c = await compareRuns(a, b);
    expect(c.differences).toEqual([{ file: 'predictions.csv', message: `predictions.csv: 1 row differ (first: ${cells[0]} ${showPair(old, '0.123456789')})` }]);
  });

  it('compares the per-class probability columns of a multi-class predictions.csv', async () => {
    const a = await writeRun(base(tmp, '20250101-000000-000-aaaa'));
    const b = await writeRun(base(tmp, '20250101-000001-000-bbbb'));
    const multi = 'ref,id,label,probability,prediction,probability[a],probability[b],probability[c]\n'
      + 'x.png,1111,a,0.600000000,a,0.600000000,0.300000000,0.100000000\n';
    await writeFile(path.join(a, 'predictions.csv'), multi);
    await writeFile(path.join(b, 'predictions.csv'), multi);
    expect((await compareRuns(a, b)).identical).toBe(true);
    await writeFile(path.join(b, 'predictions.csv'), multi.replace('0.300000000,0.100000000', '0.299999999,0.100000001'));
    const c = await compareRuns(a, b);
    expect(c.differences).toEqual([{ file: 'predictions.csv', message: 'predictions.csv: 1 row differ (first: x.png [0.600000000, 0.300000000, 0.100000000] -> [0.600000000, 0.299999999, 0.100000001])' }]);
  });

  it('reports one changed byte of weights.bin with its position, and a changed topology', async () => {
    const a = await writeRun(base(tmp, '20250101-000000-000-aaaa'));
    const w = new Uint8Array(16).map((_, i) => i * 7);
    w[5] ^= 1;
    const b = await writeRun({ ...base(tmp, '20250101-000001-000-bbbb'), weights: w });
    await edit(path.join(b, 'model', 'model.json'), (s) => s.replace('"units":1', '"units":2'));
    const c = await compareRuns(a, b);
    expect(c.differences.map((d) => d.message)).toEqual([
      'model/model.json: the model topology differs',
      'model/weights.bin differs (first at byte 5 of 16)',
    ]);
  });

  it('sets aside layer names that tfjs numbered differently, but not a renamed weight of another shape', async () => {
    const named = (n: number, shape: number[]) => JSON.stringify({
      modelTopology: { class_name: 'Model', config: { name: `model${n}`, layers: [
        { name: `input${n}`, class_name: 'InputLayer', config: { name: `input${n}` }, inbound_nodes: [] },
        { name: `dense_Dense${n}`, class_name: 'Dense', config: { name: `dense_Dense${n}`, units: 1 }, inbound_nodes: [[[`input${n}`, 0, 0, {}]]] },
      ], input_layers: [[`input${n}`, 0, 0]], output_layers: [[`dense_Dense${n}`, 0, 0]] } },
      weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: `dense_Dense${n}/kernel`, shape, dtype: 'float32' }] }],
    });
    const a = await writeRun(base(tmp, '20250101-000000-000-aaaa'));
    const b = await writeRun(base(tmp, '20250101-000001-000-bbbb'));
    await writeFile(path.join(a, 'model', 'model.json'), named(1, [4, 1]));
    await writeFile(path.join(b, 'model', 'model.json'), named(5, [4, 1]));
    const c = await compareRuns(a, b);
    expect(c.identical).toBe(true);
    expect(c.notes).toEqual(['model/model.json: layer names differ (tfjs numbers unnamed layers per process); the structure and weight specs are the same']);
    await writeFile(path.join(b, 'model', 'model.json'), named(5, [2, 2]));
    expect((await compareRuns(a, b)).differences.map((d) => d.message)).toEqual(['model/model.json: the weight names, shapes or dtypes differ']);
  });

  it('reports a missing predictions.csv and a truncated weights file', async () => {
    const a = await writeRun(base(tmp, '20250101-000000-000-aaaa'));
    const b = await writeRun({ ...base(tmp, '20250101-000001-000-bbbb'), weights: new Uint8Array(8) });
    await rm(path.join(b, 'predictions.csv'));
    const c = await compareRuns(a, b);
    expect(c.differences.map((d) => d.message)).toEqual([`predictions.csv is missing in ${b}`, 'model/weights.bin differs (16 vs 8 bytes)']);
  });

  it('compares every fold model of a k-fold run (model/fold-<f>/), not a model/model.json it does not have', async () => {
    /** The fixture's model moved into model/fold-0..2, with preprocess.json listing 3 folds. */
    const kfold = async (dir: string): Promise<string> => {
      for (let f = 0; f < 3; f++) {
        await cp(path.join(dir, 'model', 'model.json'), path.join(dir, 'model', `fold-${f}`, 'model.json'));
        await cp(path.join(dir, 'model', 'weights.bin'), path.join(dir, 'model', `fold-${f}`, 'weights.bin'));
      }
      await rm(path.join(dir, 'model', 'model.json'));
      await rm(path.join(dir, 'model', 'weights.bin'));
      await edit(path.join(dir, 'model', 'preprocess.json'), (s) => JSON.stringify({ ...JSON.parse(s), folds: [0, 1, 2].map(() => ({ fitted: { steps: [] } })) }));
      return dir;
    };
    const a = await kfold(await writeRun(base(tmp, '20250101-000000-000-aaaa')));
    const b = await kfold(await writeRun(base(tmp, '20250101-000001-000-bbbb')));
    expect(await compareRuns(a, b)).toMatchObject({ identical: true, differences: [] });
    const w = await readFile(path.join(b, 'model', 'fold-1', 'weights.bin'));
    w[9]! ^= 1;
    await writeFile(path.join(b, 'model', 'fold-1', 'weights.bin'), w);
    await rm(path.join(b, 'model', 'fold-2', 'model.json'));
    expect((await compareRuns(a, b)).differences.map((d) => d.message)).toEqual([
      'model/fold-1/weights.bin differs (first at byte 9 of 16)',
      `model/fold-2/model.json is missing or unreadable in ${b}`,
    ]);
  });

  it('names environment differences that could explain a mismatch, without counting them as differences', async () => {
    const a = await writeRun(base(tmp, '20250101-000000-000-aaaa'));
    const b = await writeRun({ ...base(tmp, '20250101-000001-000-bbbb'), backend: 'cpu', node: 'v20.1.0' });
    const c = await compareRuns(a, b);
    expect(c.environment).toEqual(['backend: wasm -> cpu', 'node: v20.20.0 -> v20.1.0']);
    // preprocess.json records the backend too
    expect(c.differences.map((d) => d.message)).toEqual(['model/preprocess.json backend: wasm -> cpu']);
  });
});

describe('showPair', () => {
  it('adds digits until the two values differ', () => {
    expect(showPair('0.92307692', '0.92000000')).toBe('0.9231 -> 0.9200');
    expect(showPair('0.923076923', '0.923076925')).toBe('0.92307692 -> 0.92307693');
    expect(showPair('12', '13')).toBe('12 -> 13');
    expect(showPair('(absent)', '0.5')).toBe('(absent) -> 0.5');
  });
});
