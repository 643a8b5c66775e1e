import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hitCurves } from '../../../src/ui/curves.js';
import { stepEdits } from '../../../src/ui/compare.js';
import { galleryFromHtml, galleryImages, parseTrials } from '../../../src/ui/run-detail.js';
import { RunIndex } from '../../../src/ui/run-index.js';
import { applyFilter, parseFilter } from '../../../ui/src/filter.js';
import type { RunRow } from '../../../src/ui/run-index.js';

describe('hitCurves', () => {
  it('gives a perfect ranking a unit ROC and precision 1 at every recall', () => {
    const c = hitCurves([0.9, 0.8, 0.3, 0.1], [1, 1, 0, 0], 4);
    expect(c.roc.fpr).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(c.roc.tpr).toEqual([1, 1, 1, 1, 1]);
    expect(c.pr.precision).toEqual([1, 1, 1, 1, 1]);
  });

  it('interpolates precision as the best at recall >= x, and F1 by threshold', () => {
    // Ranked: pos 0.9, neg 0.8, pos 0.7, neg 0.2 -> (recall, precision): (.5, 1), (.5, .5), (1, 2/3), (1, .5)
    const c = hitCurves([0.9, 0.8, 0.7, 0.2], [1, 0, 1, 0], 2);
    expect(c.pr.recall).toEqual([0, 0.5, 1]);
    expect(c.pr.precision).toEqual([1, 1, 0.6667]);
    expect(c.roc.tpr).toEqual([0.5, 1, 1]);
    const at = (t: number) => c.threshold.t.indexOf(t);
    expect(c.threshold.f1[at(0.85)]).toBe(0.6667); // 1 tp, 0 fp, 1 fn
    expect(c.threshold.f1[at(0.75)]).toBe(0.5); // 1 tp, 1 fp, 1 fn
    expect(c.threshold.f1[at(0.5)]).toBe(0.8); // 2 tp, 1 fp
  });
});

describe('stepEdits', () => {
  it('shows one inserted feature step as one insertion, the later steps unchanged', () => {
    const a = [{ resize: { width: 24 } }, { grayscale: {} }, { normalize: { method: 'standard' } }];
    const b = [{ resize: { width: 24 } }, { grayscale: {} }, { edges: { method: 'sobel' } }, { normalize: { method: 'standard' } }];
    const edits = stepEdits(a, b);
    expect(edits.filter((e) => e.kind !== 'same')).toEqual([{ kind: 'inserted', step: 'edges {"method":"sobel"}', at: 2 }]);
    expect(edits).toHaveLength(4);
  });

  it('shows a removed and a changed step', () => {
    const edits = stepEdits([{ a: 1 }, { b: 1 }], [{ b: 2 }]).filter((e) => e.kind !== 'same');
    expect(edits.map((e) => e.kind).sort()).toEqual(['inserted', 'removed', 'removed']);
  });
});

describe('run rows', () => {
  let runs: string;
  beforeAll(async () => { runs = await mkdtemp(path.join(tmpdir(), 'assay-ui-rows-')); });
  afterAll(async () => { await rm(runs, { recursive: true, force: true }); });

  const pipeline = { name: 'p', version: 3, description: 'd', model: { epochs: 5 } };
  const lock = { pipeline, createdAt: '2025-01-01T00:00:00Z', overrides: ['a=1'], stages: [{ name: 'ingest', key: 'k', seconds: 1.25 }, { name: 'search', key: 'k', seconds: 2 }], git: { commit: 'abc', dirty: true } };
  const metrics = { objective: { metric: 'f1' }, holdout: { n: 10, metrics: { f1: 0.8 }, intervals: { f1: { estimate: 0.8, low: 0.7, high: 0.9 } } }, search: { trials: 4, planned: 4 } };
  const progress = (over: object) => ({ progressVersion: 1, run: 'x', name: 'p', version: 3, pid: process.pid, state: 'running', startedAt: '2025-01-01T00:00:00.000Z', updatedAt: '2025-01-01T00:00:05.000Z', stage: 'search', work: null, stages: [], trials: { done: 2, planned: 4, best: 0.5, metric: 'f1' }, etaSeconds: 3, error: null, ...over });
  async function folder(id: string, files: Record<string, unknown>): Promise<RunRow> {
    const dir = path.join(runs, 'p', id);
    await mkdir(dir, { recursive: true });
    for (const [f, v] of Object.entries(files)) await writeFile(path.join(dir, f), typeof v === 'string' ? v : JSON.stringify(v));
    return new RunIndex(runs).row('p', id);
  }

  it('reads a finished run: objective, intervals, duration, git, label, note, flattened parameters', async () => {
    const r = await folder('20250101-000000-000-0001', { 'lock.json': { ...lock, status: 'finished', label: 'baseline' }, 'metrics.json': metrics, 'note.md': 'first try\n', 'report.html': '<p>' });
    expect(r).toMatchObject({ key: 'p/20250101-000000-000-0001', status: 'finished', version: 3, label: 'baseline', note: 'first try', seconds: 3.3, git: { commit: 'abc', dirty: true }, objective: { metric: 'f1', holdout: 0.8 }, intervals: { f1: { low: 0.7, high: 0.9 } }, report: true, trials: { done: 4, planned: 4 } });
    expect(r.params['model.epochs']).toBe('5');
  });

  it('names the stage a run failed in, and tells an interrupted run from a failed one', async () => {
    const failed = await folder('20250101-000000-000-0002', { 'lock.json': { ...lock, status: 'failed', error: { stage: 'search', message: 'out of memory' } } });
    expect(failed).toMatchObject({ status: 'failed', error: { stage: 'search', message: 'out of memory' }, objective: null });
    const interrupted = await folder('20250101-000000-000-0003', { 'lock.json': { ...lock, status: 'interrupted', error: { stage: 'decode', message: 'interrupted by SIGINT during stage decode' } } });
    expect(interrupted).toMatchObject({ status: 'interrupted', error: { stage: 'decode' } });
  });

  it('is running while its process lives, even with metrics.json written before the lock, with the record\'s trials', async () => {
    const mark = { pid: process.pid, host: hostname(), startedAt: '2025-01-01T00:00:00.000Z', pipeline };
    const r = await folder('20250101-000000-000-0004', { 'running.json': mark, 'metrics.json': metrics, 'progress.json': progress({}) });
    expect(r).toMatchObject({ status: 'running', seconds: 5, trials: { done: 2, planned: 4 }, metrics: {}, version: 3 });
  });

  it('is incomplete once the process is gone without a lock, naming the stage it reached', async () => {
    const mark = { pid: 2147483647, host: hostname(), startedAt: '2025-01-01T00:00:00.000Z', pipeline };
    const r = await folder('20250101-000000-000-0005', { 'running.json': mark, 'metrics.json': metrics, 'progress.json': progress({ pid: 2147483647 }) });
    expect(r).toMatchObject({ status: 'incomplete', error: { stage: 'search' }, metrics: {} });
  });

  it('re-reads a finished run only when its folder changes', async () => {
    const index = new RunIndex(runs);
    const first = await index.row('p', '20250101-000000-000-0001');
    expect(await index.row('p', '20250101-000000-000-0001')).toBe(first);
    await writeFile(path.join(runs, 'p', '20250101-000000-000-0001', 'note.md'), 'second thoughts\n');
    await rename(path.join(runs, 'p', '20250101-000000-000-0001', 'report.html'), path.join(runs, 'p', '20250101-000000-000-0001', 'report.old'));
    expect(await index.row('p', '20250101-000000-000-0001')).toMatchObject({ note: 'second thoughts', report: false });
  });
});

describe('filter', () => {
  const row = (name: string, f1: number | null, extra: Partial<RunRow> = {}): RunRow => ({
    key: `${name}/1`, name, id: '1', version: 1, label: null, note: null, description: null, status: 'finished', error: null, createdAt: null, seconds: 10, git: null,
    overrides: [], objective: null, metrics: f1 === null ? {} : { f1 }, intervals: {}, n: null, params: { 'model.epochs': '5' }, trials: null, report: false, ...extra,
  });
  const rows = [row('alpha', 0.9), row('beta', 0.6), row('gamma', null, { status: 'failed' })];
  const names = (text: string) => applyFilter(rows, parseFilter(text)).rows.map((r) => r.name);

  it('compares metrics, run fields and parameters, and matches words', () => {
    expect(names('f1 > 0.8')).toEqual(['alpha']);
    expect(names('f1 <= 0.6')).toEqual(['beta']);
    expect(names('status = failed')).toEqual(['gamma']);
    expect(names('model.epochs >= 5, f1 > 0.5')).toEqual(['alpha', 'beta']);
    expect(names('BET')).toEqual(['beta']);
    expect(names('')).toEqual(['alpha', 'beta', 'gamma']);
  });

  it('names a field no run has', () => {
    expect(applyFilter(rows, parseFilter('nosuch > 1')).unknown).toEqual(['nosuch']);
  });
});

describe('run files', () => {
  it('maps report.md gallery rows to their thumbnails', () => {
    const md = '| 1 | crack/a b.png | 0.356 | ![original](gallery/1-original.png) | ![model view](gallery/1-model.png) |\n| x | not a row |';
    expect([...galleryImages(md)]).toEqual([['crack/a b.png', { original: 'gallery/1-original.png', model: 'gallery/1-model.png' }]]);
  });

  it('reads trials.jsonl, skipping a malformed line, marking pruned and failed trials', () => {
    const t = parseTrials('{"index":1,"family":"cnn","params":{},"score":0.5,"pruned":true,"epochs":2}\nnot json\n{"index":0,"family":"cnn","params":{},"score":null,"error":"nan loss"}\n');
    expect(t.map((x) => [x.index, x.score, x.pruned, x.failed])).toEqual([[0, null, false, 'nan loss'], [1, 0.5, true, null]]);
  });
});

describe('gallery pictures from report.html', () => {
  it('takes each entry\'s two PNG data URIs under its unescaped ref, and nothing that is not plain base64', () => {
    const g = (ref: string, a: string, b: string) => `<div class="g"><img alt="original" src="data:image/png;base64,${a}"><img alt="as the model saw it" src="data:image/png;base64,${b}"><div class="ref">#1 ${ref}</div><div>p(positive) = 0.3</div></div>`;
    const html = `<div class="gallery">${g('crack/&lt;script&gt;&amp;x.png', 'QUJD', 'REVG')}${g('bad.png', 'QUJD"onerror="x', 'REVG')}</div>`;
    expect([...galleryFromHtml(html)]).toEqual([['crack/<script>&x.png', { original: 'data:image/png;base64,QUJD', model: 'data:image/png;base64,REVG' }]]);
  });

  it('reads the entries of a report whose model input has more channels (each shown as well)', async () => {
    const { renderHtml } = await import('../../../src/report/html.js');
    const { makeInput, TINY_PNG } = await import('../report/fixture.js');
    const input = makeInput();
    const g = input.gallery.falseNegatives[0]!;
    const html = renderHtml({ ...input, gallery: { falseNegatives: [{ ...g, extraChannelPngs: [TINY_PNG] }], falsePositives: [] } });
    expect(galleryFromHtml(html).get(g.ref)).toEqual({ original: `data:image/png;base64,${TINY_PNG}`, model: `data:image/png;base64,${TINY_PNG}` });
  });
});
