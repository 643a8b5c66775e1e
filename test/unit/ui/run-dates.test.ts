/**
 * The runs tables show a run's start the same way in the terminal (`assay runs`) and in the UI:
 * local time to the minute, with the full ISO timestamp in `--json` and on hover in the UI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localMinute } from '../../../src/core/local-time.js';
import { renderRunsMarkdown, renderRunsText, runsTable } from '../../../src/results/runs-table.js';
import type { RunSummary } from '../../../src/store/run-status.js';
import { dateCell } from '../../../ui/src/dom.js';

const ISO = '2026-11-29T23:40:05.123Z';
const run: RunSummary = {
  id: '20261129-234005-123-aaaa', dir: '/runs/p/x', name: 'p', version: 1, status: 'finished', detail: null, label: null, note: null,
  objective: null, metrics: {}, holdoutFingerprint: null, pipeline: { name: 'p' }, createdAt: ISO,
};

const saved = process.env.TZ;
// A zone half an hour off UTC and past midnight there: neither UTC nor a truncated ISO string passes.
beforeAll(() => { process.env.TZ = 'Asia/Kolkata'; });
afterAll(() => { if (saved === undefined) delete process.env.TZ; else process.env.TZ = saved; });

describe('run start times', () => {
  it('are local time to the minute', () => {
    expect(localMinute(ISO)).toBe('2026-11-30 05:10');
    expect(localMinute('not a time')).toBe('not a time');
  });

  it('assay runs prints them so, and --json keeps the ISO timestamp', () => {
    const t = runsTable([run], { columns: ['run', 'started'] });
    expect(t.rows).toEqual([{ run: run.id, started: ISO }]);
    expect(renderRunsText(t).split('\n')[1]).toBe(`${run.id}  2026-11-30 05:10`);
    expect(renderRunsMarkdown(t)).toContain(`| ${run.id} | 2026-11-30 05:10 |`);
  });

  it('the UI shows the same text, with the ISO timestamp on hover, escaped', () => {
    expect(dateCell(ISO)).toBe(`<td class="time" title="${ISO}">2026-11-30 05:10</td>`);
    expect(dateCell(null)).toBe('<td class="time">–</td>');
    expect(dateCell('"><b>x')).toBe('<td class="time" title="&quot;&gt;&lt;b&gt;x">&quot;&gt;&lt;b&gt;x</td>');
  });
});
