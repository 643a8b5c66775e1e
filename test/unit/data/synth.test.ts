import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { isHardNegative, renderSynthetic, syntheticParams, writeSyntheticFolder } from '../../../src/data/synth.js';
import { listInventory } from '../../../src/data/sources/index.js';

const p = { size: 48, seed: 5, index: 3, crack: true, hardNegative: false };
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

describe('renderSynthetic', () => {
  it('is a pure function of its parameters', () => {
    const a = renderSynthetic(p);
    expect(a.length).toBe(48 * 48 * 3);
    expect(same(a, renderSynthetic(p))).toBe(true);
    expect(same(a, renderSynthetic({ ...p, seed: 6 }))).toBe(false);
    expect(same(a, renderSynthetic({ ...p, index: 4 }))).toBe(false);
    expect(same(renderSynthetic({ ...p, crack: false }), renderSynthetic({ ...p, crack: false, hardNegative: true }))).toBe(false);
  });

  it('draws cracks darker than the surface around them', () => {
    // Over many images, crack images hold more very dark pixels (relative to their own median) than plain surfaces.
    const darkShare = (crack: boolean): number => {
      let n = 0;
      for (let i = 0; i < 20; i++) {
        const px = renderSynthetic({ ...p, size: 64, index: i, crack });
        const g = Array.from({ length: 64 * 64 }, (_, k) => px[k * 3 + 1]!).sort((a, b) => a - b);
        const median = g[g.length >> 1]!;
        n += g.filter((v) => v < median * 0.7).length;
      }
      return n / (20 * 64 * 64);
    };
    expect(darkShare(true)).toBeGreaterThan(0.01);
    expect(darkShare(false)).toBeLessThan(0.005);
  });

  it('renders a 128px image in a few milliseconds', () => {
    const t0 = performance.now();
    for (let i = 0; i < 10; i++) renderSynthetic({ ...p, size: 128, index: i });
    expect((performance.now() - t0) / 10).toBeLessThan(50); // generous: the machine is shared
  });
});

describe('hard negatives and refs', () => {
  it('marks exactly floor(n * fraction) of the first n negatives, spread evenly', () => {
    const flags = Array.from({ length: 10 }, (_, i) => isHardNegative(i, 0.3));
    expect(flags.filter(Boolean)).toHaveLength(3);
    expect(flags.map(Number)).toEqual([0, 0, 0, 1, 0, 0, 1, 0, 0, 1]);
    expect(syntheticParams('synthetic:no-crack/3', { size: 32, seed: 1, hardNegatives: 0.3 })).toEqual({ size: 32, seed: 1, index: 3, crack: false, hardNegative: true });
    expect(syntheticParams('Positive/1.jpg', { size: 32, seed: 1, hardNegatives: 0 })).toBeNull();
  });

  it('lists a synthetic source with content identities that change with the seed', async () => {
    const data = { source: 'synthetic-cracks', size: 32, counts: { crack: 2, 'no-crack': 3 }, hardNegatives: 0.5, positive: 'crack', onError: 'fail', duplicates: 'report' } as const;
    const a = await listInventory(data, { cwd: '.', seed: 1 });
    const b = await listInventory(data, { cwd: '.', seed: 2 });
    expect(a.inventory.classes).toEqual(['crack', 'no-crack']);
    expect(a.inventory.items.map((i) => `${i.ref}:${i.label}`)).toEqual(['synthetic:crack/0:0', 'synthetic:crack/1:0', 'synthetic:no-crack/0:1', 'synthetic:no-crack/1:1', 'synthetic:no-crack/2:1']);
    expect(new Set(a.inventory.items.map((i) => i.id)).size).toBe(5);
    expect(a.fingerprint).not.toBe(b.fingerprint);
    expect(a.fingerprint).toBe((await listInventory(data, { cwd: '.', seed: 1 })).fingerprint);
  });
});

describe('writeSyntheticFolder', () => {
  it('writes crack/ and no-crack/ PNGs that decode to the rendered pixels', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'assay-synth-'));
    const r = await writeSyntheticFolder(out, { counts: { crack: 2, 'no-crack': 3 }, size: 24, seed: 9, hardNegatives: 0.4 });
    expect(r.files).toBe(5);
    expect(await readdir(path.join(out, 'crack'))).toEqual(['00000.png', '00001.png']);
    expect(await readdir(path.join(out, 'no-crack'))).toEqual(['00000.png', '00001.png', '00002.png']);
    const px = await sharp(path.join(out, 'no-crack', '00001.png')).raw().toBuffer();
    expect(same(px, renderSynthetic({ size: 24, seed: 9, index: 1, crack: false, hardNegative: isHardNegative(1, 0.4) }))).toBe(true);
    await rm(out, { recursive: true, force: true });
  });
});
