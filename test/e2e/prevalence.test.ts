/**
 * objective.prevalence end to end through the CLI: validation drawn at 1 crack per 8 negatives
 * from a 1:2 source. Tuned for the source's mix (`source`) the threshold comes out lower than
 * tuned for the sample's (`sample`, the default); the run records the share and the weights, and
 * a pipeline that leaves prevalence at its default keeps the cache keys it had.
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TINY_PIPELINE, assay, tempProject } from './cli.js';

interface JsonRun { readonly run: string; readonly dir: string; readonly metrics: Record<string, any> }
interface Lock {
  readonly pipeline: { objective: { prevalence: unknown } };
  readonly stages: { name: string; key: string; cached: boolean; fingerprint: { params: Record<string, any> } }[];
}

// Source 80 crack : 160 no-crack (1:2); after the hold-out 60:120, sampled at 1:8 -> 15:120.
const SKEWED = TINY_PIPELINE
  .replace('counts: { crack: 40, no-crack: 80 }', 'counts: { crack: 80, no-crack: 160 }')
  .replace('holdout: { fraction: 0.25 }', 'holdout: { fraction: 0.25 }\nsampling: { ratio: { crack: 1, no-crack: 8 } }');
const cleanup: string[] = [];
afterAll(async () => { for (const d of cleanup) await rm(d, { recursive: true, force: true }); });

async function run(cwd: string, file: string): Promise<JsonRun> {
  const r = await assay(['run', file, '--json'], { cwd });
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as JsonRun;
}
const readJson = async <T>(file: string): Promise<T> => JSON.parse(await readFile(file, 'utf8')) as T;
const key = (lock: Lock, stage: string) => lock.stages.find((s) => s.name === stage)!.key;

describe('objective.prevalence', () => {
  it('tunes a lower threshold for the 1:2 source than for the 1:8 sample, and records the share', async () => {
    const cwd = await tempProject({
      'sample.yaml': SKEWED,
      'explicit.yaml': SKEWED.replace('objective: { metric: f1, threshold: tune }', 'objective: { metric: f1, threshold: tune, prevalence: sample }'),
      'source.yaml': SKEWED.replace('objective: { metric: f1, threshold: tune }', 'objective: { metric: f1, threshold: tune, prevalence: source }'),
    });
    cleanup.push(cwd);
    const sample = await run(cwd, 'sample.yaml');
    const source = await run(cwd, 'source.yaml');

    expect(sample.metrics.objective.prevalence).toBeUndefined();
    const p = source.metrics.objective.prevalence as { kind: string; share: number; negativeWeights: number[] };
    expect(p.kind).toBe('source');
    expect(p.share).toBeCloseTo(1 / 3, 12);
    expect(p.negativeWeights).toHaveLength(1);
    // Validation is about 1:8, so each negative counts about 8/2 = 4... less than one: (pos/neg) * 2.
    expect(p.negativeWeights[0]!).toBeGreaterThan(0.1);
    expect(p.negativeWeights[0]!).toBeLessThan(0.5);
    expect(source.metrics.objective.threshold).toBeLessThan(sample.metrics.objective.threshold);

    const sampleLock = await readJson<Lock>(path.join(sample.dir, 'lock.json'));
    const sourceLock = await readJson<Lock>(path.join(source.dir, 'lock.json'));
    expect(sampleLock.pipeline.objective.prevalence).toBe('sample');
    expect(sourceLock.pipeline.objective.prevalence).toBe('source');
    expect(sourceLock.stages.find((s) => s.name === 'search')!.fingerprint.params['objective'].prevalence).toEqual({ kind: 'source' });
    expect(sampleLock.stages.find((s) => s.name === 'search')!.fingerprint.params['objective'].prevalence).toBeUndefined();
    // Everything up to the search is shared; the search is not.
    for (const stage of ['ingest', 'decode', 'holdout', 'sample', 'split', 'features', 'resample']) expect(key(sourceLock, stage)).toBe(key(sampleLock, stage));
    expect(key(sourceLock, 'search')).not.toBe(key(sampleLock, 'search'));
    const report = await readFile(path.join(source.dir, 'report.md'), 'utf8');
    expect(report).toContain("tuned on validation to maximise f1 at a positive share of 33.3% (the source's)");

    // Writing the default out changes no key: the whole run is a cache hit.
    const explicit = await run(cwd, 'explicit.yaml');
    const explicitLock = await readJson<Lock>(path.join(explicit.dir, 'lock.json'));
    expect(explicitLock.stages.map((s) => [s.name, s.key, s.cached])).toEqual(sampleLock.stages.map((s) => [s.name, s.key, true]));
    expect(explicit.metrics.objective.threshold).toBe(sample.metrics.objective.threshold);
  }, 240_000);
});
