import { describe, expect, it } from 'vitest';
import type { ImageBlock } from '../../../src/core/data.js';
import { DataError } from '../../../src/core/errors.js';
import { Rng } from '../../../src/core/rng.js';
import { applyPixelSteps, fitPixelSteps } from '../../../src/features/pixel-steps.js';
import { toFloat } from '../../../src/features/to-float.js';

const block = (count: number, height: number, width: number, channels: number, values: number[]): ImageBlock<Float32Array> => ({
  count, height, width, channels, data: Float32Array.from(values),
});

function channelStats(b: ImageBlock<Float32Array>): { mean: number[]; std: number[] } {
  const mean: number[] = [], std: number[] = [];
  for (let c = 0; c < b.channels; c++) {
    const vs = Array.from(b.data).filter((_, i) => i % b.channels === c);
    const m = vs.reduce((a, v) => a + v, 0) / vs.length;
    mean.push(m);
    std.push(Math.sqrt(vs.reduce((a, v) => a + (v - m) ** 2, 0) / vs.length));
  }
  return { mean, std };
}

function randomBlock(seed: number, count: number, offset: number): ImageBlock<Float32Array> {
  const r = new Rng(seed);
  const values = Array.from({ length: count * 4 * 4 * 3 }, (_, i) => offset + (i % 3) * 0.2 + r.next() * (1 + (i % 3)));
  return block(count, 4, 4, 3, values);
}

describe('toFloat', () => {
  it('divides every byte by 255, keeping the shape', () => {
    const out = toFloat({ count: 1, height: 1, width: 3, channels: 1, data: Uint8Array.from([0, 255, 51]) });
    expect(Array.from(out.data)).toEqual([0, 1, Math.fround(0.2)]);
    expect([out.count, out.height, out.width, out.channels]).toEqual([1, 1, 3, 1]);
  });
});

describe('normalize', () => {
  it('standard: learns per-channel mean and population std of the training block and applies them to validation', () => {
    const train = block(2, 1, 1, 2, [0, 10, 1, 30]);
    const fitted = fitPixelSteps([{ kind: 'normalize', method: 'standard' }], train);
    expect(fitted.steps).toEqual([{ kind: 'normalize', method: 'standard', mean: [0.5, 20], std: [0.5, 10] }]);
    expect(Array.from(applyPixelSteps(fitted, train).data)).toEqual([-1, -1, 1, 1]);
    const val = block(1, 1, 1, 2, [2, 40]);
    expect(Array.from(applyPixelSteps(fitted, val).data)).toEqual([3, 2]);
    expect(Array.from(val.data)).toEqual([2, 40]);
  });

  it('standard: gives the training block mean 0 and std 1 per channel, but not validation', () => {
    const train = randomBlock(1, 6, 0);
    const val = randomBlock(2, 4, 0.5);
    const before = val.data.slice();
    const fitted = fitPixelSteps([{ kind: 'normalize', method: 'standard' }], train);
    const t = channelStats(applyPixelSteps(fitted, train));
    for (let c = 0; c < 3; c++) {
      expect(Math.abs(t.mean[c]!)).toBeLessThan(1e-6);
      expect(Math.abs(t.std[c]! - 1)).toBeLessThan(1e-5);
    }
    const v = channelStats(applyPixelSteps(fitted, val));
    // validation was shifted by +0.5 before normalising with the training statistics
    for (let c = 0; c < 3; c++) expect(v.mean[c]!).toBeGreaterThan(0.2);
    expect(val.data).toEqual(before);
  });

  it('min-max: maps the training range to [0, 1] per channel; validation may fall outside', () => {
    const train = block(3, 1, 1, 2, [0, 10, 1, 30, 0.25, 20]);
    const fitted = fitPixelSteps([{ kind: 'normalize', method: 'min-max' }], train);
    expect(fitted.steps).toEqual([{ kind: 'normalize', method: 'min-max', min: [0, 10], max: [1, 30] }]);
    expect(Array.from(applyPixelSteps(fitted, train).data)).toEqual([0, 0, 1, 1, 0.25, 0.5]);
    expect(Array.from(applyPixelSteps(fitted, block(1, 1, 1, 2, [2, 5])).data)).toEqual([2, -0.25]);
  });

  it('leaves a constant training channel finite (divides by 1)', () => {
    const fitted = fitPixelSteps([{ kind: 'normalize', method: 'standard' }, { kind: 'normalize', method: 'min-max' }], block(2, 1, 1, 1, [3, 3]));
    expect(Array.from(applyPixelSteps(fitted, block(1, 1, 1, 1, [4])).data)).toEqual([1]);
  });

  it('rejects a block whose channel count differs from the fitted one, and an empty training block', () => {
    const fitted = fitPixelSteps([{ kind: 'normalize', method: 'standard' }], block(1, 1, 1, 2, [0, 1]));
    expect(() => applyPixelSteps(fitted, block(1, 1, 1, 3, [0, 1, 2]))).toThrow('normalize was fitted on 2 channel(s) but this block has 3');
    expect(() => fitPixelSteps([{ kind: 'normalize', method: 'min-max' }], block(0, 2, 2, 1, []))).toThrow(DataError);
  });
});

describe('edges (sobel)', () => {
  // 4x4, left half 0, right half 1: a vertical step edge
  const step = block(1, 4, 4, 1, [0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1]);

  it('gives magnitude 4 on both sides of a unit step and 0 at replicated borders', () => {
    const fitted = fitPixelSteps([{ kind: 'edges', method: 'sobel', mode: 'replace' }], step);
    const out = applyPixelSteps(fitted, step);
    expect(out.channels).toBe(1);
    // zero padding would give 4 in the last column; replicate borders give 0
    expect(Array.from(out.data)).toEqual([0, 4, 4, 0, 0, 4, 4, 0, 0, 4, 4, 0, 0, 4, 4, 0]);
  });

  it('measures a single bright pixel in both directions, including corners', () => {
    const dot = block(1, 3, 3, 1, [0, 0, 0, 0, 1, 0, 0, 0, 0]);
    const out = applyPixelSteps(fitPixelSteps([{ kind: 'edges', method: 'sobel', mode: 'replace' }], dot), dot);
    const r2 = Math.fround(Math.SQRT2);
    expect(Array.from(out.data)).toEqual([r2, 2, r2, 2, 0, 2, r2, 2, r2]);
  });

  it('works on the channel mean and appends it as an extra channel after the originals', () => {
    // two pixels side by side, RGB: (0, 0, 0.3) and (0.6, 0.6, 0.3): channel means 0.1 and 0.5
    const rgb = block(1, 1, 2, 3, [0, 0, 0.3, 0.6, 0.6, 0.3]);
    const out = applyPixelSteps(fitPixelSteps([{ kind: 'edges', method: 'sobel', mode: 'append' }], rgb), rgb);
    expect(out.channels).toBe(4);
    // each pixel: gx = (1 + 2 + 1) * (0.5 - 0.1) = 1.6 (replicate borders), gy = 0
    const g = Math.fround(4 * (Math.fround(1.5) / 3 - Math.fround(0.3) / 3));
    expect(Array.from(out.data)).toEqual([0, 0, Math.fround(0.3), g, Math.fround(0.6), Math.fround(0.6), Math.fround(0.3), g]);
  });

  it('lets a later normalize see the appended channel (fitted on the transformed training block)', () => {
    const fitted = fitPixelSteps([{ kind: 'edges', method: 'sobel', mode: 'append' }, { kind: 'normalize', method: 'standard' }], step);
    const norm = fitted.steps[1]!;
    expect(norm.kind === 'normalize' && norm.method === 'standard' ? norm.mean : null).toEqual([0.5, 2]);
    const out = applyPixelSteps(fitted, step);
    expect(out.channels).toBe(2);
    expect(Array.from(out.data.slice(0, 8))).toEqual([-1, -1, -1, 1, 1, 1, 1, -1]);
  });
});

describe('fitted record', () => {
  it('is plain JSON that applies identically after a round trip', () => {
    const train = randomBlock(3, 5, 0);
    const fitted = fitPixelSteps([{ kind: 'identity' }, { kind: 'edges', method: 'sobel', mode: 'append' }, { kind: 'normalize', method: 'min-max' }], train);
    const back = JSON.parse(JSON.stringify(fitted));
    expect(back).toEqual(fitted);
    expect(applyPixelSteps(back, train).data).toEqual(applyPixelSteps(fitted, train).data);
  });

  it('rejects geometry and training steps', () => {
    const b = block(1, 1, 1, 1, [0]);
    expect(() => fitPixelSteps([{ kind: 'resize', width: 2, height: 2, fit: 'fill' }], b)).toThrow(/geometry step/);
    expect(() => fitPixelSteps([{ kind: 'augment', augment: { flipHorizontal: true, flipVertical: false, rotate90: false, brightness: 0, contrast: 0, translate: 0 } }], b)).toThrow(/inside training/);
  });

  it('returns a copy for identity, never the caller\'s array', () => {
    const b = block(1, 1, 1, 1, [0.5]);
    const out = applyPixelSteps(fitPixelSteps([{ kind: 'identity' }], b), b);
    expect(out.data).not.toBe(b.data);
    expect(Array.from(out.data)).toEqual([0.5]);
  });
});
