import { describe, expect, it } from 'vitest';
import { ledgerCounts, renderRunsMarkdown, renderRunsText, runsTable } from '../../../src/results/runs-table.js';
import type { RunSummary } from '../../../src/store/run-status.js';

const pipeline = (width: number, epochs: number) => ({ name: 'p', version: 1, description: 'd', features: [{ kind: 'resize', width }], model: { training: { epochs } } });

function run(id: string, o: Partial<RunSummary> & { f1?: number } = {}): RunSummary {
  const f1 = o.f1;
  return {
    id, dir: `/runs/${o.name ?? 'p'}/${id}`, name: 'p', version: 1, status: 'finished', detail: null, label: null, note: null,
    objective: f1 === undefined ? null : { metric: 'f1', holdout: f1 },
    metrics: f1 === undefined ? {} : { f1, mcc: f1 - 0.1, fnr: 1 - f1 },
    holdoutFingerprint: 'h1', pipeline: pipeline(24, 3), createdAt: '2026-11-29T07:00:00.000Z',
    ...o,
  };
}

const runs: RunSummary[] = [
  run('20261129-070000-000-aaaa', { f1: 0.8, label: 'baseline' }),
  run('20261129-070000-001-bbbb', { f1: 0.92, pipeline: pipeline(32, 3), note: 'wider\nimages' }),
  run('20261129-070000-002-cccc', { f1: 0.95, pipeline: pipeline(32, 5) }),
  run('20261129-070000-003-dddd', { status: 'incomplete', detail: 'no finished lock.json', holdoutFingerprint: null, metrics: {}, pipeline: null }),
  run('20261129-070000-004-eeee', { f1: 0.7, name: 'q', holdoutFingerprint: 'h1' }),
];

describe('runsTable', () => {
  it('shows a column for each differing parameter, the key metrics, status and the hold-out ledger', () => {
    const t = runsTable(runs.slice(0, 4));
    expect(t.columns).toEqual(['run', 'pipeline', 'version', 'name', 'status', 'features[0].width', 'model.training.epochs', 'f1', 'mcc', 'fnr', 'scored', 'started', 'note']);
    expect(t.rows.map((r) => [r['features[0].width'], r['model.training.epochs'], r.status, r.scored])).toEqual([
      ['24', '3', 'finished', 3], ['32', '3', 'finished', 3], ['32', '5', 'finished', 3], [null, null, 'incomplete', null],
    ]);
    const text = renderRunsText(t);
    expect(text.split('\n')[0]).toMatch(/^RUN\s+PIPELINE\s+VERSION\s+NAME\s+STATUS\s+features\[0\]\.width\s+model\.training\.epochs\s+F1\s+MCC\s+FNR\s+SCORED\s+STARTED\s+NOTE$/);
    expect(text).toMatch(/20261129-070000-001-bbbb\s+p\s+v1\s+-\s+finished\s+32\s+3\s+0\.9200\s+0\.8200\s+0\.0800\s+3!\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+wider images/);
  });

  it('counts the ledger per experiment: another pipeline scoring the same items is another experiment', () => {
    const counts = ledgerCounts(runs);
    expect(counts.get(runs[0]!.dir)).toBe(3);
    expect(counts.get(runs[4]!.dir)).toBe(1);
    expect(counts.has(runs[3]!.dir)).toBe(false);
  });

  it('filters with --where, sorts with --sort and picks --columns', () => {
    const t = runsTable(runs, { pipeline: 'p', where: ['f1>0.9'], sort: '-f1', columns: ['run', 'f1', 'model.training.epochs'] });
    expect(t.rows).toEqual([
      { run: '20261129-070000-002-cccc', f1: 0.95, 'model.training.epochs': '5' },
      { run: '20261129-070000-001-bbbb', f1: 0.92, 'model.training.epochs': '3' },
    ]);
    expect(runsTable(runs, { where: ['status!=finished'] }).rows.map((r) => r.run)).toEqual(['20261129-070000-003-dddd']);
    expect(runsTable(runs, { where: ['name=baseline'] }).rows.map((r) => r.run)).toEqual(['20261129-070000-000-aaaa']);
    expect(runsTable(runs, { where: ['note~wider'] }).rows.length).toBe(1);
    // runs without the metric never pass a numeric condition, and sort last
    expect(runsTable(runs, { sort: 'f1' }).rows.map((r) => r.f1)).toEqual([0.7, 0.8, 0.92, 0.95, null]);
    expect(runsTable(runs, { sort: '-f1' }).rows.map((r) => r.f1)).toEqual([0.95, 0.92, 0.8, 0.7, null]);
    expect(runsTable(runs, { sort: 'f1:desc' }).rows.map((r) => r.f1)).toEqual([0.95, 0.92, 0.8, 0.7, null]);
  });

  it('says which columns exist when given an unknown one or a malformed condition', () => {
    expect(() => runsTable(runs, { where: ['f2>0.9'] })).toThrow(/--where column "f2" is not a column; columns: run, pipeline.*hold-out metrics \(f1, fnr, mcc\)/);
    expect(() => runsTable(runs, { sort: 'nope' })).toThrow(/--sort column "nope"/);
    expect(() => runsTable(runs, { where: ['f1 about 0.9'] })).toThrow(/expected COLUMN OP VALUE/);
    // An ordering against text would match no run and say nothing.
    expect(() => runsTable(runs, { where: ['f1>>x'] })).toThrow('--where "f1>>x": > compares numbers, and ">x" is not one');
    expect(() => runsTable(runs, { where: ['status<=finished'] })).toThrow('--where "status<=finished": <= compares numbers, and "finished" is not one');
  });

  it('renders Markdown with escaped cells', () => {
    const md = renderRunsMarkdown(runsTable([run('20261129-070000-000-aaaa', { f1: 0.5, note: 'a|b' })], { columns: ['run', 'f1', 'note'] }));
    expect(md).toBe('| run | f1 | note |\n| --- | --- | --- |\n| 20261129-070000-000-aaaa | 0.5000 | a\\|b |\n');
  });
});
