import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Item } from '../../../src/core/data.js';
import type { DataSpec, FeatureStep } from '../../../src/core/spec.js';
import { decodeImages } from '../../../src/data/decode.js';
import { decodeImageBytes } from '../../../src/data/decode-image.js';

const folder = (p: string): DataSpec => ({ source: 'image-folder', path: p, classes: { a: 'a' }, positive: 'a', onError: 'fail', duplicates: 'report' });
const gray: FeatureStep = { kind: 'grayscale' };
const resize = (w: number, h: number): FeatureStep => ({ kind: 'resize', width: w, height: h, fit: 'fill' });

/** A 4x4 RGB image whose red channel counts 0..15 (x4), green is constant 100, blue 255 - red. */
function ramp(): Buffer {
  const px = Buffer.alloc(4 * 4 * 3);
  for (let i = 0; i < 16; i++) { px[i * 3] = i * 4; px[i * 3 + 1] = 100; px[i * 3 + 2] = 255 - i * 4; }
  return px;
}
const png = (px: Buffer, w: number, h: number, channels: 3 | 4 = 3): Promise<Buffer> => sharp(px, { raw: { width: w, height: h, channels } }).png().toBuffer();

let dir: string;
beforeAll(async () => { dir = await mkdtemp(path.join(tmpdir(), 'assay-decode-')); await mkdir(path.join(dir, 'a')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('decodeImageBytes', () => {
  it('shrinks a 4x4 PNG to 2x2 by averaging each 2x2 block exactly', async () => {
    const img = await decodeImageBytes(await png(ramp(), 4, 4), [resize(2, 2)]);
    expect([img.width, img.height, img.channels]).toEqual([2, 2, 3]);
    // Block means of red: (0+4+16+20)/4 = 10, (8+12+24+28)/4 = 18, 42, 50.
    expect(Array.from(img.data)).toEqual([10, 100, 245, 18, 100, 237, 42, 100, 213, 50, 100, 205]);
  });

  it('gives one BT.601 luma channel after grayscale, and drops alpha', async () => {
    const rgba = Buffer.from([255, 0, 0, 7, 0, 255, 0, 7, 0, 0, 255, 7, 255, 255, 255, 7]);
    const img = await decodeImageBytes(await png(rgba, 2, 2, 4), [gray]);
    expect(img.channels).toBe(1);
    expect(Array.from(img.data)).toEqual([76, 150, 29, 255]);
    const rgb = await decodeImageBytes(await png(rgba, 2, 2, 4), []);
    expect(Array.from(rgb.data)).toEqual([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]);
  });

  it('crops in source coordinates: the right half of the ramp', async () => {
    const img = await decodeImageBytes(await png(ramp(), 4, 4), [{ kind: 'crop', left: 2, top: 0, width: 2, height: 1 }]);
    expect(Array.from(img.data)).toEqual([8, 100, 247, 12, 100, 243]);
  });

  it('decodes a baseline JPEG within a few levels of libjpeg (sharp), at full and at reduced scale', async () => {
    const w = 67, h = 45, px = Buffer.alloc(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) { const o = (y * w + x) * 3; px[o] = (x * 255) / w; px[o + 1] = (y * 255) / h; px[o + 2] = 60 + 2 * x + y; }
    for (const subsample of [true, false]) {
      const jpg = await sharp(px, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 92, chromaSubsampling: subsample ? '4:2:0' : '4:4:4' }).toBuffer();
      const ref = await sharp(jpg).raw().toBuffer();
      const ours = await decodeImageBytes(jpg, []);
      let max = 0, sum = 0;
      for (let i = 0; i < ref.length; i++) { const d = Math.abs(ref[i]! - ours.data[i]!); max = Math.max(max, d); sum += d; }
      // 4:2:0: our chroma is box-upsampled where libjpeg interpolates, hence the looser bound.
      expect(max).toBeLessThanOrEqual(subsample ? 12 : 4);
      expect(sum / ref.length).toBeLessThan(subsample ? 1.5 : 0.6);
      // At reduced scale (16x11 from 67x45: DCT-domain 1/4) the mean luma still matches libjpeg's full decode.
      const small = await decodeImageBytes(jpg, [resize(16, 11), gray]);
      let lumaSum = 0;
      for (let i = 0; i < ref.length; i += 3) lumaSum += 0.299 * ref[i]! + 0.587 * ref[i + 1]! + 0.114 * ref[i + 2]!;
      const mean = (a: Uint8Array): number => a.reduce((s, v) => s + v, 0) / a.length;
      const refSmall = [lumaSum / (w * h)];
      expect(Math.abs(mean(small.data) - refSmall[0]!)).toBeLessThan(1);
    }
  });

  it('falls back to the general decoder for a progressive JPEG', async () => {
    const jpg = await sharp(ramp(), { raw: { width: 4, height: 4, channels: 3 } }).jpeg({ progressive: true, quality: 100 }).toBuffer();
    const img = await decodeImageBytes(jpg, [resize(2, 2), gray]);
    expect(img.data.length).toBe(4);
  });

  it('is deterministic: the same bytes give the same pixels', async () => {
    const jpg = await sharp(ramp(), { raw: { width: 4, height: 4, channels: 3 } }).resize(40, 40).jpeg().toBuffer();
    const a = await decodeImageBytes(jpg, [resize(13, 7)]);
    const b = await decodeImageBytes(jpg, [resize(13, 7)]);
    expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(true);
  });

  it('rejects garbage and a truncated JPEG with a reason', async () => {
    await expect(decodeImageBytes(Buffer.from('not an image'), [])).rejects.toThrow();
    const jpg = await sharp(ramp(), { raw: { width: 4, height: 4, channels: 3 } }).resize(64, 64).jpeg().toBuffer();
    await expect(decodeImageBytes(jpg.subarray(0, jpg.length - 200), [])).rejects.toThrow();
  });
});

describe('decodeImages', () => {
  it('decodes in item order, zero-fills and reports bad files instead of crashing', async () => {
    await writeFile(path.join(dir, 'a', 'good.png'), await png(ramp(), 4, 4));
    await writeFile(path.join(dir, 'a', 'broken.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x01, 0x02]));
    const items: Item[] = [{ id: '1', ref: 'a/broken.jpg', label: 0 }, { id: '2', ref: 'a/good.png', label: 0 }, { id: '3', ref: 'a/gone.png', label: 0 }];
    const { block, bad } = await decodeImages(folder(dir), dir, items, [resize(2, 2), gray]);
    expect([block.count, block.height, block.width, block.channels]).toEqual([3, 2, 2, 1]);
    expect(Array.from(block.data.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    expect(Array.from(block.data.subarray(4, 8))).toEqual([90, 91, 96, 97]); // luma of the block means (10,100,245) ... (50,100,205)
    expect(bad.map((b) => b.ref)).toEqual(['a/broken.jpg', 'a/gone.png']);
    expect(bad[0]!.reason).toMatch(/cannot decode/);
    expect(bad[1]!.reason).toMatch(/cannot read/);
  });

  it('refuses images of different sizes without a resize at features, each size counted with its first file', async () => {
    await writeFile(path.join(dir, 'a', 'wide.png'), await png(Buffer.alloc(8 * 4 * 3, 9), 8, 4));
    await writeFile(path.join(dir, 'a', 'wide2.png'), await png(Buffer.alloc(8 * 4 * 3, 9), 8, 4));
    const items: Item[] = [{ id: '1', ref: 'a/good.png', label: 0 }, { id: '2', ref: 'a/wide.png', label: 0 }, { id: '3', ref: 'a/wide2.png', label: 0 }];
    const err = await decodeImages(folder(dir), dir, items, []).then(() => null, (e: unknown) => e);
    expect(err).toMatchObject({
      code: 'data.size-mismatch', exitCode: 2,
      details: ['8x4: 2 files, first a/wide.png', '4x4: 1 file, first a/good.png'],
      problems: [{ at: 'features', message: expect.stringContaining('decode to 2 different sizes: 8x4 (2 files, e.g. a/wide.png), 4x4 (1 file, e.g. a/good.png); a model needs one size: add a resize step') }],
    });
  });

  it('refuses a block larger than maxBlockBytes at features, before allocating it and without decoding the rest', async () => {
    const items: Item[] = [];
    for (let k = 0; k < 4; k++) {
      await writeFile(path.join(dir, 'a', `big${k}.png`), await png(Buffer.alloc(8 * 8 * 3, 50 + k), 8, 8));
      items.push({ id: String(k), ref: `a/big${k}.png`, label: 0 });
    }
    const progress: number[] = [];
    // 4 images of 8x8x3 = 768 bytes; allowed 700.
    const err = await decodeImages(folder(dir), dir, items, [], { concurrency: 1, batchSize: 1, maxBlockBytes: 700, progress: (d) => progress.push(d) }).then(() => null, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'data.too-large', exitCode: 2, problems: [{ at: 'features', message: expect.stringMatching(/^4 images decode to 8x8x3: 768 bytes at once, more than 700 bytes \(an eighth of this machine's memory.*add a resize step to features/) }] });
    expect(progress).toEqual([1]);
    const fits = await decodeImages(folder(dir), dir, items, [], { concurrency: 1, maxBlockBytes: 768 });
    expect(fits.block.data.length).toBe(768);
  });

  it('names up to six sizes, then counts the rest', async () => {
    const items: Item[] = [];
    for (let k = 1; k <= 7; k++) {
      await writeFile(path.join(dir, 'a', `s${k}.png`), await png(Buffer.alloc(k * 2 * 3, 9), k, 2));
      items.push({ id: String(k), ref: `a/s${k}.png`, label: 0 });
    }
    const message = (e: unknown) => (e as Error).message;
    expect(await decodeImages(folder(dir), dir, items.slice(0, 6), []).then(() => '', message)).toContain('6x2 (1 file, e.g. a/s6.png); a model');
    expect(await decodeImages(folder(dir), dir, items, []).then(() => '', message)).toContain('5x2 (1 file, e.g. a/s5.png), 2 more sizes; a model');
  });

  it('renders synthetic items through the same geometry, as a function of the seed', async () => {
    const data: DataSpec = { source: 'synthetic-cracks', size: 32, counts: { crack: 2, 'no-crack': 2 }, hardNegatives: 0.5, positive: 'crack', onError: 'fail', duplicates: 'report' };
    const items: Item[] = ['synthetic:crack/0', 'synthetic:no-crack/1'].map((ref, i) => ({ id: String(i), ref, label: i }));
    const a = await decodeImages(data, '.', items, [resize(16, 16), gray], { seed: 1 });
    const b = await decodeImages(data, '.', items, [resize(16, 16), gray], { seed: 1 });
    const c = await decodeImages(data, '.', items, [resize(16, 16), gray], { seed: 2 });
    expect([a.block.width, a.block.channels, a.bad.length]).toEqual([16, 1, 0]);
    expect(Buffer.from(a.block.data).equals(Buffer.from(b.block.data))).toBe(true);
    expect(Buffer.from(a.block.data).equals(Buffer.from(c.block.data))).toBe(false);
  });
});

describe('decodeImages over the worker pool', () => {
  let pool: string;
  const n = 300;
  beforeAll(async () => {
    pool = await mkdtemp(path.join(tmpdir(), 'assay-decode-pool-'));
    await mkdir(path.join(pool, 'a'));
    for (let i = 0; i < n; i++) {
      const px = Buffer.alloc(24 * 20 * 3);
      for (let j = 0; j < px.length; j++) px[j] = (i * 7 + j * 13) % 256;
      const img = sharp(px, { raw: { width: 24, height: 20, channels: 3 } });
      await writeFile(path.join(pool, 'a', `${i}.jpg`), await (i % 2 ? img.jpeg({ quality: 90 }) : img.png()).toBuffer());
    }
    // Bad files spread over the tasks of both threads, and one image of another size.
    for (const i of [5, 140, 299]) await writeFile(path.join(pool, 'a', `${i}.jpg`), Buffer.from('not an image'));
    await writeFile(path.join(pool, 'a', '222.jpg'), await png(Buffer.alloc(8 * 4 * 3, 9), 8, 4));
  });
  afterAll(async () => { await rm(pool, { recursive: true, force: true }); });
  const items = (): Item[] => Array.from({ length: n }, (_, i) => ({ id: String(i), ref: `a/${i}.jpg`, label: 0 }));

  it('gives the same pixels and the same bad files with one thread and with the workers alone (pixels sent back, then written into shared memory)', async () => {
    const steps = [resize(12, 10)];
    const one = await decodeImages(folder(pool), pool, items(), steps, { concurrency: 1 });
    const two = await decodeImages(folder(pool), pool, items(), steps, { concurrency: 2, batchSize: 8, decodeHere: false });
    expect(one.bad.map((b) => b.ref)).toEqual(['a/5.jpg', 'a/140.jpg', 'a/299.jpg']);
    expect(two.bad).toEqual(one.bad);
    expect([two.block.count, two.block.height, two.block.width, two.block.channels]).toEqual([n, 10, 12, 3]);
    expect(Buffer.from(two.block.data).equals(Buffer.from(one.block.data))).toBe(true);
    // Not all zero: the workers' slots were written (item 151 is far from the first task).
    expect(two.block.data.subarray(151 * 360, 152 * 360).some((v) => v !== 0)).toBe(true);
  });

  it('names an image of another size even when a worker decoded it', async () => {
    await expect(decodeImages(folder(pool), pool, items(), [], { concurrency: 2, batchSize: 8, decodeHere: false }))
      .rejects.toMatchObject({ code: 'data.size-mismatch', details: [expect.any(String), '8x4: 1 file, first a/222.jpg'] });
  });
});

const real = path.resolve(process.cwd(), '../shared/data/concrete-crack');
describe.skipIf(!existsSync(real))('decodeImages on the real photos', () => {
  it('gives the same pixels with one thread and with the worker pool', async () => {
    const items: Item[] = readdirSync(path.join(real, 'Positive')).sort().slice(0, 300).map((f) => ({ id: f, ref: `Positive/${f}`, label: 0 }));
    const steps = [resize(64, 64), gray];
    const one = await decodeImages(folder(real), real, items, steps, { concurrency: 1 });
    const two = await decodeImages(folder(real), real, items, steps, { concurrency: 2, batchSize: 32, decodeHere: false });
    expect(one.bad).toEqual([]);
    expect([one.block.width, one.block.height, one.block.channels]).toEqual([64, 64, 1]);
    expect(Buffer.from(one.block.data).equals(Buffer.from(two.block.data))).toBe(true);
  });
});
