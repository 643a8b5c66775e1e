/**
 * Geometry composition: the leading feature steps (resize, center-crop, crop, grayscale) folded
 * into ONE decode plan per image, so a photo is cropped and shrunk once, on load, and never
 * processed step by step. Pure: no I/O, no image data.
 *
 * Model: while folding, the image "as it is at this step" is a W x H canvas; a linear map per axis
 * (`source = scale * x + offset`, x in canvas pixels, continuous) says where each canvas point
 * comes from in the source, and `target` is the integer rectangle of the canvas that shows source
 * content (the rest is zero padding, which only `resize` with `fit: contain` introduces). The
 * canvas is features/kinds/canvas.ts; each geometry kind's effect on it lives in its own module.
 */
import type { FeatureStep } from '../core/spec.js';
import type { Axis, Canvas } from '../features/kinds/canvas.js';
import { geometryError } from '../features/kinds/canvas.js';
import { geometryKind } from '../features/kinds/registry.js';

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
  const full = (size: number): Axis => ({ size, scale: 1, offset: 0, lo: 0, hi: size });
  let canvas: Canvas = { x: full(sourceWidth), y: full(sourceHeight), channels: 3 };
  steps.forEach((step, i) => {
    const kind = geometryKind(step);
    if (kind === null) throw new Error(`composeGeometry: ${step.kind} is not a geometry step`);
    canvas = kind.geometry(step, canvas, `features[${i}] (${step.kind})`);
  });
  const { x, y, channels } = canvas;
  const tw = Math.max(0, x.hi - x.lo), th = Math.max(0, y.hi - y.lo);
  return {
    width: x.size,
    height: y.size,
    channels,
    target: { left: x.lo, top: y.lo, width: tw, height: th },
    source: { left: x.scale * x.lo + x.offset, top: y.scale * y.lo + y.offset, width: x.scale * tw, height: y.scale * th },
  };
}
