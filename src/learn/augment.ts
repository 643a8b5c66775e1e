/**
 * Training-time augmentation on NHWC float batches, drawn from the trial's seeded Rng. Pure
 * (no tensor library): the training loop calls it on each training batch, never on validation.
 * Mixed examples (the image's values, then the row's; core/data.ts MixedLayout) have their image
 * augmented and their row left as it is.
 */
import { mixedSize, type MixedLayout } from '../core/data.js';
import type { AugmentSpec } from '../core/spec.js';
import type { Rng } from '../core/rng.js';

/** The random choices made for one image (exported so tests can state exact expectations). */
export interface AugmentDraw {
  readonly flipHorizontal: boolean;
  readonly flipVertical: boolean;
  /** Quarter turns counter-clockwise (0..3). */
  readonly rotate: number;
  /** Shift in pixels: the content moves down by `dy` and right by `dx`; uncovered pixels repeat the edge. */
  readonly dy: number;
  readonly dx: number;
  /** Per-channel contrast factor around the channel mean. */
  readonly contrast: number;
  /** Added to every pixel after the contrast change. */
  readonly brightness: number;
}

/** The identity draw. */
export const NO_AUGMENT: AugmentDraw = { flipHorizontal: false, flipVertical: false, rotate: 0, dy: 0, dx: 0, contrast: 1, brightness: 0 };

/**
 * Draw one image's choices. Draw order (each only when enabled): flip-h (next() < 0.5), flip-v,
 * rotate (int(4), square images only), dy then dx (int(2m + 1) - m with m = round(translate * side)),
 * contrast (uniform(1 - c, 1 + c)), brightness (uniform(-b, b)).
 */
export function drawAugment(spec: AugmentSpec, height: number, width: number, rng: Rng): AugmentDraw {
  const flipHorizontal = spec.flipHorizontal ? rng.next() < 0.5 : false;
  const flipVertical = spec.flipVertical ? rng.next() < 0.5 : false;
  const rotate = spec.rotate90 && height === width ? rng.int(4) : 0;
  let dy = 0, dx = 0;
  if (spec.translate > 0) {
    const my = Math.round(spec.translate * height), mx = Math.round(spec.translate * width);
    dy = rng.int(2 * my + 1) - my;
    dx = rng.int(2 * mx + 1) - mx;
  }
  const contrast = spec.contrast > 0 ? rng.uniform(1 - spec.contrast, 1 + spec.contrast) : 1;
  const brightness = spec.brightness > 0 ? rng.uniform(-spec.brightness, spec.brightness) : 0;
  return { flipHorizontal, flipVertical, rotate, dy, dx, contrast, brightness };
}

function clamp(v: number, hi: number): number {
  return v < 0 ? 0 : v > hi ? hi : v;
}

/**
 * Apply `d` to one HWC image `src` (length h*w*c), writing into `dst` (same length). Geometric
 * steps in order flip-h, flip-v, rotate, translate (with edge padding); then per channel
 * v -> (v - mean) * contrast + mean + brightness, mean taken over the transformed image.
 */
export function applyAugment(src: Float32Array, dst: Float32Array, h: number, w: number, c: number, d: AugmentDraw): void {
  if (d.rotate !== 0 && h !== w) throw new Error(`rotation needs a square image, got ${h}x${w}`);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // Walk back from the output pixel to its source: undo translate, then rotate, then flips.
      let sy = clamp(y - d.dy, h - 1), sx = clamp(x - d.dx, w - 1);
      for (let k = 0; k < d.rotate; k++) {
        // One counter-clockwise turn: out[i][j] = in[j][n - 1 - i].
        const ty = sx; sx = w - 1 - sy; sy = ty;
      }
      if (d.flipVertical) sy = h - 1 - sy;
      if (d.flipHorizontal) sx = w - 1 - sx;
      const o = (y * w + x) * c, s = (sy * w + sx) * c;
      for (let ch = 0; ch < c; ch++) dst[o + ch] = src[s + ch]!;
    }
  }
  if (d.contrast === 1 && d.brightness === 0) return;
  const n = h * w;
  for (let ch = 0; ch < c; ch++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += dst[i * c + ch]!;
    const mean = sum / n;
    for (let i = 0; i < n; i++) {
      const j = i * c + ch;
      dst[j] = (dst[j]! - mean) * d.contrast + mean + d.brightness;
    }
  }
}

/**
 * Augment a batch `x` of NHWC images (`shape` = [n, h, w, c]) with independent draws per image,
 * in image order, from `rng`. Returns a new array; `x` is left unchanged. Rotation is skipped
 * for non-square images.
 */
export function augmentBatch(x: Float32Array, shape: readonly [number, number, number, number], spec: AugmentSpec, rng: Rng): Float32Array {
  const [n, h, w, c] = shape;
  const size = h * w * c;
  if (x.length !== n * size) throw new Error(`augment: batch of [${shape.join(', ')}] needs ${n * size} values, got ${x.length}`);
  const out = new Float32Array(x.length);
  for (let i = 0; i < n; i++) {
    const d = drawAugment(spec, h, w, rng);
    applyAugment(x.subarray(i * size, (i + 1) * size), out.subarray(i * size, (i + 1) * size), h, w, c, d);
  }
  return out;
}

/**
 * Augment a batch `x` of `n` packed mixed examples (`layout`): each example's image part as
 * augmentBatch would (the same draws, in example order), its row part copied unchanged.
 */
export function augmentMixedBatch(x: Float32Array, n: number, layout: MixedLayout, spec: AugmentSpec, rng: Rng): Float32Array {
  const [h, w, c] = layout.image;
  const size = mixedSize(layout), pixels = h * w * c;
  if (x.length !== n * size) throw new Error(`augment: ${n} mixed examples of ${size} values need ${n * size} values, got ${x.length}`);
  const out = new Float32Array(x.length);
  for (let i = 0; i < n; i++) {
    const o = i * size;
    applyAugment(x.subarray(o, o + pixels), out.subarray(o, o + pixels), h, w, c, drawAugment(spec, h, w, rng));
    out.set(x.subarray(o + pixels, o + size), o + pixels);
  }
  return out;
}
