import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StageCache } from '../../../src/store/cache.js';
import { collectGarbage, parseDuration, UnmarkedCacheError } from '../../../src/store/cache-gc.js';
import { isCacheMarked } from '../../../src/store/cache-marker.js';
import { hashFiles } from '../../../src/data/sources/quick-check.js';
import { cacheKey, fingerprintRecord, sha256, type CacheKey } from '../../../src/store/fingerprint.js';

const record = (seed: number) => fingerprintRecord({ stage: 'demo', codeVersion: 1, versions: { assay: '0.1.0' }, params: {}, upstream: {}, inputs: {}, seed });
const DAY = 86_400_000;

let base: string;
beforeEach(async () => { base = await mkdtemp(path.join(tmpdir(), 'assay-gc-')); });
afterEach(async () => rm(base, { recursive: true, force: true }));

/** A user's files that are not cache entries: gc must never touch them. */
async function userFiles(root: string): Promise<string[]> {
  const files = [path.join(root, 'a', 'b', 'c', 'f'), path.join(root, 'tmp', 'notes')];
  for (const f of files) {
    await mkdir(path.dirname(f), { recursive: true });
    await writeFile(f, 'x');
  }
  return files;
}

/** Store one entry in `cache`, as the run `cache` belongs to would. */
async function entry(cache: StageCache, seed: number): Promise<CacheKey> {
  const key = cacheKey(record(seed));
  await cache.store('demo', key, record(seed), async (dir) => writeFile(path.join(dir, 'd'), 'abc'));
  return key;
}

describe('cache gc', () => {
  it('refuses a folder that was never marked as a cache, and removes nothing from it', async () => {
    const v = path.join(base, 'v');
    const files = await userFiles(v);
    await expect(collectGarbage(v)).rejects.toThrow(UnmarkedCacheError);
    await expect(collectGarbage(v)).rejects.toThrow(/not marked as an assay cache/);
    expect(files.map(existsSync)).toEqual([true, true]);
  });

  it('marks a cache when a run creates it, but not a folder that holds other files', async () => {
    const fresh = new StageCache(path.join(base, 'fresh'));
    await fresh.open();
    expect(await isCacheMarked(fresh.root)).toBe(true);
    const warnings: string[] = [];
    const v = path.join(base, 'v');
    await userFiles(v);
    await new StageCache(v, { warn: (m) => warnings.push(m) }).open();
    expect(await isCacheMarked(v)).toBe(false);
    expect(warnings.join('\n')).toMatch(/not marked as an assay cache .*gc` will refuse/);
  });

  it('adopts an unmarked cache written by an older assay (only entries, tmp and fingerprints inside)', async () => {
    const old = path.join(base, 'old');
    const writer = new StageCache(old);
    await entry(writer, 1);
    await mkdir(path.join(old, 'fingerprints'));
    expect(await isCacheMarked(old)).toBe(false);
    await new StageCache(old).open();
    expect(await isCacheMarked(old)).toBe(true);
  });

  it('removes only unreferenced key-shaped entries with a manifest, keeps every live run\'s keys, drops stale references', async () => {
    const root = path.join(base, 'cache');
    const runsA = path.join(base, 'repoA', 'runs'), runsB = path.join(base, 'repoB', 'runs');
    // Two repositories share the cache; each run registers what it uses.
    const a = new StageCache(root, { ref: { runsDir: runsA, name: 'p', run: '20261129-070000-000-aaaa' } });
    await a.open();
    const b = new StageCache(root, { ref: { runsDir: runsB, name: 'q', run: '20261129-070000-001-bbbb' } });
    const gone = new StageCache(root, { ref: { runsDir: runsB, name: 'q', run: '20261129-070000-002-cccc' } });
    const [ka, kb, kGone] = [await entry(a, 1), await entry(b, 2), await entry(gone, 3)];
    const orphan = await entry(new StageCache(root), 4);
    await mkdir(path.join(runsA, 'p', '20261129-070000-000-aaaa'), { recursive: true });
    await mkdir(path.join(runsB, 'q', '20261129-070000-001-bbbb'), { recursive: true });
    const files = await userFiles(root);
    // A key-shaped folder without a manifest is not an entry either.
    const noManifest = path.join(root, 'demo', 'ab', `ab${'0'.repeat(62)}`);
    await mkdir(noManifest, { recursive: true });

    // gc from repository B (its runs folder), yet repository A's run keeps its entry.
    const dry = await collectGarbage(root, { dryRun: true });
    expect(dry.removed.map((r) => r.key).sort()).toEqual([kGone, orphan].sort());
    expect(dry.staleRefs).toBe(1);
    expect(existsSync(a.entryDir('demo', kGone))).toBe(true);

    const r = await collectGarbage(root);
    expect(r.removed.map((x) => x.key).sort()).toEqual([kGone, orphan].sort());
    expect(r).toMatchObject({ kept: 2, liveRuns: 2, staleRefs: 1, dryRun: false });
    expect(existsSync(a.entryDir('demo', ka)) && existsSync(a.entryDir('demo', kb))).toBe(true);
    expect([...files, noManifest].map(existsSync)).toEqual([true, true, true]);
    expect((await readdir(path.join(root, 'refs'), { recursive: true })).filter((f) => String(f).endsWith('.json')).length).toBe(2);
  });

  it('with --older-than keeps unreferenced entries used recently; removes day-old temporary folders only', async () => {
    const root = path.join(base, 'cache');
    const cache = new StageCache(root);
    await cache.open();
    const [fresh, stale] = [await entry(cache, 1), await entry(cache, 2)];
    const now = Date.now();
    const old = new Date(now - 40 * DAY);
    await utimes(path.join(cache.entryDir('demo', stale), 'manifest.json'), old, old);
    await mkdir(path.join(root, 'tmp', 'leftover'), { recursive: true });
    await utimes(path.join(root, 'tmp', 'leftover'), old, old);
    await mkdir(path.join(root, 'tmp', 'in-progress'), { recursive: true });
    const r = await collectGarbage(root, { olderThanMs: parseDuration('30d')!, now });
    expect(r.removed.map((x) => x.key)).toEqual([stale]);
    expect(r.recent).toBe(1);
    expect(r.tmp).toBe(1);
    expect(existsSync(cache.entryDir('demo', fresh))).toBe(true);
    expect(await readdir(path.join(root, 'tmp'))).toEqual(['in-progress']);
  });

  it('restoring an entry counts as using it', async () => {
    const root = path.join(base, 'cache');
    const cache = new StageCache(root);
    await cache.open();
    const k = await entry(cache, 1);
    const old = new Date(Date.now() - 40 * DAY);
    await utimes(path.join(cache.entryDir('demo', k), 'manifest.json'), old, old);
    expect(await cache.lookup('demo', k)).not.toBeNull();
    expect((await collectGarbage(root, { olderThanMs: 30 * DAY })).removed).toEqual([]);
  });

  it('registers a key before storing it, so a concurrent gc keeps it', async () => {
    const root = path.join(base, 'cache');
    const runs = path.join(base, 'runs');
    await mkdir(path.join(runs, 'p', '20261129-070000-000-aaaa'), { recursive: true });
    const cache = new StageCache(root, { ref: { runsDir: runs, name: 'p', run: '20261129-070000-000-aaaa' } });
    await cache.open();
    const key = cacheKey(record(9));
    let during: Awaited<ReturnType<typeof collectGarbage>> | null = null;
    await cache.store('demo', key, record(9), async (dir) => {
      await writeFile(path.join(dir, 'd'), 'abc');
      const ref = (await readdir(path.join(root, 'refs'), { recursive: true })).find((f) => String(f).endsWith('.json'))!;
      expect(JSON.parse(await readFile(path.join(root, 'refs', String(ref)), 'utf8')).keys).toContain(key);
      during = await collectGarbage(root);
    });
    expect(during!.liveRuns).toBe(1);
    expect((await collectGarbage(root)).removed).toEqual([]);
    expect(await cache.lookup('demo', key)).not.toBeNull();
  });

  it('parses durations', () => {
    expect(parseDuration('30d')).toBe(30 * DAY);
    expect(parseDuration('12h')).toBe(12 * 3_600_000);
    expect(parseDuration('thirty days')).toBeNull();
  });
});

describe('cache gc: data fingerprint records', () => {
  /** A data folder with two files, listed once through the quick check into `cache`'s fingerprints. */
  async function listed(cacheRoot: string, name: string): Promise<{ data: string; record: string }> {
    const data = path.join(base, name);
    await mkdir(data, { recursive: true });
    await writeFile(path.join(data, 'a.png'), 'aaa');
    await writeFile(path.join(data, 'b.png'), 'bbbb');
    const record = path.join(cacheRoot, 'fingerprints', `image-folder-${sha256(data).slice(0, 16)}.json`);
    await hashFiles(data, ['a.png', 'b.png'], record);
    return { data, record };
  }

  it('collects the record of a deleted data folder and of one whose files all changed; keeps a live one and what is not a record', async () => {
    const root = path.join(base, 'cache');
    await new StageCache(root).open();
    const live = await listed(root, 'live');
    const deleted = await listed(root, 'deleted');
    const changed = await listed(root, 'changed');
    await rm(deleted.data, { recursive: true });
    for (const f of ['a.png', 'b.png']) await writeFile(path.join(changed.data, f), 'different length');
    // One of the live folder's files changed: the other still matches, so its record is of use.
    await writeFile(path.join(live.data, 'a.png'), 'changed');
    const other = path.join(root, 'fingerprints', 'notes.txt');
    await writeFile(other, 'mine');
    const later = Date.now() + 2 * DAY;

    const dry = await collectGarbage(root, { dryRun: true, now: later });
    expect(dry.fingerprints.removed.map((r) => r.root).sort()).toEqual([changed.data, deleted.data].sort());
    expect(dry.fingerprints.bytes).toBe(dry.fingerprints.removed.reduce((a, r) => a + r.bytes, 0));
    expect(dry.fingerprints.bytes).toBeGreaterThan(100);
    expect([live.record, deleted.record, changed.record].map(existsSync)).toEqual([true, true, true]);

    const r = await collectGarbage(root, { now: later });
    expect(r.fingerprints.removed.map((x) => x.file).sort()).toEqual([path.basename(changed.record), path.basename(deleted.record)].sort());
    expect(r.fingerprints.kept).toBe(1);
    expect([live.record, deleted.record, changed.record, other].map(existsSync)).toEqual([true, false, false, true]);
  });

  it('keeps a record written within the last day (a listing may be using it), and with --older-than one used more recently', async () => {
    const root = path.join(base, 'cache');
    await new StageCache(root).open();
    const gone = await listed(root, 'gone');
    await rm(gone.data, { recursive: true });
    await writeFile(`${gone.record}.4242.tmp`, '{"version":1');
    expect((await collectGarbage(root)).fingerprints).toMatchObject({ removed: [], kept: 1, tmp: 0 });
    expect((await collectGarbage(root, { now: Date.now() + 10 * DAY, olderThanMs: 30 * DAY })).fingerprints).toMatchObject({ removed: [], kept: 1, tmp: 1 });
    expect(existsSync(gone.record)).toBe(true);
    const r = await collectGarbage(root, { now: Date.now() + 31 * DAY, olderThanMs: 30 * DAY });
    expect(r.fingerprints.removed.map((x) => x.root)).toEqual([gone.data]);
    expect(existsSync(gone.record)).toBe(false);
  });

  it('a record that does not say which folder it describes (an older assay) goes once a day old; a malformed one is not a record', async () => {
    const root = path.join(base, 'cache');
    await new StageCache(root).open();
    const dir = path.join(root, 'fingerprints');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, `csv-${'1'.repeat(16)}.json`), JSON.stringify({ version: 1, entries: { 'a.png': { size: 3, mtimeMs: 1, sha256: 'x' } } }));
    await writeFile(path.join(dir, `csv-${'2'.repeat(16)}.json`), '{"version":2}');
    const r = await collectGarbage(root, { now: Date.now() + 2 * DAY });
    expect(r.fingerprints.removed).toEqual([{ file: `csv-${'1'.repeat(16)}.json`, root: null, bytes: expect.any(Number) as number }]);
    expect(await readdir(dir)).toEqual([`csv-${'2'.repeat(16)}.json`]);
  });
});
