import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRunFolder, labelProblem, newRunId, RUN_FILES, RUN_ID, runsGitignore } from '../../../src/store/run-folder.js';
import { listRuns, resolveRun } from '../../../src/store/run-status.js';
import { pruneIncomplete, removeRuns } from '../../../src/store/run-remove.js';

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

describe('listRuns, resolveRun and run status', () => {
  let runs: string;
  beforeEach(async () => { runs = await mkdtemp(path.join(tmpdir(), 'assay-runs-')); });
  afterEach(async () => rm(runs, { recursive: true, force: true }));

  type Kind = 'finished' | 'failed' | 'interrupted' | 'no-lock';
  const make = async (name: string, id: string, kind: Kind, extra: Record<string, unknown> = {}) => {
    const dir = await createRunFolder(runs, name, id as never);
    // A finished or failed run clears its running mark; a killed one leaves it behind (dead pid).
    await writeFile(path.join(dir, 'running.json'), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), startedAt: '2026-11-29T07:00:00.000Z' }));
    if (kind !== 'failed' && kind !== 'interrupted') {
      await writeFile(path.join(dir, 'metrics.json'), JSON.stringify({ objective: { metric: 'f1' }, holdout: { metrics: { f1: 0.5 } } }));
    }
    if (kind !== 'no-lock') {
      const error = kind === 'failed' ? { stage: 'search', message: 'out of memory' } : kind === 'interrupted' ? { stage: 'search', message: 'interrupted by SIGINT during stage search' } : undefined;
      await writeFile(path.join(dir, 'lock.json'), JSON.stringify({ pipeline: { version: 3 }, createdAt: '2026-11-29T07:00:00.000Z', status: kind, error, ...extra }));
      await rm(path.join(dir, 'running.json'));
    }
    return dir;
  };

  it('lists runs oldest first with status and objective', async () => {
    await make('b', '20261129-070000-001-aaaa', 'finished');
    await make('a', '20261129-070000-000-ffff', 'failed');
    const list = await listRuns(runs);
    expect(list.map((r) => [r.name, r.status, r.objective?.holdout ?? null])).toEqual([['a', 'failed', null], ['b', 'finished', 0.5]]);
    expect(list[0]!.detail).toBe('stage search: out of memory');
    expect(list[1]!.version).toBe(3);
  });

  it('reads a folder with metrics but no lock (killed while writing the report) as incomplete, never finished', async () => {
    await make('x', '20261129-070000-000-aaaa', 'finished');
    const killed = await make('x', '20261129-070000-001-bbbb', 'no-lock');
    const [, r] = await listRuns(runs);
    expect(r!.status).toBe('incomplete');
    expect(r!.objective).toBeNull();
    expect(r!.detail).toMatch(/no finished lock\.json: the run was killed or ran out of disk; it had written metrics\.json/);
    // latest means the latest finished run
    expect((await resolveRun(runs, 'latest')).id).toBe('20261129-070000-000-aaaa');
    expect((await resolveRun(runs, 'x@latest')).id).toBe('20261129-070000-000-aaaa');
    expect((await resolveRun(runs, killed)).status).toBe('incomplete');
  });

  it.runIf(process.platform !== 'win32')('reads a run folder from elsewhere without hanging: records that are a FIFO or a link to /dev/zero are unreadable', async () => {
    const dir = await make('c', '20261129-070000-002-aaaa', 'no-lock');
    await rm(path.join(dir, 'running.json'));
    execFileSync('mkfifo', [path.join(dir, 'lock.json')]);
    execFileSync('mkfifo', [path.join(dir, 'note.md')]);
    await rm(path.join(dir, 'metrics.json'));
    await symlink('/dev/zero', path.join(dir, 'metrics.json'));
    const list = await listRuns(runs);
    expect(list.map((r) => [r.name, r.status, r.version, r.note])).toEqual([['c', 'incomplete', null, null]]);
  });

  it('tells failed, interrupted and running apart', async () => {
    await make('x', '20261129-070000-000-aaaa', 'interrupted');
    await make('x', '20261129-070000-001-bbbb', 'failed', { status: 'failed', error: { stage: 'ingest', message: 'interrupted by SIGTERM during stage ingest' } });
    const live = await createRunFolder(runs, 'x', '20261129-070000-002-cccc' as never);
    const statuses = (await listRuns(runs)).map((r) => r.status);
    expect(statuses).toEqual(['interrupted', 'interrupted', 'running']);
    expect(JSON.parse(await readFile(path.join(live, 'running.json'), 'utf8')).pid).toBe(process.pid);
    await expect(resolveRun(runs, 'latest')).rejects.toThrow(/no finished runs under .*\(3 runs without a finished lock; see `assay runs`\)/);
  });

  it('resolves ids, unique prefixes, labels, latest and NAME@latest, and says when a reference is ambiguous or unknown', async () => {
    await make('x', '20261129-070000-000-aaaa', 'finished', { label: 'baseline' });
    await make('x', '20261129-070000-001-bbbb', 'finished');
    await make('y', '20261129-070000-002-cccc', 'finished');
    expect((await resolveRun(runs, '20261129-070000-001')).id).toBe('20261129-070000-001-bbbb');
    expect((await resolveRun(runs, 'baseline')).id).toBe('20261129-070000-000-aaaa');
    expect((await resolveRun(runs, 'latest')).id).toBe('20261129-070000-002-cccc');
    expect((await resolveRun(runs, 'x@latest')).id).toBe('20261129-070000-001-bbbb');
    await expect(resolveRun(runs, '20261129-0700')).rejects.toThrow(/ambiguous/);
    await expect(resolveRun(runs, 'nope')).rejects.toThrow(/no run "nope"/);
    await expect(resolveRun(runs, 'z@latest')).rejects.toThrow(/no finished runs of z/);
  });

  it('writes a .gitignore that keeps every committed record in git and the rest out, and updates one it wrote before', async () => {
    await writeFile(path.join(runs, '.gitignore'), '# written by assay: large artifacts stay out of git\n.cache/\n*/*/predictions.csv\n');
    await make('x', '20261129-070000-000-aaaa', 'finished');
    const text = await readFile(path.join(runs, '.gitignore'), 'utf8');
    expect(text).toBe(runsGitignore());
    for (const f of RUN_FILES) expect(text.includes(`*/*/${f.path}`), f.path).toBe(!f.committed);
    expect(text).not.toContain('predictions.csv');
    // A .gitignore the user wrote is theirs.
    await writeFile(path.join(runs, '.gitignore'), 'mine\n');
    await make('x', '20261129-070000-001-aaaa', 'finished');
    expect(await readFile(path.join(runs, '.gitignore'), 'utf8')).toBe('mine\n');
  });

  it('removes runs by reference, and prunes every run without a finished lock but never a running one', async () => {
    const done = await make('x', '20261129-070000-000-aaaa', 'finished', { label: 'keep-me' });
    const failed = await make('x', '20261129-070000-001-bbbb', 'failed');
    const killed = await make('x', '20261129-070000-002-cccc', 'no-lock');
    const live = await createRunFolder(runs, 'x', '20261129-070000-003-dddd' as never);
    const other = await make('y', '20261129-070000-004-eeee', 'finished');
    const dry = await pruneIncomplete(runs, { dryRun: true });
    expect(dry.removed.map((r) => r.dir)).toEqual([failed, killed]);
    expect(existsSync(failed) && existsSync(killed)).toBe(true);
    await pruneIncomplete(runs);
    expect([done, failed, killed, live, other].map(existsSync)).toEqual([true, false, false, true, true]);
    await expect(removeRuns(runs, ['20261129-070000-003'])).rejects.toThrow(/still running/);
    await removeRuns(runs, ['keep-me', 'y@latest']);
    expect([done, live, other].map(existsSync)).toEqual([false, true, false]);
  });

  it('does not treat a folder that is not shaped like a run as one', async () => {
    await mkdir(path.join(runs, 'x', 'notes'), { recursive: true });
    await writeFile(path.join(runs, 'x', 'notes', 'lock.json'), '{"status":"finished"}');
    expect(await listRuns(runs)).toEqual([]);
    await expect(removeRuns(runs, [path.join(runs, 'x', 'notes')])).rejects.toThrow(/not a run folder/);
  });
});

describe('run names (--name)', () => {
  it('refuses names that would be read as latest, a run id or prefix, or a path', () => {
    expect(labelProblem('baseline')).toBeNull();
    expect(labelProblem('wide images v2')).toBeNull();
    expect(labelProblem('latest')).toMatch(/latest/);
    expect(labelProblem('tiny@latest')).toMatch(/latest/);
    expect(labelProblem('20261129-0700')).toMatch(/run id/);
    expect(labelProblem('a/b')).toMatch(/slashes/);
    expect(labelProblem(' x')).toMatch(/spaces/);
    expect(labelProblem('')).toMatch(/non-empty/);
  });
});
