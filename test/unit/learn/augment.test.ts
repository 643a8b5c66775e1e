import { describe, expect, it } from 'vitest';
import { applyAugment, augmentBatch, augmentMixedBatch, drawAugment, NO_AUGMENT, type AugmentDraw } from '../../../src/learn/augment.js';
import { Rng } from '../../../src/core/rng.js';
import type { AugmentSpec } from '../../../src/core/spec.js';

const OFF: AugmentSpec = { flipHorizontal: false, flipVertical: false, rotate90: false, brightness: 0, contrast: 0, translate: 0 };

/** 3x3 single-channel image with pixels 1..9 in row order:
 *  1 2 3
 *  4 5 6
 *  7 8 9 */
const IMG = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);

function apply(d: Partial<AugmentDraw>, src = IMG, h = 3, w = 3, c = 1): number[] {
  const dst = new Float32Array(src.length);
  applyAugment(src, dst, h, w, c, { ...NO_AUGMENT, ...d });
  return Array.from(dst);
}

describe('applyAugment (exact pixels)', () => {
  it('identity copies', () => expect(apply({})).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]));
  it('flips horizontally and vertically', () => {
    expect(apply({ flipHorizontal: true })).toEqual([3, 2, 1, 6, 5, 4, 9, 8, 7]);
    expect(apply({ flipVertical: true })).toEqual([7, 8, 9, 4, 5, 6, 1, 2, 3]);
    expect(apply({ flipHorizontal: true, flipVertical: true })).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1]);
  });
  it('rotates counter-clockwise by quarter turns', () => {
    expect(apply({ rotate: 1 })).toEqual([3, 6, 9, 2, 5, 8, 1, 4, 7]);
    expect(apply({ rotate: 2 })).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(apply({ rotate: 3 })).toEqual([7, 4, 1, 8, 5, 2, 9, 6, 3]);
  });
  it('flips before rotating', () => {
    // flip-h gives 3 2 1 / 6 5 4 / 9 8 7; one CCW turn of that:
    expect(apply({ flipHorizontal: true, rotate: 1 })).toEqual([1, 4, 7, 2, 5, 8, 3, 6, 9]);
  });
  it('translates with edge padding', () => {
    expect(apply({ dx: 1 })).toEqual([1, 1, 2, 4, 4, 5, 7, 7, 8]);
    expect(apply({ dy: -1 })).toEqual([4, 5, 6, 7, 8, 9, 7, 8, 9]);
    expect(apply({ dy: 1, dx: -1 })).toEqual([2, 3, 3, 2, 3, 3, 5, 6, 6]);
  });
  it('scales contrast around the per-channel mean, then shifts brightness', () => {
    // mean 5: (v - 5) * 2 + 5 + 0.5
    expect(apply({ contrast: 2, brightness: 0.5 })).toEqual([-2.5, -0.5, 1.5, 3.5, 5.5, 7.5, 9.5, 11.5, 13.5]);
    // two channels with means 2 and 20: channel 1 keeps its own mean
    const two = Float32Array.from([1, 10, 3, 30]);
    expect(apply({ contrast: 0.5 }, two, 1, 2, 2)).toEqual([1.5, 15, 2.5, 25]);
  });
  it('moves channels together in geometric steps', () => {
    const rgb = Float32Array.from([1, 2, 3, 4, 5, 6]); // 1x2 image, 3 channels
    expect(apply({ flipHorizontal: true }, rgb, 1, 2, 3)).toEqual([4, 5, 6, 1, 2, 3]);
  });
  it('refuses to rotate a non-square image', () => {
    expect(() => apply({ rotate: 1 }, new Float32Array(6), 2, 3, 1)).toThrow(/square/);
  });
});

describe('drawAugment', () => {
  it('draws nothing and returns the identity when everything is off', () => {
    const rng = new Rng(1);
    expect(drawAugment(OFF, 8, 8, rng)).toEqual(NO_AUGMENT);
    expect(rng.next()).toBe(new Rng(1).next());
  });
  it('draws in the documented order and ranges', () => {
    const spec: AugmentSpec = { flipHorizontal: true, flipVertical: true, rotate90: true, brightness: 0.1, contrast: 0.2, translate: 0.25 };
    const rng = new Rng('draws');
    const d = drawAugment(spec, 8, 8, rng);
    const r = new Rng('draws');
    expect(d).toEqual({
      flipHorizontal: r.next() < 0.5,
      flipVertical: r.next() < 0.5,
      rotate: r.int(4),
      dy: r.int(5) - 2,
      dx: r.int(5) - 2,
      contrast: r.uniform(0.8, 1.2),
      brightness: r.uniform(-0.1, 0.1),
    });
  });
  it('never rotates non-square images', () => {
    const rng = new Rng(3);
    for (let i = 0; i < 50; i++) expect(drawAugment({ ...OFF, rotate90: true }, 4, 6, rng).rotate).toBe(0);
  });
});

describe('augmentBatch', () => {
  it('returns a new array, leaves the input alone, and draws per image in order', () => {
    const x = new Float32Array(4 * 9);
    for (let i = 0; i < 4; i++) x.set(IMG.map((v) => v + 10 * i), i * 9);
    const before = Float32Array.from(x);
    const spec: AugmentSpec = { ...OFF, flipHorizontal: true, rotate90: true };
    const out = augmentBatch(x, [4, 3, 3, 1], spec, new Rng('batch'));
    expect(out).not.toBe(x);
    expect(x).toEqual(before);
    const r = new Rng('batch');
    for (let i = 0; i < 4; i++) {
      const d = drawAugment(spec, 3, 3, r);
      const want = new Float32Array(9);
      applyAugment(x.subarray(i * 9, i * 9 + 9), want, 3, 3, 1, d);
      expect(Array.from(out.subarray(i * 9, i * 9 + 9))).toEqual(Array.from(want));
    }
  });
  it('is deterministic for a seed and varies across seeds', () => {
    const x = Float32Array.from({ length: 16 * 9 }, (_, i) => i % 9);
    const spec: AugmentSpec = { ...OFF, flipHorizontal: true, flipVertical: true, rotate90: true };
    const a = augmentBatch(x, [16, 3, 3, 1], spec, new Rng(5));
    expect(augmentBatch(x, [16, 3, 3, 1], spec, new Rng(5))).toEqual(a);
    expect(augmentBatch(x, [16, 3, 3, 1], spec, new Rng(6))).not.toEqual(a);
  });
  it('rejects a shape that does not match the data', () => {
    expect(() => augmentBatch(new Float32Array(10), [1, 3, 3, 1], OFF, new Rng(0))).toThrow(/needs 9 values, got 10/);
  });
});

describe('augmentMixedBatch (an image and a row per example)', () => {
  const SPEC: AugmentSpec = { ...OFF, flipHorizontal: true, flipVertical: true, rotate90: true, brightness: 0.1, contrast: 0.2, translate: 0.34 };
  it('augments each image as augmentBatch does (same draws, same order) and leaves each row as it is', () => {
    // Three examples: a 3x3x1 image, then a row of two values.
    const rows = [[100, -1], [200, -2], [300, -3]];
    const images = [0, 1, 2].map((i) => Array.from(IMG, (v) => v + 10 * i));
    const packed = Float32Array.from(images.flatMap((img, i) => [...img, ...rows[i]!]));
    const out = augmentMixedBatch(packed, 3, { image: [3, 3, 1], columns: 2 }, SPEC, new Rng(7).child('augment'));
    const alone = augmentBatch(Float32Array.from(images.flat()), [3, 3, 3, 1], SPEC, new Rng(7).child('augment'));
    for (let i = 0; i < 3; i++) {
      expect(Array.from(out.subarray(i * 11, i * 11 + 9))).toEqual(Array.from(alone.subarray(i * 9, (i + 1) * 9)));
      expect(Array.from(out.subarray(i * 11 + 9, (i + 1) * 11))).toEqual(rows[i]);
    }
    // The draws changed the images (a test that could not tell augmenting from copying proves nothing).
    expect(Array.from(out.subarray(0, 9))).not.toEqual(images[0]);
    expect(Array.from(packed.subarray(0, 9))).toEqual(images[0]);
  });

  it('refuses a batch whose length does not match the layout', () => {
    expect(() => augmentMixedBatch(new Float32Array(10), 1, { image: [3, 3, 1], columns: 2 }, SPEC, new Rng(1))).toThrow('augment: 1 mixed examples of 11 values need 11 values, got 10');
  });
});
