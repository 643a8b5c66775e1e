/**
 * Runs as a team's record, end to end through the CLI: cache gc never touches what is not a cache
 * entry or what a run uses (also when the cache is the runs folder itself); --name/--note, the
 * comparison table and the hold-out ledger; a fresh clone of the committed records supports
 * runs, show and a paired diff, and predict says how to get the model it lacks; a search cut short
 * by its time budget is never stored.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../src/index.js';
import { silentProgress } from '../../src/stages/progress.js';
import { TINY_PIPELINE, assay } from './cli.js';

interface JsonRun { readonly run: string; readonly dir: string }
interface Lock { readonly stages: { name: string; key: string; cached: boolean; stored?: boolean }[]; readonly label?: string; readonly status: string }

let cwd: string;
const cleanup: string[] = [];
afterAll(async () => { for (const d of cleanup) await rm(d, { recursive: true, force: true }); });

async function git(dir: string, ...args: string[]): Promise<string> {
  return (await execa('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...args], { cwd: dir })).stdout;
}

async function run(args: readonly string[], dir = cwd): Promise<JsonRun> {
  const r = await assay(['run', ...args, '--json'], { cwd: dir });
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as JsonRun;
}

const lockOf = async (dir: string) => JSON.parse(await readFile(path.join(dir, 'lock.json'), 'utf8')) as Lock;

let base: JsonRun, wide: JsonRun;
beforeAll(async () => {
  cwd = await mkdtemp(path.join(tmpdir(), 'assay-e2e-records-'));
  cleanup.push(cwd);
  await writeFile(path.join(cwd, 'tiny.yaml'), TINY_PIPELINE);
  await git(cwd, 'init', '-q');
  base = await run(['tiny.yaml', '--name', 'base', '--note', 'first try']);
  wide = await run(['tiny.yaml', '--set', 'features[0].resize.width=20', '--name', 'wide']);
}, 240_000);

describe('cache gc', () => {
  it('refuses a folder that is not a marked cache, and leaves its files alone', async () => {
    const v = path.join(cwd, 'v');
    await mkdir(path.join(v, 'a', 'b', 'c'), { recursive: true });
    await mkdir(path.join(v, 'tmp'));
    await writeFile(path.join(v, 'a', 'b', 'c', 'f'), 'x\n');
    await writeFile(path.join(v, 'tmp', 'notes'), 'n\n');
    const gc = await assay(['cache', 'gc', '--cache-dir', 'v'], { cwd });
    expect(gc.exitCode).toBe(2);
    expect(gc.stderr).toMatch(/error\[cache\.unmarked\] .*v is not marked as an assay cache/);
    expect(existsSync(path.join(v, 'a', 'b', 'c', 'f')) && existsSync(path.join(v, 'tmp', 'notes'))).toBe(true);
  });

  it('with the cache in the runs folder itself, keeps every run folder and what the runs use', async () => {
    const r = await run(['tiny.yaml', '--runs-dir', 'rd', '--cache-dir', 'rd']);
    const dry = await assay(['cache', 'gc', '--runs-dir', 'rd', '--cache-dir', 'rd', '--dry-run'], { cwd });
    expect(dry.stdout).toMatch(/^would remove 0 entries/m);
    const gc = await assay(['cache', 'gc', '--runs-dir', 'rd', '--cache-dir', 'rd', '--json'], { cwd });
    expect(gc.exitCode, gc.stderr).toBe(0);
    expect(JSON.parse(gc.stdout)).toMatchObject({ removed: [], liveRuns: 1 });
    for (const f of ['lock.json', 'metrics.json', 'report.md', 'model']) expect(existsSync(path.join(r.dir, f)), f).toBe(true);
    const show = await assay(['show', 'latest', '--runs-dir', 'rd'], { cwd });
    expect(show.exitCode).toBe(0);
    const again = await run(['tiny.yaml', '--runs-dir', 'rd', '--cache-dir', 'rd']);
    expect((await lockOf(again.dir)).stages.every((s) => s.cached)).toBe(true);
  }, 120_000);

  it('from another repository sharing the cache, keeps the entries this repository\'s runs use', async () => {
    const other = await mkdtemp(path.join(tmpdir(), 'assay-e2e-other-'));
    cleanup.push(other);
    const shared = path.join(cwd, 'runs', '.cache');
    const gc = await assay(['cache', 'gc', '--cache-dir', shared, '--json'], { cwd: other });
    expect(gc.exitCode, gc.stderr).toBe(0);
    expect(JSON.parse(gc.stdout).removed).toEqual([]);
    const again = await run(['tiny.yaml']);
    expect((await lockOf(again.dir)).stages.every((s) => s.cached)).toBe(true);
    await assay(['runs', 'rm', again.run], { cwd });
  }, 120_000);
});

describe('a record a team can read', () => {
  it('lists runs as a comparison table with names, notes, differing parameters and the hold-out ledger', async () => {
    const t = await assay(['runs'], { cwd });
    expect(t.exitCode, t.stderr).toBe(0);
    const [head, ...rows] = t.stdout.split('\n');
    expect(head).toMatch(/^RUN\s+PIPELINE\s+VERSION\s+NAME\s+STATUS\s+features\[0\]\.resize\.width\s+F1\s+MCC\s+FNR\s+SCORED\s+STARTED\s+NOTE$/);
    expect(rows.find((l) => l.startsWith(base.run))).toMatch(/tiny\s+v1\s+base\s+finished\s+24\s+\d\.\d{4}\s+\S+\s+\S+\s+2!\s+.*first try$/);
    expect(rows.find((l) => l.startsWith(wide.run))).toMatch(/tiny\s+v1\s+wide\s+finished\s+20\s+/);
    expect(t.stdout).toContain('choosing among them makes its estimate optimistic');
    const json = await assay(['runs', '--where', 'features[0].resize.width<24', '--columns', 'run,name,scored', '--json'], { cwd });
    expect(JSON.parse(json.stdout)).toEqual([{ run: wide.run, name: 'wide', scored: 2 }]);
    const md = await assay(['runs', '--sort', 'f1:desc', '--md', '--columns', 'name,f1'], { cwd });
    expect(md.stdout.split('\n').slice(0, 2)).toEqual(['| name | f1 |', '| --- | --- |']);
    const f1s = md.stdout.split('\n').slice(2).map((l) => Number(l.split('|')[2]));
    expect(f1s).toEqual([...f1s].sort((a, b) => b - a));
    const bad = await assay(['runs', '--where', 'f9>1'], { cwd });
    expect([bad.exitCode, bad.stderr]).toEqual([2, expect.stringMatching(/"f9" is not a column/)]);
  });

  it('keeps and edits notes, and names runs by their --name', async () => {
    expect((await assay(['runs', 'note', 'base'], { cwd })).stdout).toBe('first try');
    await assay(['runs', 'note', 'base', 'baseline for the width study'], { cwd });
    expect(await readFile(path.join(base.dir, 'note.md'), 'utf8')).toBe('baseline for the width study\n');
    expect((await lockOf(base.dir)).label).toBe('base');
    const badName = await assay(['run', 'tiny.yaml', '--name', 'latest'], { cwd });
    expect([badName.exitCode, badName.stderr]).toEqual([2, expect.stringMatching(/--name "latest" must not be "latest"/)]);
  });

  it('writes the hold-out ledger into the report and diff', async () => {
    expect(await readFile(path.join(base.dir, 'report.md'), 'utf8')).toContain('This is the first run of this experiment to score this hold-out.');
    expect(await readFile(path.join(wide.dir, 'report.md'), 'utf8')).toContain('This hold-out has been scored by 2 runs of this experiment');
    const d = await assay(['diff', 'base', 'wide'], { cwd });
    expect(d.exitCode, d.stderr).toBe(0);
    expect(d.stdout).toContain('This hold-out has been scored by 2 runs of this experiment; choosing among them makes its estimate optimistic.');
  });

  it('a fresh clone of the committed records supports runs, show and a paired diff; predict says how to get the model', async () => {
    await git(cwd, 'add', 'tiny.yaml', 'runs');
    await git(cwd, 'commit', '-qm', 'runs');
    const tracked = (await git(cwd, 'ls-files', 'runs')).split('\n');
    expect(tracked.some((f) => f.endsWith(`${base.run}/predictions.csv`))).toBe(true);
    expect(tracked.some((f) => f.includes('/model/') || f.endsWith('report.html') || f.includes('.cache/') || f.endsWith('running.json'))).toBe(false);
    const clone = await mkdtemp(path.join(tmpdir(), 'assay-e2e-clone-'));
    cleanup.push(clone);
    await execa('git', ['clone', '-q', cwd, clone]);
    const cloned = path.join(clone, 'runs', 'tiny', base.run);
    expect(existsSync(path.join(cloned, 'model'))).toBe(false);
    // report.md links only files the clone has.
    const report = await readFile(path.join(cloned, 'report.md'), 'utf8');
    const links = [...report.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(0);
    for (const l of links) expect(existsSync(path.join(cloned, l)), l).toBe(true);

    const runs = await assay(['runs', '--columns', 'name,status,scored', '--json'], { cwd: clone });
    expect(JSON.parse(runs.stdout)).toEqual([{ name: 'base', status: 'finished', scored: 2 }, { name: 'wide', status: 'finished', scored: 2 }]);
    const show = await assay(['show', 'base', '--md'], { cwd: clone });
    expect([show.exitCode, show.stdout]).toEqual([0, expect.stringContaining('## Hold-out result')]);
    // the summary names the report that is there: report.md (report.html is not committed)
    const summary = await assay(['show', 'base'], { cwd: clone });
    expect(summary.stdout).toMatch(/^report +runs\/tiny\/\S+\/report\.md$/m);
    const d = await assay(['diff', 'base', 'wide'], { cwd: clone });
    expect(d.exitCode, d.stderr).toBe(0);
    expect(d.stdout).toMatch(/paired: both runs scored the same \d+ hold-out items/);
    const p = await assay(['predict', 'base', 'tiny.yaml'], { cwd: clone });
    expect(p.exitCode).toBe(2);
    expect(p.stderr).toMatch(/has no model .*kept out of git.*assay rerun .*copy the model\/ folder/);
  }, 60_000);
});

describe('a search cut short by its time budget', () => {
  it('is kept for its run only: the next run searches again (and reuses the finished trials)', async () => {
    const args = ['tiny.yaml', '--set', 'search.time=1', '--set', 'search.trials=200', '--runs-dir', 'timed'];
    const first = await run(args);
    const search = (await lockOf(first.dir)).stages.find((s) => s.name === 'search')!;
    const metrics = JSON.parse(await readFile(path.join(first.dir, 'metrics.json'), 'utf8')) as { search: { stoppedBy: string } };
    expect(metrics.search.stoppedBy).toBe('time');
    expect(search.stored).toBe(false);
    const second = await run(args);
    const stages = (await lockOf(second.dir)).stages;
    expect(stages.find((s) => s.name === 'search')!.cached).toBe(false);
    expect(stages.find((s) => s.name === 'evaluate')!.cached).toBe(false);
    expect(stages.find((s) => s.name === 'resample')!.cached).toBe(true);
    expect(await readdir(path.join(cwd, 'timed', '.cache', 'search')).catch(() => [])).toEqual([]);
  }, 120_000);
});

describe('package versions in cache keys', () => {
  it('an upgrade of tfjs misses the cache in the stages it shapes, and only there', async () => {
    const opts = { file: 'tiny.yaml', cwd, runsDir: 'versions', progress: silentProgress };
    const before = await runPipeline({ ...opts, versions: { '@tensorflow/tfjs-core': '4.21.0' } });
    const after = await runPipeline(opts);
    const trialKeys = async (dir: string) => (JSON.parse(await readFile(path.join(dir, 'lock.json'), 'utf8')) as { trialKeys: string[] }).trialKeys;
    expect(after.stages.map((s) => [s.name, s.cached])).toEqual([
      ['ingest', true], ['decode', true], ['holdout', true], ['sample', true], ['split', true], ['features', true], ['resample', true],
      ['search', false], ['evaluate', false],
    ]);
    expect(before.stages.find((s) => s.name === 'search')!.fingerprint.versions['@tensorflow/tfjs-core']).toBe('4.21.0');
    expect(after.stages.find((s) => s.name === 'search')!.fingerprint.versions['@tensorflow/tfjs-core']).not.toBe('4.21.0');
    const [tb, ta] = [await trialKeys(before.dir), await trialKeys(after.dir)];
    expect(ta.filter((k) => tb.includes(k))).toEqual([]);
    // An upgrade of assay itself misses everywhere.
    const assay2 = await runPipeline({ ...opts, versions: { assay: '99.0.0' } });
    expect(assay2.stages.every((s) => !s.cached)).toBe(true);
  }, 180_000);
});
