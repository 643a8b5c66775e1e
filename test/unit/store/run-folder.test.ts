import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRunFolder, listRuns, newRunId, resolveRun, RUN_ID } from '../../../src/store/run-folder.js';

describe('run ids', () => {
  it('sort by time to the millisecond, whatever the random suffix', () => {
    const t = Date.UTC(2026, 10, 29, 7, 22, 26, 5);
    const ids = [0, 1, 2, 999, 1000].map((ms) => newRunId(new Date(t + ms)));
    expect(ids.every((id) => RUN_ID.test(id))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]!.slice(0, 19)).toBe('20261129-072226-005');
  });

  it('differ for two runs started in the same millisecond', () => {
    const now = new Date(Date.UTC(2026, 0, 1));
    const seen = new Set(Array.from({ length: 50 }, () => newRunId(now)));
    expect(seen.size).toBeGreaterThan(45);
  });
});

describe('listRuns and resolveRun', () => {
  let runs: string;
  beforeEach(async () => { runs = await mkdtemp(path.join(tmpdir(), 'assay-runs-')); });
  afterEach(async () => rm(runs, { recursive: true, force: true }));

  const make = async (name: string, id: string, finished: boolean) => {
    const dir = await createRunFolder(runs, name, id as never);
    await writeFile(path.join(dir, 'lock.json'), JSON.stringify({ pipeline: { version: 3 }, createdAt: '2026-11-29T07:00:00.000Z', status: finished ? 'finished' : 'failed' }));
    if (finished) await writeFile(path.join(dir, 'metrics.json'), JSON.stringify({ objective: { metric: 'f1' }, holdout: { metrics: { f1: 0.5 } } }));
    return dir;
  };

  it('lists runs oldest first with status and objective, and keeps a .gitignore for bulky files', async () => {
    await make('b', '20261129-070000-001-aaaa', true);
    await make('a', '20261129-070000-000-ffff', false);
    const list = await listRuns(runs);
    expect(list.map((r) => [r.name, r.status, r.objective?.holdout ?? null])).toEqual([['a', 'failed', null], ['b', 'finished', 0.5]]);
    expect(list[1]!.version).toBe(3);
  });

  it('resolves ids, unique prefixes, latest and NAME@latest, and says when a reference is ambiguous or unknown', async () => {
    await make('x', '20261129-070000-000-aaaa', true);
    await make('x', '20261129-070000-001-bbbb', true);
    await make('y', '20261129-070000-002-cccc', true);
    expect((await resolveRun(runs, '20261129-070000-001')).id).toBe('20261129-070000-001-bbbb');
    expect((await resolveRun(runs, 'latest')).id).toBe('20261129-070000-002-cccc');
    expect((await resolveRun(runs, 'x@latest')).id).toBe('20261129-070000-001-bbbb');
    await expect(resolveRun(runs, '20261129-0700')).rejects.toThrow(/ambiguous/);
    await expect(resolveRun(runs, 'nope')).rejects.toThrow(/no run "nope"/);
    await expect(resolveRun(runs, 'z@latest')).rejects.toThrow(/no runs of z/);
  });
});
