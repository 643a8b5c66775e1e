import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { showRunText } from '../../../src/results/show-run.js';
import { bestTrialNumber } from '../../../src/results/trial-number.js';
import { makeItems, writeRun } from './run-fixture.js';

let root: string;
// show prints the start in local time, as `assay runs` does: a zone half an hour off UTC shows it.
const savedTz = process.env.TZ;
beforeAll(async () => { process.env.TZ = 'Asia/Kolkata'; root = await mkdtemp(path.join(tmpdir(), 'assay-show-')); });
afterAll(async () => {
  if (savedTz === undefined) delete process.env.TZ; else process.env.TZ = savedTz;
  await rm(root, { recursive: true, force: true });
});

describe('assay show', () => {
  it('starts with the folder, the report path and the status, then the headline metrics and the best trial', async () => {
    const dir = await writeRun({ runsDir: path.join(root, 'runs'), id: '20250101-000000-000-aaaa', pipelineText: 'name: p\n', resolved: {}, stages: [], items: makeItems(40, 10, 0.3, 's') });
    for (const f of ['report.md', 'report.html']) await writeFile(path.join(dir, f), 'report');
    const { text, ok } = await showRunText({ id: '20250101-000000-000-aaaa', dir }, root);
    expect(ok).toBe(true);
    const lines = text.split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'run      20250101-000000-000-aaaa  (pipelines/p.yaml)',
      'folder   runs/p/20250101-000000-000-aaaa',
      'report   runs/p/20250101-000000-000-aaaa/report.html (and report.md)',
      'status   finished, started 2025-01-01 05:30',
    ]);
    expect(text).toMatch(/^ {2}f1 +0\.\d{4} {2}\(95% CI 0\.\d{4}\.\.[01]\.\d{4}\)$/m);
    // the fixture writes the older metrics.json (`best`: the index from 0): shown as #1
    expect(text).toContain('best trial #1 of 2 (cnn)');
    // a clone has report.md only (report.html is not committed): the summary names what is there
    await rm(path.join(dir, 'report.html'));
    expect((await showRunText({ id: '20250101-000000-000-aaaa', dir }, root)).text).toContain('report   runs/p/20250101-000000-000-aaaa/report.md\n');
  });

  it('says why a failed run has no metrics', async () => {
    const dir = path.join(root, 'runs', 'p', '20250102-000000-000-bbbb');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'lock.json'), JSON.stringify({ status: 'failed', createdAt: '2025-01-02T10:04:59.000Z', error: { stage: 'decode', message: 'no images' } }));
    const { text, ok } = await showRunText({ id: '20250102-000000-000-bbbb', dir }, root);
    expect(ok).toBe(false);
    expect(text).toContain('status   failed, started 2025-01-02 15:34 (stage decode: no images)');
    expect(text).not.toContain('UTC');
    expect(text).not.toContain('report ');
  });
});

describe('trial numbers', () => {
  it('reads metrics.json of either format as a number from 1', () => {
    expect(bestTrialNumber({ search: { bestTrial: 3 } })).toBe(3);
    expect(bestTrialNumber({ search: { best: 2 } })).toBe(3);
    expect(bestTrialNumber({})).toBeNull();
  });
});

describe('older metrics.json read in the current shape', () => {
  it('renumbers the best trial from 1 and gives a proportion at 1 its Wilson interval', async () => {
    const { currentMetricsShape } = await import('../../../src/results/metrics-compat.js');
    const old = { search: { best: 2, family: 'cnn' }, holdout: { confusion: { tp: 75, fp: 0, tn: 750, fn: 5 }, intervals: { precision: { estimate: 1, low: 1, high: 1 }, f1: { estimate: 0.9, low: 0.8, high: 0.95 } } } };
    const now = currentMetricsShape(old) as { search: Record<string, unknown>; holdout: { intervals: Record<string, { low: number; method?: string }> } };
    expect(now.search).toEqual({ bestTrial: 3, family: 'cnn' });
    expect(now.holdout.intervals.precision!.method).toBe('wilson');
    expect(now.holdout.intervals.precision!.low).toBeLessThan(1);
    expect(now.holdout.intervals.f1).toEqual({ estimate: 0.9, low: 0.8, high: 0.95 });
    // the current shape stays as it is
    expect(currentMetricsShape(now as never)).toEqual(now);
  });
});
