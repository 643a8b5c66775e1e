/**
 * The decode canvas geometry steps act on: the image "as it is at this step" is a W x H canvas; a
 * linear map per axis (`source = scale * x + offset`, x in canvas pixels, continuous) says where
 * each canvas point comes from in the source, and [lo, hi) is the integer interval of the canvas
 * that shows source content (the rest is zero padding). Pure: no I/O, no image data.
 */
import { DataError } from '../../core/errors.js';

export interface Axis {
  /** Canvas size in pixels. */
  readonly size: number;
  /** source = scale * x + offset */
  readonly scale: number;
  readonly offset: number;
  /** Integer canvas interval [lo, hi) holding source content. */
  readonly lo: number;
  readonly hi: number;
}

export interface Canvas {
  readonly x: Axis;
  readonly y: Axis;
  /** 1 = luma, 3 = RGB. */
  readonly channels: 1 | 3;
}

export function geometryError(message: string): DataError {
  return new DataError('data.geometry', message);
}

/** Re-map an axis so the new canvas pixel x shows old canvas point (x * k + shift). */
export function remap(a: Axis, newSize: number, k: number, shift: number, loNew: number, hiNew: number): Axis {
  return {
    size: newSize,
    scale: a.scale * k,
    offset: a.offset + a.scale * shift,
    lo: Math.max(0, Math.min(newSize, loNew)),
    hi: Math.max(0, Math.min(newSize, hiNew)),
  };
}

/** Crop [start, start + len) of the current canvas (integer pixels). */
export function cropAxis(a: Axis, start: number, len: number): Axis {
  return remap(a, len, 1, start, a.lo - start, a.hi - start);
}

/** Stretch the canvas to `n` pixels. */
export function stretchAxis(a: Axis, n: number): Axis {
  const k = a.size / n;
  // NOTE: the content interval scales with the canvas; padding edges are rounded to whole pixels.
  return remap(a, n, k, 0, Math.round(a.lo / k), Math.round(a.hi / k));
}
