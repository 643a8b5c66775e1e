import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StageCache } from '../../../src/store/cache.js';
import { silentProgress } from '../../../src/stages/progress.js';
import { searchStage } from '../../../src/stages/search.js';
import { runStage, tensorPackages, type StageContext, type StageDef } from '../../../src/stages/stage.js';

let dir: string;
beforeEach(async () => { dir = await mkdtemp(path.join(tmpdir(), 'assay-stage-')); });
afterEach(async () => rm(dir, { recursive: true, force: true }));

function context(versions: Record<string, string>, cache = new StageCache(path.join(dir, 'cache'), { warn: () => {} })): StageContext {
  return { cache, noCache: false, progress: silentProgress, cwd: dir, packageVersion: (n) => versions[n] ?? 'absent', transient: new Set() };
}

let executed = 0;
/** A stage computing with "sharp"; `complete` says whether a result may be stored. */
const demo = (complete = true): StageDef<{ upstream: Record<string, string> }, string, { complete: boolean }> => ({
  name: 'decode', version: 1,
  packages: () => ['sharp'],
  fingerprint: (input) => ({ params: { n: 1 }, upstream: input.upstream, seed: 1 }),
  complete: (meta) => meta.complete,
  async execute(_input, out) {
    executed++;
    await writeFile(path.join(out, 'v.txt'), 'value');
    return { complete };
  },
  load: async (out) => readFile(path.join(out, 'v.txt'), 'utf8'),
});

describe('runStage', () => {
  it('records assay\'s and the stage\'s package versions in the key: an upgrade misses the cache', async () => {
    executed = 0;
    const old = await runStage(demo(), { upstream: {} }, context({ assay: '0.1.0', sharp: '0.35.5' }));
    expect(old.record.fingerprint.versions).toEqual({ assay: '0.1.0', sharp: '0.35.5' });
    const same = await runStage(demo(), { upstream: {} }, context({ assay: '0.1.0', sharp: '0.35.5' }));
    expect([same.record.cached, same.record.key]).toEqual([true, old.record.key]);
    const sharp = await runStage(demo(), { upstream: {} }, context({ assay: '0.1.0', sharp: '0.36.0' }));
    const assay = await runStage(demo(), { upstream: {} }, context({ assay: '0.2.0', sharp: '0.35.5' }));
    expect([sharp.record.cached, assay.record.cached]).toEqual([false, false]);
    expect(new Set([old.record.key, sharp.record.key, assay.record.key]).size).toBe(3);
    expect(executed).toBe(3);
  });

  it('keeps an incomplete result for its run only, and does not store the stages that read it', async () => {
    const ctx = context({ assay: '0.1.0' });
    const cut = await runStage(demo(false), { upstream: {} }, ctx);
    expect(cut.record.stored).toBe(false);
    expect(cut.output).toBe('value');
    const after = await runStage({ ...demo(true), name: 'evaluate' }, { upstream: { search: cut.record.key } }, ctx);
    expect(after.record.stored).toBe(false);
    const cache = ctx.cache;
    expect(await cache.lookup('decode', cut.record.key)).toBeNull();
    expect(await cache.lookup('evaluate', after.record.key)).toBeNull();
    await cache.discardScratch();
    // The next run computes it again.
    const again = await runStage(demo(true), { upstream: {} }, context({ assay: '0.1.0' }, cache));
    expect([again.record.cached, again.record.stored]).toEqual([false, true]);
  });
});

describe('search stage', () => {
  it('is complete unless its time budget stopped it', () => {
    const meta = (stoppedBy: 'trials' | 'time' | 'exhausted') => ({ bestKey: 'k', keys: ['k'], used: { trials: 1, seconds: 1 }, planned: { trials: 2, seconds: 1 }, stoppedBy, reused: 0 });
    expect(searchStage.complete!(meta('trials'))).toBe(true);
    expect(searchStage.complete!(meta('exhausted'))).toBe(true);
    expect(searchStage.complete!(meta('time'))).toBe(false);
  });

  it('keys on tfjs-core and the backend\'s own package, and on wasm on assay\'s kernels too', () => {
    expect(tensorPackages('wasm')).toEqual(['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', 'assay-wasm-kernels']);
    expect(tensorPackages('tensorflow-gpu')).toEqual(['@tensorflow/tfjs-core', '@tensorflow/tfjs-node-gpu']);
  });
});
