import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssayError, NotFoundError } from '../../../src/core/errors.js';
import type { FeatureStep } from '../../../src/core/spec.js';
import { decodeImageBytes } from '../../../src/data/decode-image.js';
import { initBackend } from '../../../src/learn/backend/backend.js';
import { saveModel } from '../../../src/learn/model-io.js';
import { predictFiles } from '../../../src/results/predict.js';
import { formatPredictCsv } from '../../../src/results/predict-csv.js';

// A constructed run folder holding a real (tiny, seeded) model: 8x8 gray input, normalize fitted
// as mean 0.4 / std 0.2, one sigmoid unit (P(class index 1) = P(no-crack), so positive = 0 is
// 1 - output). The expected probabilities are computed here without predict's code.
const GEOMETRY: FeatureStep[] = [{ kind: 'resize', width: 8, height: 8, fit: 'fill' }, { kind: 'grayscale' }];
const MEAN = 0.4, STD = 0.2, THRESHOLD = 0.5;
let tmp: string, runDir: string, model: tf.LayersModel;

async function png(file: string, size: number, seed: number): Promise<void> {
  const px = Buffer.alloc(size * size * 3);
  for (let i = 0; i < px.length; i++) px[i] = (i * 37 + seed * 101) % 256;
  await mkdir(path.dirname(file), { recursive: true });
  await sharp(px, { raw: { width: size, height: size, channels: 3 } }).png().toFile(file);
}

beforeAll(async () => {
  await initBackend('cpu');
  tmp = await mkdtemp(path.join(tmpdir(), 'assay-predict-'));
  runDir = path.join(tmp, 'runs', 'p', '20250101-000000-000-aaaa');
  model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [8, 8, 1] }), tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.randomNormal({ seed: 3, stddev: 0.3 }) })] });
  await saveModel(model, path.join(runDir, 'model'));
  await writeFile(path.join(runDir, 'lock.json'), JSON.stringify({ status: 'finished' }));
  await writeFile(path.join(runDir, 'model', 'preprocess.json'), JSON.stringify({
    classes: ['crack', 'no-crack'], positive: 0, threshold: THRESHOLD, geometry: GEOMETRY,
    fitted: { steps: [{ kind: 'normalize', method: 'standard', mean: [MEAN], std: [STD] }] },
    exampleShape: [8, 8, 1], family: 'logistic', params: {}, backend: 'cpu',
  }));
  for (let i = 0; i < 5; i++) await png(path.join(tmp, 'imgs', i % 2 ? 'b' : 'a', `${i}.png`), 20 + i, i);
  await writeFile(path.join(tmp, 'imgs', 'a', 'broken.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5]));
});

afterAll(async () => {
  model.dispose();
  await rm(tmp, { recursive: true, force: true });
});

async function expected(file: string): Promise<number> {
  const img = await decodeImageBytes(new Uint8Array(await readFile(file)), GEOMETRY);
  const x = Float32Array.from(img.data, (v) => (v / 255 - MEAN) / STD);
  return tf.tidy(() => 1 - (model.predict(tf.tensor(x, [1, 8, 8, 1])) as tf.Tensor).dataSync()[0]!);
}

describe('predictFiles', () => {
  it('scores every image in sorted walk order with the stored transform, and gives unreadable files an error row', async () => {
    const r = await predictFiles({ ref: runDir, paths: ['imgs', 'missing.png'], cwd: tmp, batchSize: 2 });
    expect(r.rows.map((x) => x.path)).toEqual(['imgs/a/0.png', 'imgs/a/2.png', 'imgs/a/4.png', 'imgs/a/broken.jpg', 'imgs/b/1.png', 'imgs/b/3.png', 'missing.png']);
    expect(r.failed).toBe(2);
    expect(r.backend).toBe('cpu');
    const broken = r.rows[3]!, missing = r.rows[6]!;
    expect(broken.probability).toBeNull();
    expect(broken.error).toMatch(/^cannot decode: /);
    expect(missing).toEqual({ path: 'missing.png', probability: null, prediction: null, error: 'no such file or folder' });
    for (const row of r.rows.filter((x) => x.error === null)) {
      const p = await expected(path.join(tmp, row.path));
      expect(row.probability).toBe(Math.fround(p));
      expect(row.prediction).toBe(p >= THRESHOLD ? 'crack' : 'no-crack');
    }
    // batches do not change a file's probability
    const whole = await predictFiles({ ref: runDir, paths: ['imgs'], cwd: tmp, batchSize: 64 });
    expect(whole.rows.map((x) => x.probability)).toEqual(r.rows.slice(0, 6).map((x) => x.probability));
    expect(formatPredictCsv(r.rows).split('\n')[4]).toMatch(/^imgs\/a\/broken\.jpg,,,cannot decode: /);
  });

  it('decodes a batch\'s files at once yet keeps their walk order, each row with its own file\'s probability', async () => {
    // a large image first: decoded concurrently, the small ones after it finish before it
    await png(path.join(tmp, 'mixed', 'a-large.png'), 1200, 7);
    for (let i = 0; i < 6; i++) await png(path.join(tmp, 'mixed', `b-${i}.png`), 9 + i, 20 + i);
    await writeFile(path.join(tmp, 'mixed', 'c-broken.png'), Buffer.from('not a png'));
    await png(path.join(tmp, 'mixed', 'd-last.png'), 30, 40);
    const r = await predictFiles({ ref: runDir, paths: ['mixed'], cwd: tmp, batchSize: 64 });
    expect(r.rows.map((x) => x.path)).toEqual(['mixed/a-large.png', ...[0, 1, 2, 3, 4, 5].map((i) => `mixed/b-${i}.png`), 'mixed/c-broken.png', 'mixed/d-last.png']);
    expect(r.rows[7]!.error).toMatch(/^cannot decode: /);
    // (to 6 digits: a batch of 8 may sum in another order than the single image here)
    for (const row of r.rows.filter((x) => x.error === null)) expect(row.probability).toBeCloseTo(await expected(path.join(tmp, row.path)), 6);
    expect(new Set(r.rows.map((x) => x.probability)).size).toBe(9);
  });

  it('reports progress per batch and warns about folders without images', async () => {
    await mkdir(path.join(tmp, 'nothing'), { recursive: true });
    const seen: string[] = [];
    const r = await predictFiles({ ref: runDir, paths: ['imgs/b', 'nothing'], cwd: tmp, batchSize: 1, onProgress: (d, t) => seen.push(`${d}/${t}`) });
    expect(seen).toEqual(['1/2', '2/2']);
    expect(r.warnings).toEqual(['nothing: no .jpg, .jpeg, .png or .webp files inside']);
    // imgs/b holds 21x21 and 23x23 RGB images; the model takes 8x8 gray: said once, not per file
    expect(r.conversion).toBe("resized and converted 21x21 RGB (1 file), 23x23 RGB (1 file) to 8x8 gray (resize, grayscale, as in the run's pipeline)");
  });

  it('says nothing about conversion when the inputs already fit', async () => {
    const gray = path.join(tmp, 'fit', 'g.png');
    await mkdir(path.dirname(gray), { recursive: true });
    await sharp(Buffer.alloc(64, 90), { raw: { width: 8, height: 8, channels: 1 } }).toColourspace('b-w').png().toFile(gray);
    const r = await predictFiles({ ref: runDir, paths: ['fit'], cwd: tmp });
    expect(r.failed).toBe(0);
    expect(r.conversion).toBeNull();
  });

  it('describes a file with an EXIF orientation by its stored size, which is what decoding (and training) uses', async () => {
    const tagged = path.join(tmp, 'exif', 'r.png');
    await mkdir(path.dirname(tagged), { recursive: true });
    await sharp(Buffer.alloc(96, 90), { raw: { width: 8, height: 4, channels: 3 } }).png().withMetadata({ orientation: 6 }).toFile(tagged);
    expect((await sharp(tagged).metadata()).orientation).toBe(6);
    const r = await predictFiles({ ref: runDir, paths: ['exif'], cwd: tmp });
    expect(r.failed).toBe(0);
    expect(r.conversion).toBe("resized and converted 8x4 RGB (1 file) to 8x8 gray (resize, grayscale, as in the run's pipeline)");
  });

  it('names a CMYK JPEG as CMYK, not by its channel count', async () => {
    const cmyk = path.join(tmp, 'cmyk', 'c.jpg');
    await mkdir(path.dirname(cmyk), { recursive: true });
    await sharp(Buffer.alloc(96, 90), { raw: { width: 8, height: 4, channels: 3 } }).toColourspace('cmyk').jpeg().toFile(cmyk);
    const r = await predictFiles({ ref: runDir, paths: ['cmyk'], cwd: tmp });
    expect(r.failed).toBe(0);
    expect(r.conversion).toBe("resized and converted 8x4 CMYK (1 file) to 8x8 gray (resize, grayscale, as in the run's pipeline)");
  });

  it('rejects an image whose geometry does not give the model its input size, when the pipeline has no resize', async () => {
    const other = path.join(tmp, 'runs', 'p', '20250101-000001-000-bbbb');
    await mkdir(other, { recursive: true });
    await writeFile(path.join(other, 'lock.json'), '{}');
    await saveModel(model, path.join(other, 'model'));
    const pre = JSON.parse(await readFile(path.join(runDir, 'model', 'preprocess.json'), 'utf8'));
    await writeFile(path.join(other, 'model', 'preprocess.json'), JSON.stringify({ ...pre, geometry: [{ kind: 'grayscale' }] }));
    await png(path.join(tmp, 'eight.png'), 8, 9);
    const r = await predictFiles({ ref: other, paths: ['eight.png', 'imgs/a/0.png'], cwd: tmp });
    expect(r.rows[0]!.probability).toBe(Math.fround(await expected(path.join(tmp, 'eight.png'))));
    expect(r.rows[1]!.error).toBe('decodes to 20x20, but the model takes 8x8 (the run\'s pipeline has no resize to a fixed size)');
  });

  it.runIf(process.platform !== 'win32')('gives a FIFO, a link to /dev/zero and a link loop an answer, never a hang', async () => {
    const odd = path.join(tmp, 'odd');
    await mkdir(path.join(odd, 'sub'), { recursive: true });
    execFileSync('mkfifo', [path.join(odd, 'x.jpg')]);
    await symlink('/dev/zero', path.join(odd, 'zero.png'));
    await symlink('..', path.join(odd, 'sub', 'up'));
    await symlink('..', path.join(odd, 'sub', 'up2'));
    await png(path.join(odd, 'sub', 'ok.png'), 8, 2);
    const r = await predictFiles({ ref: runDir, paths: ['odd', 'odd/x.jpg'], cwd: tmp });
    expect(r.rows.map((x) => [x.path, x.error])).toEqual([
      ['odd/sub/ok.png', null],
      ['odd/x.jpg', 'cannot read: not a regular file (a FIFO)'],
      ['odd/zero.png', 'cannot read: not a regular file (a character device)'],
      ['odd/x.jpg', 'cannot read: not a regular file (a FIFO)'],
    ]);
  });

  it('fails with NotFoundError for a run without a model', async () => {
    const bare = path.join(tmp, 'runs', 'p', '20250101-000002-000-cccc');
    await mkdir(bare, { recursive: true });
    await writeFile(path.join(bare, 'lock.json'), JSON.stringify({ status: 'failed' }));
    await expect(predictFiles({ ref: bare, paths: ['imgs'], cwd: tmp })).rejects.toBeInstanceOf(NotFoundError);
    await expect(predictFiles({ ref: bare, paths: ['imgs'], cwd: tmp })).rejects.toThrow(/run 20250101-000002-000-cccc is failed.*: it has no model/);
  });

  it('names a damaged model/preprocess.json and what is wrong with it, exit 2, rather than calling the model missing', async () => {
    const good = await readFile(path.join(runDir, 'model', 'preprocess.json'), 'utf8');
    const cases: [string, string | null, RegExp][] = [
      ['eeee', good.slice(0, 40), /preprocess\.json: it is not JSON \(/],
      ['ffff', 'hello', /preprocess\.json: it is not JSON \(/],
      ['0001', '[1, 2]', /preprocess\.json: it is not a JSON object \(found a list\)$/],
      ['0002', good.replace('"threshold":0.5', '"threshold":"high"'), /preprocess\.json: "threshold" is not a number \(found a string\)$/],
      ['0003', good.replace('"classes":["crack","no-crack"]', '"classes":"crack"'), /preprocess\.json: "classes" is not a list of class names \(found a string\)$/],
      ['0004', null, /preprocess\.json: it is missing$/],
    ];
    for (const [suffix, text, reason] of cases) {
      const run = path.join(tmp, 'runs', 'p', `20250101-000004-000-${suffix}`);
      await cp(runDir, run, { recursive: true });
      const file = path.join(run, 'model', 'preprocess.json');
      if (text === null) await rm(file);
      else await writeFile(file, text);
      const err = await predictFiles({ ref: run, paths: ['imgs'], cwd: tmp }).then(() => null, (e: unknown) => e);
      expect(err, suffix).toBeInstanceOf(AssayError);
      expect(err, suffix).not.toBeInstanceOf(NotFoundError);
      expect((err as AssayError).code).toBe('model.corrupt');
      expect((err as AssayError).exitCode).toBe(2);
      const msg = (err as Error).message;
      expect(msg, suffix).toMatch(new RegExp(`^run 20250101-000004-000-${suffix}'s model folder is damaged: `));
      expect(msg.split('. ')[0], suffix).toMatch(reason);
      expect(msg, suffix).not.toMatch(/kept out of git/);
    }
  });

  it('says how to get the model of a finished run whose model is not there (a fresh clone)', async () => {
    const clone = path.join(tmp, 'runs', 'p', '20250101-000003-000-dddd');
    await cp(runDir, clone, { recursive: true });
    await rm(path.join(clone, 'model'), { recursive: true });
    await expect(predictFiles({ ref: clone, paths: ['imgs'], cwd: tmp }))
      .rejects.toThrow(/has no model in .*models are kept out of git .*`assay rerun 20250101-000003-000-dddd`.*copy the model\/ folder/);
  });
});
