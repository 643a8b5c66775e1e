import { describe, expect, it } from 'vitest';
import type { FeatureStep } from '../../../src/core/spec.js';
import { composeGeometry } from '../../../src/data/geometry.js';
import { DataError } from '../../../src/core/errors.js';

const resize = (width: number, height: number, fit: 'fill' | 'contain' | 'cover' = 'fill'): FeatureStep => ({ kind: 'resize', width, height, fit });
const centerFraction = (fraction: number): FeatureStep => ({ kind: 'center-crop', size: { kind: 'fraction', fraction } });

describe('composeGeometry', () => {
  it('with no steps keeps the whole source, RGB', () => {
    expect(composeGeometry([], 227, 100)).toEqual({ width: 227, height: 100, channels: 3, source: { left: 0, top: 0, width: 227, height: 100 }, target: { left: 0, top: 0, width: 227, height: 100 } });
  });

  it('resize 64 then center-crop 0.5 equals extracting the central half then resizing to 32', () => {
    const a = composeGeometry([resize(64, 64), centerFraction(0.5)], 227, 227);
    const b = composeGeometry([{ kind: 'crop', left: 0, top: 0, width: 227, height: 227 }, resize(32, 32)], 227, 227);
    expect(a.width).toBe(32);
    expect(a.source).toEqual({ left: 56.75, top: 56.75, width: 113.5, height: 113.5 });
    expect(b.source).toEqual({ left: 0, top: 0, width: 227, height: 227 });
    expect(a.target).toEqual(b.target);
  });

  it('maps a crop taken after a resize back to source coordinates', () => {
    const p = composeGeometry([resize(100, 50), { kind: 'crop', left: 10, top: 5, width: 20, height: 10 }], 400, 200);
    expect(p).toMatchObject({ width: 20, height: 10, source: { left: 40, top: 20, width: 80, height: 40 }, target: { left: 0, top: 0, width: 20, height: 10 } });
  });

  it('center-crop by pixels uses offset floor((side - kept) / 2)', () => {
    const p = composeGeometry([{ kind: 'center-crop', size: { kind: 'pixels', width: 4, height: 3 } }], 9, 8);
    expect(p.source).toEqual({ left: 2, top: 2, width: 4, height: 3 });
  });

  it('cover cuts the excess evenly; contain pads and keeps the source whole', () => {
    const cover = composeGeometry([resize(50, 50, 'cover')], 200, 100);
    expect(cover.source).toEqual({ left: 50, top: 0, width: 100, height: 100 });
    expect(cover.target).toEqual({ left: 0, top: 0, width: 50, height: 50 });
    const contain = composeGeometry([resize(50, 50, 'contain')], 200, 100);
    expect(contain.source).toEqual({ left: 0, top: 0, width: 200, height: 100 });
    expect(contain.target).toEqual({ left: 0, top: 12, width: 50, height: 25 });
  });

  it('a crop after contain that reaches into the padding keeps only the covered source', () => {
    const p = composeGeometry([resize(50, 50, 'contain'), { kind: 'crop', left: 0, top: 0, width: 50, height: 20 }], 200, 100);
    expect(p.target).toEqual({ left: 0, top: 12, width: 50, height: 8 });
    expect(p.source).toEqual({ left: 0, top: 0, width: 200, height: 32 });
  });

  it('grayscale sets one channel wherever it appears', () => {
    expect(composeGeometry([{ kind: 'grayscale' }, resize(8, 8)], 16, 16).channels).toBe(1);
  });

  it('rejects a crop outside the image at its step, naming the step', () => {
    expect(() => composeGeometry([resize(32, 32), { kind: 'crop', left: 20, top: 0, width: 16, height: 16 }], 227, 227)).toThrow(DataError);
    expect(() => composeGeometry([resize(32, 32), { kind: 'crop', left: 20, top: 0, width: 16, height: 16 }], 227, 227)).toThrow(/features\[1\] \(crop\).*32x32/);
    expect(() => composeGeometry([centerFraction(0)], 10, 10)).toThrow(/fraction/);
  });
});
