/**
 * The flagship pipeline on the real photos in ../shared (skipped when they are absent): all
 * 16,500 photos are listed and decoded, the 160:1 sample and the 5% hold-out have the protocol's
 * exact sizes, and a second run finds every stage in the cache.
 */
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assay, ROOT, tempProject } from './cli.js';

const DATA = path.resolve(ROOT, '../shared/data/concrete-crack');

interface JsonRun { dir: string; metrics: { holdout: { n: number; positives: number } } }
interface Lock { stages: { name: string; cached: boolean; seconds: number; summary: string }[] }

describe.skipIf(!existsSync(DATA))('crack-seed on the real photos', () => {
  it('ingests all 16,500 photos, holds out 5% stratified, samples 160:1, and reruns from the cache', async () => {
    const cwd = await tempProject();
    const args = ['run', path.join(ROOT, 'pipelines/crack-seed.yaml'), '--json', '--set', `data.path=${DATA}`,
      '--set', 'search.trials=1', '--set', 'search.parallel=1', '--set', 'model.training.epochs=1', '--set', 'report.bootstrap=100'];
    const first = await assay(args, { cwd, timeoutMs: 280_000 });
    expect(first.exitCode, first.stderr).toBe(0);
    const run = JSON.parse(first.stdout) as JsonRun;
    const lock = JSON.parse(await readFile(path.join(run.dir, 'lock.json'), 'utf8')) as Lock;
    const summary = Object.fromEntries(lock.stages.map((s) => [s.name, s.summary]));
    expect(summary.ingest).toBe('16500 items (crack 1500, no-crack 15000)');
    expect(summary.decode).toBe('16500 images 64x64x1');
    expect(summary.holdout).toBe('825 held out, 15675 in the pool');
    expect(summary.sample).toBe('crack 88, no-crack 14000');
    expect(run.metrics.holdout).toMatchObject({ n: 825, positives: 75 });

    const second = await assay(args, { cwd, timeoutMs: 120_000 });
    expect(second.exitCode, second.stderr).toBe(0);
    const again = JSON.parse(await readFile(path.join((JSON.parse(second.stdout) as JsonRun).dir, 'lock.json'), 'utf8')) as Lock;
    expect(again.stages.every((s) => s.cached)).toBe(true);
    await rm(cwd, { recursive: true, force: true });
  }, 400_000);
});
