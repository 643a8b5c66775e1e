import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StageCache } from '../../../src/store/cache.js';
import { collectGarbage } from '../../../src/store/cache-gc.js';
import { cacheKey, fingerprintRecord } from '../../../src/store/fingerprint.js';

const record = (seed: number) => fingerprintRecord({ stage: 'demo', codeVersion: 1, versions: { assay: '0.1.0' }, params: { n: 3 }, upstream: {}, inputs: {}, seed });

describe('StageCache', () => {
  let root: string;
  let warnings: string[];
  let cache: StageCache;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'assay-cache-'));
    warnings = [];
    cache = new StageCache(root, { warn: (m) => warnings.push(m) });
  });
  afterEach(async () => rm(root, { recursive: true, force: true }));

  it('misses, stores atomically, then hits with the stored metadata and fingerprint', async () => {
    const key = cacheKey(record(1));
    expect(await cache.lookup('demo', key)).toBeNull();
    const stored = await cache.store('demo', key, record(1), async (dir) => {
      await writeFile(path.join(dir, 'data.txt'), 'hello');
      return { rows: 5 };
    });
    expect(stored.dir).toBe(cache.entryDir('demo', key));
    const hit = await cache.lookup<{ rows: number }>('demo', key);
    expect(hit?.meta).toEqual({ rows: 5 });
    expect(hit?.record.seed).toBe(1);
    expect(await readFile(path.join(hit!.dir, 'data.txt'), 'utf8')).toBe('hello');
    expect(await readdir(path.join(root, 'tmp'))).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('detects a corrupted artifact, reports it, removes it and treats it as a miss', async () => {
    const key = cacheKey(record(2));
    await cache.store('demo', key, record(2), async (dir) => writeFile(path.join(dir, 'data.bin'), Buffer.from([1, 2, 3, 4])));
    await writeFile(path.join(cache.entryDir('demo', key), 'data.bin'), Buffer.from([1, 2, 3, 5]));
    expect(await cache.lookup('demo', key)).toBeNull();
    expect(warnings.join('\n')).toMatch(/corrupt \(data\.bin does not match its checksum\)/);
    expect(await readdir(path.dirname(cache.entryDir('demo', key)))).toEqual([]);
  });

  it('detects a truncated artifact by size', async () => {
    const key = cacheKey(record(3));
    await cache.store('demo', key, record(3), async (dir) => writeFile(path.join(dir, 'data.bin'), Buffer.alloc(100)));
    await writeFile(path.join(cache.entryDir('demo', key), 'data.bin'), Buffer.alloc(10));
    expect(await cache.lookup('demo', key)).toBeNull();
    expect(warnings[0]).toMatch(/data\.bin has 10 bytes, manifest says 100/);
  });

  it('never trusts a half-written entry without a manifest (a killed run)', async () => {
    const key = cacheKey(record(4));
    await cache.store('demo', key, record(4), async (dir) => writeFile(path.join(dir, 'x'), 'x'));
    await rm(path.join(cache.entryDir('demo', key), 'manifest.json'));
    expect(await cache.lookup('demo', key)).toBeNull();
    expect(warnings[0]).toMatch(/has no manifest/);
  });

  it('leaves no entry when the build fails', async () => {
    const key = cacheKey(record(5));
    await expect(cache.store('demo', key, record(5), async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(await cache.lookup('demo', key)).toBeNull();
    expect(await readdir(path.join(root, 'tmp'))).toEqual([]);
  });

  it('lets two concurrent writers of one entry both succeed with one consistent result', async () => {
    const key = cacheKey(record(6));
    const build = (text: string) => async (dir: string) => {
      await new Promise((r) => setTimeout(r, 20));
      await writeFile(path.join(dir, 'data.txt'), text);
      return { text };
    };
    const [a, b] = await Promise.all([cache.store('demo', key, record(6), build('same')), cache.store('demo', key, record(6), build('same'))]);
    expect(a.dir).toBe(b.dir);
    const hit = await cache.lookup('demo', key);
    expect(hit?.meta).toEqual({ text: 'same' });
    expect(warnings).toEqual([]);
  });

  it('reports status and garbage-collects entries not kept', async () => {
    const k1 = cacheKey(record(7));
    const k2 = cacheKey(record(8));
    for (const [k, r] of [[k1, record(7)], [k2, record(8)]] as const) {
      await cache.store('demo', k, r, async (dir) => writeFile(path.join(dir, 'd'), 'abc'));
    }
    const status = await cache.status();
    expect(status.entries).toBe(2);
    expect(status.stages.map((s) => s.stage)).toEqual(['demo']);
    await cache.open();
    const gc = await collectGarbage(root, { keep: new Set([k1]) });
    expect(gc.removed.map((r) => r.key)).toEqual([k2]);
    expect(await cache.lookup('demo', k1)).not.toBeNull();
    expect(await cache.lookup('demo', k2)).toBeNull();
  });
});
