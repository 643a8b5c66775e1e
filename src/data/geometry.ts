/**
 * Geometry composition: the leading feature steps (resize, center-crop, crop, grayscale) folded
 * into ONE decode plan per image, so a photo is cropped and shrunk once, on load, and never
 * processed step by step. Pure: no I/O, no image data.
 *
 * Model: while folding, the image "as it is at this step" is a W x H canvas; a linear map per axis
 * (`source = scale * x + offset`, x in canvas pixels, continuous) says where each canvas point
 * comes from in the source, and `target` is the integer rectangle of the canvas that shows source
 * content (the rest is zero padding, which only `resize` with `fit: contain` introduces).
 */
import { match } from 'ts-pattern';
import { DataError } from '../core/errors.js';
import type { FeatureStep } from '../core/spec.js';

/** An axis-aligned box; in source pixels it may be fractional, in output pixels it is integer. */
export interface Box {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/**
 * How to decode one image: take `source` (source pixel coordinates, possibly fractional), area-
 * resample it into `target` (integer pixels of the `width` x `height` output), zero-fill the rest
 * of the output, and keep `channels` channels (1 = luma, 3 = RGB).
 */
export interface DecodePlan {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly source: Box;
  readonly target: Box;
}

interface Axis {
  /** Canvas size in pixels. */
  size: number;
  /** source = scale * x + offset */
  scale: number;
  offset: number;
  /** Integer canvas interval [lo, hi) holding source content. */
  lo: number;
  hi: number;
}

function geometryError(message: string): DataError {
  return new DataError('data.geometry', message);
}

/** Re-map an axis so the new canvas pixel x shows old canvas point (x * k + shift). */
function remap(a: Axis, newSize: number, k: number, shift: number, loNew: number, hiNew: number): Axis {
  return {
    size: newSize,
    scale: a.scale * k,
    offset: a.offset + a.scale * shift,
    lo: Math.max(0, Math.min(newSize, loNew)),
    hi: Math.max(0, Math.min(newSize, hiNew)),
  };
}

/** Crop [start, start + len) of the current canvas (integer pixels). */
function cropAxis(a: Axis, start: number, len: number): Axis {
  return remap(a, len, 1, start, a.lo - start, a.hi - start);
}

/** Stretch the canvas to `n` pixels. */
function stretchAxis(a: Axis, n: number): Axis {
  const k = a.size / n;
  // NOTE: the content interval scales with the canvas; padding edges are rounded to whole pixels.
  return remap(a, n, k, 0, Math.round(a.lo / k), Math.round(a.hi / k));
}

/**
 * Fold the geometry steps (in pipeline order) into one plan for a source of the given size.
 * Conventions: `resize` fill stretches; `cover` scales to cover and cuts the excess evenly from both
 * sides; `contain` scales to fit, rounds the content size to whole pixels and centres it (offset
 * floor((canvas - content) / 2)) on zero padding. `center-crop` keeps round(side * fraction) (or
 * the given pixels) at offset floor((side - kept) / 2). `crop` must lie inside the current canvas.
 * Throws DataError `data.geometry` for an impossible step (a crop outside the canvas, a fraction
 * or size <= 0); a non-geometry step is a programming error.
 */
export function composeGeometry(steps: readonly FeatureStep[], sourceWidth: number, sourceHeight: number): DecodePlan {
  if (!(sourceWidth > 0 && sourceHeight > 0)) throw geometryError(`image size ${sourceWidth}x${sourceHeight} is empty`);
  let x: Axis = { size: sourceWidth, scale: 1, offset: 0, lo: 0, hi: sourceWidth };
  let y: Axis = { size: sourceHeight, scale: 1, offset: 0, lo: 0, hi: sourceHeight };
  let channels: 1 | 3 = 3;
  steps.forEach((step, i) => {
    const where = `features[${i}] (${step.kind})`;
    match(step)
      .with({ kind: 'resize' }, (s) => {
        if (!(s.width >= 1 && s.height >= 1)) throw geometryError(`${where}: size ${s.width}x${s.height} must be at least 1x1`);
        const W = x.size, H = y.size;
        match(s.fit)
          .with('fill', () => { x = stretchAxis(x, s.width); y = stretchAxis(y, s.height); })
          .with('cover', () => {
            const k = Math.min(W / s.width, H / s.height);
            // Canvas pixel u shows old point (u + (W/k - w) / 2) * k.
            const sx = ((W / k - s.width) / 2) * k, sy = ((H / k - s.height) / 2) * k;
            x = remap(x, s.width, k, sx, Math.round((x.lo - sx) / k), Math.round((x.hi - sx) / k));
            y = remap(y, s.height, k, sy, Math.round((y.lo - sy) / k), Math.round((y.hi - sy) / k));
          })
          .with('contain', () => {
            const k = Math.max(W / s.width, H / s.height);
            const cw = Math.max(1, Math.round(W / k)), ch = Math.max(1, Math.round(H / k));
            const px = Math.floor((s.width - cw) / 2), py = Math.floor((s.height - ch) / 2);
            // The content occupies [px, px + cw): old point = (u - px) * (W / cw).
            const kx = W / cw, ky = H / ch;
            x = remap(x, s.width, kx, -px * kx, px + Math.round(x.lo / kx), px + Math.round(x.hi / kx));
            y = remap(y, s.height, ky, -py * ky, py + Math.round(y.lo / ky), py + Math.round(y.hi / ky));
          })
          .exhaustive();
      })
      .with({ kind: 'center-crop' }, (s) => {
        const [cw, ch] = match(s.size)
          .with({ kind: 'fraction' }, (f) => {
            if (!(f.fraction > 0 && f.fraction <= 1)) throw geometryError(`${where}: fraction ${f.fraction} must be in (0, 1]`);
            return [Math.max(1, Math.round(x.size * f.fraction)), Math.max(1, Math.round(y.size * f.fraction))];
          })
          .with({ kind: 'pixels' }, (p) => [p.width, p.height])
          .exhaustive();
        if (!(cw >= 1 && ch >= 1 && cw <= x.size && ch <= y.size)) {
          throw geometryError(`${where}: ${cw}x${ch} does not fit in the ${x.size}x${y.size} image at this step`);
        }
        x = cropAxis(x, Math.floor((x.size - cw) / 2), cw);
        y = cropAxis(y, Math.floor((y.size - ch) / 2), ch);
      })
      .with({ kind: 'crop' }, (s) => {
        const ok = Number.isInteger(s.left) && Number.isInteger(s.top) && s.left >= 0 && s.top >= 0 && s.width >= 1 && s.height >= 1
          && s.left + s.width <= x.size && s.top + s.height <= y.size;
        if (!ok) throw geometryError(`${where}: box ${s.width}x${s.height} at (${s.left}, ${s.top}) is not inside the ${x.size}x${y.size} image at this step`);
        x = cropAxis(x, s.left, s.width);
        y = cropAxis(y, s.top, s.height);
      })
      .with({ kind: 'grayscale' }, () => { channels = 1; })
      .with({ kind: 'normalize' }, { kind: 'identity' }, { kind: 'edges' }, { kind: 'augment' }, (s) => {
        throw new Error(`composeGeometry: ${s.kind} is not a geometry step`);
      })
      .exhaustive();
  });
  const tw = Math.max(0, x.hi - x.lo), th = Math.max(0, y.hi - y.lo);
  return {
    width: x.size,
    height: y.size,
    channels,
    target: { left: x.lo, top: y.lo, width: tw, height: th },
    source: { left: x.scale * x.lo + x.offset, top: y.scale * y.lo + y.offset, width: x.scale * tw, height: y.scale * th },
  };
}
