import { describe, expect, it } from 'vitest';
import { hitCurves } from '../../../src/ui/curves.js';
import { stepEdits } from '../../../src/ui/compare.js';
import { galleryImages, parseTrials } from '../../../src/ui/run-detail.js';
import { runRow } from '../../../src/ui/run-index.js';
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
  const lock = { pipeline: { version: 3, description: 'd', model: { epochs: 5 } }, createdAt: '2025-01-01T00:00:00Z', overrides: ['a=1'], stages: [{ name: 'ingest', key: 'k', seconds: 1.25 }, { name: 'search', key: 'k', seconds: 2 }] };
  const metrics = { objective: { metric: 'f1' as const }, holdout: { n: 10, metrics: { f1: 0.8 }, intervals: { f1: { estimate: 0.8, low: 0.7, high: 0.9 } } } };

  it('reads a finished run: objective, intervals, duration, flattened parameters', () => {
    const r = runRow('p', '20250101-000000-000-aaaa', { ...lock, status: 'finished' }, metrics, null, true);
    expect(r).toMatchObject({ key: 'p/20250101-000000-000-aaaa', status: 'finished', version: 3, seconds: 3.3, objective: { metric: 'f1', holdout: 0.8 }, intervals: { f1: { low: 0.7, high: 0.9 } }, report: true });
    expect(r.params['model.epochs']).toBe('5');
  });

  it('names the stage a run failed in, and tells an interrupted run from a failed one', () => {
    const failed = runRow('p', 'x', { ...lock, status: 'failed', error: { stage: 'search', message: 'stage search failed: boom' } }, null, null, false);
    expect(failed).toMatchObject({ status: 'failed', error: { stage: 'search' } });
    const interrupted = runRow('p', 'x', { ...lock, status: 'failed', error: { stage: 'decode', message: 'interrupted by SIGINT during stage decode' } }, null, null, false);
    expect(interrupted).toMatchObject({ status: 'interrupted', error: { stage: 'decode' } });
  });

  it('calls a run running while its process lives, and interrupted once it is gone', () => {
    const progress = { progressVersion: 1 as const, run: 'x', name: 'p', version: 1, pid: process.pid, state: 'running' as const, startedAt: '2025-01-01T00:00:00.000Z', updatedAt: '2025-01-01T00:00:05.000Z', stage: 'search' as const, work: null, stages: [], trials: { done: 2, planned: 4, best: 0.5, metric: 'f1' }, etaSeconds: 3, error: null };
    expect(runRow('p', 'x', null, null, progress, false)).toMatchObject({ status: 'running', seconds: 5, trials: { done: 2, planned: 4 } });
    // pid 2^31-1 is never a live process here.
    expect(runRow('p', 'x', null, null, { ...progress, pid: 2147483647 }, false)).toMatchObject({ status: 'interrupted', error: { stage: 'search' } });
  });

  it('keeps a run running while it writes its folder (metrics.json there, the final lock not yet)', () => {
    const progress = { progressVersion: 1 as const, run: 'x', name: 'p', version: 1, pid: process.pid, state: 'running' as const, startedAt: '2025-01-01T00:00:00.000Z', updatedAt: '2025-01-01T00:00:05.000Z', stage: null, work: null, stages: [], trials: { done: 4, planned: 4, best: 0.5, metric: 'f1' }, etaSeconds: 0, error: null };
    expect(runRow('p', 'x', null, metrics, progress, false).status).toBe('running');
    expect(runRow('p', 'x', null, metrics, null, false).status).toBe('finished');
  });

  it('takes the outcome from the progress record when the lock is not written yet', () => {
    const progress = { progressVersion: 1 as const, run: 'x', name: 'p', version: 1, pid: 2147483647, state: 'failed' as const, startedAt: '2025-01-01T00:00:00.000Z', updatedAt: '2025-01-01T00:00:05.000Z', stage: null, work: null, stages: [], trials: { done: 0, planned: 4, best: null, metric: 'f1' }, etaSeconds: null, error: { stage: 'decode', message: 'stage decode failed: bad file' } };
    expect(runRow('p', 'x', null, null, progress, false)).toMatchObject({ status: 'failed', error: { stage: 'decode' } });
    const signal = { ...progress, error: { stage: 'search', message: 'interrupted by SIGTERM during stage search' } };
    expect(runRow('p', 'x', null, null, signal, false)).toMatchObject({ status: 'interrupted', error: { stage: 'search' } });
  });
});

describe('filter', () => {
  const row = (name: string, f1: number | null, extra: Partial<RunRow> = {}): RunRow => ({
    key: `${name}/1`, name, id: '1', version: 1, description: null, status: 'finished', error: null, createdAt: null, seconds: 10, git: null,
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
