/**
 * The Fashion-MNIST bench's pure parts: the IDX reader on tiny generated files (whole, gzipped,
 * truncated, malformed), the PNG conversion with its completion marker, and scoring predictions.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureFashionPng, fashionDataMissing } from '../../../bench/fashion-data.js';
import { csvFields, scorePredictions } from '../../../bench/fashion-score.js';
import { IdxFormatError, parseIdx, readIdx } from '../../../bench/idx.js';

/** An IDX file of unsigned bytes with the given shape and values. */
function idx(shape: number[], values: number[]): Uint8Array {
  const head = Buffer.alloc(4 + 4 * shape.length);
  head[2] = 0x08;
  head[3] = shape.length;
  shape.forEach((s, i) => head.writeUInt32BE(s, 4 + 4 * i));
  return Buffer.concat([head, Uint8Array.from(values)]);
}

let dir: string;
beforeEach(async () => { dir = await mkdtemp(path.join(os.tmpdir(), 'assay-fashion-test-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

describe('parseIdx', () => {
  it('reads the shape and the row-major values', () => {
    const a = parseIdx(idx([2, 2, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255]), 'x');
    expect(a.shape).toEqual([2, 2, 3]);
    expect([...a.data]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255]);
  });

  it('names the file and says what is wrong with a truncated or malformed one', () => {
    const whole = idx([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
    expect(() => parseIdx(whole.subarray(0, whole.length - 3), 'imgs')).toThrow('imgs: not a usable IDX file: truncated: shape 2x2x2 needs 8 value bytes, the file has 5');
    expect(() => parseIdx(whole.subarray(0, 9), 'imgs')).toThrow('9 bytes, shorter than the 16-byte header of 3 dimensions');
    expect(() => parseIdx(whole.subarray(0, 2), 'imgs')).toThrow('2 bytes, shorter than the 4-byte header');
    expect(() => parseIdx(Buffer.concat([whole, Buffer.from([0])]), 'imgs')).toThrow('1 bytes after the 8 values of shape 2x2x2');
    const float = Uint8Array.from(whole); float[2] = 0x0d;
    expect(() => parseIdx(float, 'imgs')).toThrow('type code 0x0d is not 0x08');
    expect(() => parseIdx(gzipSync(whole), 'imgs')).toThrow('is it still gzip-compressed');
    expect(() => parseIdx(idx([], []), 'imgs')).toThrow(IdxFormatError);
  });
});

describe('readIdx', () => {
  it('gunzips a .gz file and reads a plain one', async () => {
    const bytes = idx([3], [7, 8, 9]);
    await writeFile(path.join(dir, 'l.gz'), gzipSync(bytes));
    await writeFile(path.join(dir, 'l'), bytes);
    expect([...(await readIdx(path.join(dir, 'l.gz'))).data]).toEqual([7, 8, 9]);
    expect([...(await readIdx(path.join(dir, 'l'))).data]).toEqual([7, 8, 9]);
  });

  it('reports a cut-off gzip stream as an IDX error naming the file', async () => {
    const gz = gzipSync(idx([100], new Array(100).fill(3)));
    const file = path.join(dir, 'cut.gz');
    await writeFile(file, gz.subarray(0, gz.length - 10));
    await expect(readIdx(file)).rejects.toThrow(`${file}: not a usable IDX file: gzip:`);
  });
});

describe('ensureFashionPng', () => {
  async function writeSet(src: string, labels: number[], trainLabels = labels) {
    await mkdir(src, { recursive: true });
    const px = (n: number) => Array.from({ length: n * 4 }, (_, i) => (i * 37) % 256);
    await writeFile(path.join(src, 'train-images-idx3-ubyte.gz'), gzipSync(idx([trainLabels.length, 2, 2], px(trainLabels.length))));
    await writeFile(path.join(src, 'train-labels-idx1-ubyte.gz'), gzipSync(idx([trainLabels.length], trainLabels)));
    await writeFile(path.join(src, 't10k-images-idx3-ubyte'), idx([labels.length, 2, 2], px(labels.length)));
    await writeFile(path.join(src, 't10k-labels-idx1-ubyte'), idx([labels.length], labels));
  }

  it('says which files are missing', async () => {
    expect(fashionDataMissing(dir)).toContain('lacks train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte');
  });

  it('writes one PNG per image into its class folder, once, and redoes a conversion without its marker', async () => {
    const src = path.join(dir, 'src');
    await writeSet(src, [9, 0, 9]);
    expect(fashionDataMissing(src)).toBeNull();
    const out = path.join(dir, 'png');
    expect((await ensureFashionPng(src, out)).converted).toBe(true);
    expect(await readdir(path.join(out, 'test', 'ankle-boot'))).toEqual(['00000.png', '00002.png']);
    expect(await readdir(path.join(out, 'train', 't-shirt'))).toEqual(['00001.png']);
    expect(await readdir(path.join(out, 'train', 'bag'))).toEqual([]);
    // gray 2x2 files holding the IDX bytes: test item 2 is pixels 8..11 of the generated values
    const file = path.join(out, 'test', 'ankle-boot', '00002.png');
    const meta = await sharp(file).metadata();
    expect([meta.width, meta.height, meta.channels]).toEqual([2, 2, 1]);
    const data = await sharp(file).toColourspace('b-w').raw().toBuffer();
    expect([...data]).toEqual([8, 9, 10, 11].map((i) => (i * 37) % 256));
    expect((await ensureFashionPng(src, out)).converted).toBe(false);
    await rm(path.join(out, 'converted.json'));
    expect((await ensureFashionPng(src, out)).converted).toBe(true);
    expect(existsSync(path.join(out, 'converted.json'))).toBe(true);
  });

  it('refuses a label outside the ten classes and labels that do not match the images', async () => {
    const src = path.join(dir, 'bad');
    await writeSet(src, [1, 10, 2], [1, 2, 3]);
    await expect(ensureFashionPng(src, path.join(dir, 'png'))).rejects.toThrow('t10k-labels-idx1-ubyte: not a usable IDX file: label 10 at item 1 is not a class index 0..9');
    await writeFile(path.join(src, 't10k-labels-idx1-ubyte'), idx([2], [1, 2]));
    await expect(ensureFashionPng(src, path.join(dir, 'png'))).rejects.toThrow('2 labels for 3 images');
    expect(await readdir(dir)).toEqual(['bad']);
  });
});

describe('scorePredictions', () => {
  it('counts accuracy, macro-F1 and per-class accuracy from the class folders, errors as wrong', () => {
    const csv = [
      'path,probability,prediction,error,probability[a],probability[b]',
      '/t/a/1.png,0.9,a,,0.9,0.1',
      '/t/a/2.png,0.6,b,,0.4,0.6',
      '"/t/b/3,x.png",0.7,b,,0.3,0.7',
      '/t/b/4.png,,,cannot decode,,',
    ].join('\n');
    const s = scorePredictions(csv, ['a', 'b']);
    expect(s).toMatchObject({ n: 4, errors: 1, accuracy: 0.5, perClass: { a: 0.5, b: 0.5 } });
    // a: tp 1, support 2, predicted 1 -> 2/3; b: tp 1, support 2, predicted 2 -> 1/2
    expect(s.macroF1).toBeCloseTo((2 / 3 + 1 / 2) / 2, 12);
    expect(() => scorePredictions('path,prediction,error\n/t/c/1.png,a,\n', ['a', 'b'])).toThrow('its folder is not one of a, b');
    expect(() => scorePredictions('path,prediction\n', ['a'])).toThrow('no "error" column');
  });

  it('splits quoted CSV fields', () => {
    expect(csvFields('"a,b","say ""hi""",,c')).toEqual(['a,b', 'say "hi"', '', 'c']);
  });
});
