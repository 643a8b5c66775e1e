/**
 * Photos unlike the flagship's 227x227 baseline JPEGs: other encodings of the same pixels must
 * decode to (nearly) the same pixels, whichever decoder takes them; folders from other machines
 * must list the same images.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeatureStep, ImageFolderData } from '../../../src/core/spec.js';
import { decodeImages } from '../../../src/data/decode.js';
import { decodeImageBytes, jpegDenominator } from '../../../src/data/decode-image.js';
import { composeGeometry } from '../../../src/data/geometry.js';
import { listImageFolder } from '../../../src/data/sources/image-folder.js';

const W = 48, H = 32;
const geometry: FeatureStep[] = [{ kind: 'resize', width: 16, height: 16, fit: 'fill' }, { kind: 'grayscale' }];

/** A smooth 48x32 RGB picture with a dark diagonal "crack": left/right and up/down differ. */
function picture(): Buffer {
  const px = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const o = (y * W + x) * 3, crack = Math.abs(x - 1.5 * y) < 2 ? 0.3 : 1;
      px[o] = (60 + 3 * x) * crack; px[o + 1] = (90 + 2 * y) * crack; px[o + 2] = (120 + x + y) * crack;
    }
  }
  return px;
}
const raw = () => sharp(picture(), { raw: { width: W, height: H, channels: 3 } });
/** The picture's BT.601 luma as a one-channel image (sharp's own grayscale uses other weights). */
function luma() {
  const rgb = picture(), y = Buffer.alloc(W * H);
  for (let i = 0; i < y.length; i++) y[i] = Math.round(0.299 * rgb[3 * i]! + 0.587 * rgb[3 * i + 1]! + 0.114 * rgb[3 * i + 2]!);
  return sharp(y, { raw: { width: W, height: H, channels: 1 } });
}

/** Mean absolute difference of two equally long pixel arrays. */
function meanDiff(a: Uint8Array, b: Uint8Array): number {
  expect(a.length).toBe(b.length);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

let dir: string;
beforeAll(async () => { dir = await mkdtemp(path.join(tmpdir(), 'assay-foreign-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('other encodings of the same photo', () => {
  it('PNG kinds (8-bit gray, gray + alpha, 16-bit, palette, RGBA) decode within a level of the RGB PNG', async () => {
    const reference = await decodeImageBytes(await raw().png().toBuffer(), geometry);
    const kinds: Record<string, Buffer> = {
      gray: await luma().png().toBuffer(),
      'gray+alpha': await luma().ensureAlpha(0.8).png().toBuffer(),
      '16-bit': await raw().toColourspace('rgb16').png().toBuffer(),
      palette: await raw().png({ palette: true, colours: 256, dither: 0 }).toBuffer(),
      rgba: await raw().ensureAlpha(0.5).png().toBuffer(),
    };
    for (const [kind, bytes] of Object.entries(kinds)) {
      const img = await decodeImageBytes(bytes, geometry);
      expect([kind, img.width, img.height, img.channels]).toEqual([kind, 16, 16, 1]);
      // A palette quantizes the colours, hence its looser bound.
      const d = meanDiff(img.data, reference.data), bound = kind === 'palette' ? 2 : 1;
      expect(`${kind} ${d <= bound ? 'close' : `off by ${d.toFixed(2)}`}`).toBe(`${kind} close`);
    }
  });

  it('baseline, progressive and grayscale JPEGs and WebP of one photo decode within two levels of each other', async () => {
    const baseline = await decodeImageBytes(await raw().jpeg({ quality: 95 }).toBuffer(), geometry);
    const others = {
      progressive: await raw().jpeg({ quality: 95, progressive: true }).toBuffer(),
      grayscale: await luma().jpeg({ quality: 95 }).toBuffer(),
      webp: await raw().webp({ quality: 95 }).toBuffer(),
    };
    for (const [kind, bytes] of Object.entries(others)) {
      const d = meanDiff((await decodeImageBytes(bytes, geometry)).data, baseline.data);
      expect(`${kind} ${d <= 2 ? 'close' : `off by ${d.toFixed(2)}`}`).toBe(`${kind} close`);
    }
  });

  it('a CMYK JPEG decodes to 3 channels (or 1 after grayscale) instead of failing', async () => {
    const cmyk = await raw().toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer();
    expect((await sharp(cmyk).metadata()).channels).toBe(4);
    const img = await decodeImageBytes(cmyk, [{ kind: 'resize', width: 16, height: 16, fit: 'fill' }]);
    expect([img.width, img.height, img.channels]).toEqual([16, 16, 3]);
  });

  it('EXIF orientation is ignored the same way by the scaled JPEG decoder and by sharp (training and predict see stored pixels)', async () => {
    const stored = await decodeImageBytes(await raw().png().toBuffer(), [{ kind: 'grayscale' }]);
    const tagged = {
      'baseline JPEG': await raw().jpeg({ quality: 100, chromaSubsampling: '4:4:4' }).withMetadata({ orientation: 6 }).toBuffer(),
      'progressive JPEG': await raw().jpeg({ quality: 100, progressive: true, chromaSubsampling: '4:4:4' }).withMetadata({ orientation: 6 }).toBuffer(),
      PNG: await raw().png().withMetadata({ orientation: 6 }).toBuffer(),
    };
    for (const [kind, bytes] of Object.entries(tagged)) {
      expect((await sharp(bytes).metadata()).orientation).toBe(6);
      const img = await decodeImageBytes(bytes, [{ kind: 'grayscale' }]);
      // Stored 48 wide and 32 high; orientation 6 would display it 32 wide and 48 high.
      expect([kind, img.width, img.height]).toEqual([kind, W, H]);
      expect(meanDiff(img.data, stored.data)).toBeLessThan(2);
    }
  });

  it('a 3000x2000 JPEG goes through the scaled decoder and matches the same photo at 227x227', async () => {
    const small = await raw().resize(227, 227, { fit: 'fill', kernel: 'cubic' }).jpeg({ quality: 95 }).toBuffer();
    const large = await raw().resize(3000, 2000, { fit: 'fill', kernel: 'cubic' }).jpeg({ quality: 90 }).toBuffer();
    // At 1/8 scale the decoder makes 375x250 pixels of the 6 million (bench/ingest.ts measures the time).
    expect(jpegDenominator(composeGeometry(geometry, 3000, 2000))).toBe(8);
    const a = await decodeImageBytes(large, geometry);
    const b = await decodeImageBytes(small, geometry);
    expect(meanDiff(a.data, b.data)).toBeLessThan(1.5);
  });
});

describe('resizing to the size a photo already has', () => {
  it('leaves every pixel as it is (fashion-10class resizes 28x28 benchmark images to 28x28)', async () => {
    const png = await raw().png().toBuffer();
    const as = await decodeImageBytes(png, [{ kind: 'grayscale' }]);
    const resized = await decodeImageBytes(png, [{ kind: 'resize', width: W, height: H, fit: 'fill' }, { kind: 'grayscale' }]);
    expect(Buffer.from(resized.data).equals(Buffer.from(as.data))).toBe(true);
  });
});

describe('folders from other machines', () => {
  it('lists upper-case extensions, class folders with spaces and unicode, and skips .DS_Store, Thumbs.db and AppleDouble files', async () => {
    const root = path.join(dir, 'photos');
    const pos = path.join(root, 'Pos itive'), neg = path.join(root, 'Négatif ✓');
    await mkdir(pos, { recursive: true });
    await mkdir(neg, { recursive: true });
    const jpg = await raw().jpeg().toBuffer(), png = await raw().png().toBuffer();
    await writeFile(path.join(pos, 'a.JPG'), jpg);
    await writeFile(path.join(pos, 'b.jpeg'), jpg);
    await writeFile(path.join(pos, 'c.Png'), png);
    await writeFile(path.join(pos, '.DS_Store'), Buffer.alloc(32));
    await writeFile(path.join(pos, 'Thumbs.db'), Buffer.alloc(32));
    await writeFile(path.join(pos, '._a.JPG'), Buffer.alloc(32));
    await writeFile(path.join(neg, 'd.JPEG'), await raw().negate().jpeg().toBuffer());
    await writeFile(path.join(neg, 'desktop.ini'), '[.ShellClassInfo]\n');
    const spec: ImageFolderData = { source: 'image-folder', path: 'photos', classes: { crack: 'Pos itive', 'no-crack': 'Négatif ✓' }, positive: 'crack', onError: 'fail', duplicates: 'report' };
    const inv = await listImageFolder(spec, { cwd: dir });
    expect(inv.items.map((it) => `${inv.classes[it.label]} ${it.ref}`)).toEqual([
      'crack Pos itive/a.JPG', 'crack Pos itive/b.jpeg', 'crack Pos itive/c.Png', 'no-crack Négatif ✓/d.JPEG',
    ]);
    const { block, bad } = await decodeImages(spec, root, inv.items, geometry, { concurrency: 1 });
    expect(bad).toEqual([]);
    expect([block.count, block.width, block.height, block.channels]).toEqual([4, 16, 16, 1]);
  });
});
