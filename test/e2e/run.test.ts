/**
 * The engine end to end, through the CLI: a real (tiny) model on the synthetic data, the run
 * folder, the cache (hits, partial invalidation, corruption, concurrent runs) and failure paths.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assay, tempProject, TINY_PIPELINE } from './cli.js';

interface JsonRun { run: string; dir: string; metrics: { holdout: { metrics: Record<string, number> } } }
interface Lock { status: string; stages: { name: string; key: string; cached: boolean }[]; pipeline: { search: { trials: number } }; overrides: string[]; backend: { name: string }; git: unknown; environment: { node: string } }

const stagesOf = async (dir: string) => (JSON.parse(await readFile(path.join(dir, 'lock.json'), 'utf8')) as Lock).stages;

describe('assay run (end to end)', () => {
  let cwd: string;
  let first: JsonRun;

  beforeAll(async () => {
    cwd = await tempProject({ 'tiny.yaml': TINY_PIPELINE });
    const r = await assay(['run', 'tiny.yaml', '--json'], { cwd });
    expect(r.stderr).toContain('search');
    expect(r.exitCode, r.stderr).toBe(0);
    first = JSON.parse(r.stdout) as JsonRun;
  }, 300_000);
  afterAll(async () => rm(cwd, { recursive: true, force: true }));

  it('prints one JSON object with the run id, folder and metrics on stdout', () => {
    expect(first.run).toMatch(/^\d{8}-\d{6}-\d{3}-[0-9a-f]{4}$/);
    expect(first.dir).toBe(path.join(cwd, 'runs', 'tiny', first.run));
    const f1 = first.metrics.holdout.metrics.f1!;
    expect(f1).toBeGreaterThanOrEqual(0);
    expect(f1).toBeLessThanOrEqual(1);
  });

  it('writes every file of the run folder', async () => {
    const files = await readdir(first.dir);
    for (const f of ['pipeline.yaml', 'lock.json', 'metrics.json', 'trials.jsonl', 'predictions.csv', 'report.md', 'report.html', 'model', 'holdout.json']) {
      expect(files, f).toContain(f);
    }
    expect(await readFile(path.join(first.dir, 'pipeline.yaml'), 'utf8')).toBe(TINY_PIPELINE);
    const model = await readdir(path.join(first.dir, 'model'));
    expect(model.sort()).toEqual(['model.json', 'preprocess.json', 'weights.bin']);
    const lock = JSON.parse(await readFile(path.join(first.dir, 'lock.json'), 'utf8')) as Lock;
    expect(lock.status).toBe('finished');
    expect(lock.stages.map((s) => s.name)).toEqual(['ingest', 'decode', 'holdout', 'sample', 'split', 'features', 'resample', 'search', 'evaluate']);
    expect(lock.backend.name).toBe('wasm');
    expect(lock.environment.node).toBe(process.version);
    const trials = (await readFile(path.join(first.dir, 'trials.jsonl'), 'utf8')).trim().split('\n');
    expect(trials).toHaveLength(2);
    const csv = (await readFile(path.join(first.dir, 'predictions.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('ref,id,label,probability,prediction');
    expect(csv).toHaveLength(1 + 30); // 25% of 120 items held out, stratified: 10 crack + 20 no-crack
    const html = await readFile(path.join(first.dir, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/(src|href)="https?:/);
  });

  it('restores every stage from the cache on an unchanged rerun, with identical metrics', async () => {
    const r = await assay(['run', 'tiny.yaml', '--json'], { cwd });
    expect(r.exitCode, r.stderr).toBe(0);
    const second = JSON.parse(r.stdout) as JsonRun;
    expect(second.run).not.toBe(first.run);
    expect((await stagesOf(second.dir)).every((s) => s.cached)).toBe(true);
    expect(second.metrics.holdout).toEqual(first.metrics.holdout);
    expect(r.stderr).toMatch(/search\s+cached/);
  });

  it('reruns only the changed stage and those after it, and records the override', async () => {
    const r = await assay(['run', 'tiny.yaml', '--json', '--set', 'features[2].normalize.method=min-max'], { cwd });
    expect(r.exitCode, r.stderr).toBe(0);
    const run = JSON.parse(r.stdout) as JsonRun;
    const cached = Object.fromEntries((await stagesOf(run.dir)).map((s) => [s.name, s.cached]));
    expect(cached).toEqual({ ingest: true, decode: true, holdout: true, sample: true, split: true, features: false, resample: false, search: false, evaluate: false });
    const lock = JSON.parse(await readFile(path.join(run.dir, 'lock.json'), 'utf8')) as Lock;
    expect(lock.overrides).toEqual(['features[2].normalize.method=min-max']);
    const explain = await assay(['explain', run.run, '--against', first.run], { cwd });
    expect(explain.exitCode, explain.stderr).toBe(0);
    expect(explain.stdout).toMatch(/features .*changed:\n\s+params\.steps\[0\]\.method: "standard" -> "min-max"/);
  });

  it('recomputes a corrupted cache entry with a warning instead of trusting it', async () => {
    const cacheRoot = path.join(cwd, 'runs', '.cache', 'decode');
    const shard = (await readdir(cacheRoot))[0]!;
    const key = (await readdir(path.join(cacheRoot, shard)))[0]!;
    const images = path.join(cacheRoot, shard, key, 'images.bin');
    const bytes = await readFile(images);
    bytes[0] = bytes[0]! ^ 0xff;
    await writeFile(images, bytes);
    const r = await assay(['run', 'tiny.yaml', '--json'], { cwd });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/cache entry decode\/\w+ is corrupt \(images\.bin does not match its checksum\)/);
    const run = JSON.parse(r.stdout) as JsonRun;
    const cached = Object.fromEntries((await stagesOf(run.dir)).map((s) => [s.name, s.cached]));
    expect(cached.decode).toBe(false);
    expect(cached.holdout).toBe(true); // same decoded bytes -> same key downstream
    expect(run.metrics.holdout).toEqual(first.metrics.holdout);
  });

  it('lists runs and shows one', async () => {
    const runs = await assay(['runs'], { cwd });
    expect(runs.exitCode).toBe(0);
    expect(runs.stdout).toContain(first.run);
    expect(runs.stdout).toMatch(new RegExp(`${first.run}\\s+tiny\\s+v1\\s+finished\\s+(\\S+\\s+)*\\d\\.\\d{4}`));
    const show = await assay(['show', first.run.slice(0, 19)], { cwd });
    expect(show.exitCode).toBe(0);
    // where the files are, first; then the headline metrics
    expect(show.stdout.split('\n').slice(0, 4).map((l) => l.split(/\s+/)[0])).toEqual(['run', 'folder', 'report', 'status']);
    expect(show.stdout).toMatch(/^ {2}f1 +\d\.\d{4}/m);
    const md = await assay(['show', first.run.slice(0, 19), '--md'], { cwd });
    expect(md.stdout).toContain('## Hold-out result');
  });

  it('reports cache status and keeps what runs refer to on gc', async () => {
    const status = await assay(['cache', 'status', '--json'], { cwd });
    const before = JSON.parse(status.stdout) as { entries: number };
    expect(before.entries).toBeGreaterThan(9);
    const gc = await assay(['cache', 'gc', '--json'], { cwd });
    expect(gc.exitCode).toBe(0);
    const again = await assay(['run', 'tiny.yaml', '--json'], { cwd });
    const run = JSON.parse(again.stdout) as JsonRun;
    expect((await stagesOf(run.dir)).every((s) => s.cached)).toBe(true);
  });
});

describe('assay run failure paths', () => {
  it('never starts work on an invalid pipeline and reports every problem located', async () => {
    const bad = TINY_PIPELINE.replace('  - grayscale: {}', '  - greyscale: {}').replace('trials: 2', 'trials: -1');
    const cwd = await tempProject({ 'bad.yaml': bad });
    const r = await assay(['run', 'bad.yaml'], { cwd });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^bad\.yaml:14:5 error\[schema\.\S+\] .*greyscale.*grayscale/m);
    expect(r.stderr).toMatch(/^bad\.yaml:24:\d+ error\[schema\.\S+\]/m);
    expect(existsSync(path.join(cwd, 'runs'))).toBe(false);
    await rm(cwd, { recursive: true, force: true });
  });

  it('says which pipeline file it cannot read, as the user named it', async () => {
    const cwd = await tempProject();
    const r = await assay(['run', 'missing.yaml'], { cwd });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^missing\.yaml:1:1 error\[file\.read\] cannot read the pipeline: no such file$/m);
    expect(existsSync(path.join(cwd, 'runs'))).toBe(false);
    await rm(cwd, { recursive: true, force: true });
  });

  it('rejects a sample larger than the data with the real numbers, at the key', async () => {
    const big = TINY_PIPELINE.replace('holdout: { fraction: 0.25 }', 'holdout: { fraction: 0.25 }\nsampling: { counts: { crack: 500, no-crack: 10 } }');
    const cwd = await tempProject({ 'big.yaml': big });
    const r = await assay(['run', 'big.yaml'], { cwd });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^big\.yaml:11:\d+ error\[\S+\] .*500.*crack.*30/m);
    await rm(cwd, { recursive: true, force: true });
  });

  it('stops before training naming every unreadable image, or skips them on request', async () => {
    const cwd = await tempProject();
    const { writeSyntheticFolder } = await import('../../src/data/synth.js');
    await writeSyntheticFolder(path.join(cwd, 'imgs'), { counts: { crack: 30, 'no-crack': 40 }, size: 32, seed: 3, hardNegatives: 0.3 });
    await writeFile(path.join(cwd, 'imgs', 'crack', 'broken-1.png'), 'not an image');
    await writeFile(path.join(cwd, 'imgs', 'no-crack', 'broken-2.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x01]));
    const pipeline = TINY_PIPELINE.replace(/data:\n(  .*\n)+/, 'data:\n  source: image-folder\n  path: imgs\n  classes: { crack: crack, no-crack: no-crack }\n  positive: crack\n');
    await writeFile(path.join(cwd, 'folder.yaml'), pipeline);
    const failed = await assay(['run', 'folder.yaml'], { cwd });
    // Unusable data is refused like an invalid pipeline: exit 2, located at each class, no run folder.
    expect(failed.exitCode).toBe(2);
    expect(failed.stderr).toMatch(/^folder\.yaml:\d+:\d+ error\[data\.unreadable\] class crack: 1 file could not be decoded: crack\/broken-1\.png/m);
    expect(failed.stderr).toMatch(/^folder\.yaml:\d+:\d+ error\[data\.unreadable\] class no-crack: 1 file could not be decoded: no-crack\/broken-2\.jpg/m);
    expect(failed.stderr).not.toMatch(/search\s/);
    expect(existsSync(path.join(cwd, 'runs', 'tiny'))).toBe(false);
    const skipped = await assay(['run', 'folder.yaml', '--json', '--set', 'data.on-error=skip'], { cwd });
    expect(skipped.exitCode, skipped.stderr).toBe(0);
    const report = await readFile(path.join((JSON.parse(skipped.stdout) as JsonRun).dir, 'report.md'), 'utf8');
    expect(report).toContain('broken-1.png');
    await rm(cwd, { recursive: true, force: true });
  });
});
