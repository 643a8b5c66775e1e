/**
 * One image's bytes -> pixels of its decode plan. JPEGs go through the scaled decoder
 * (decode-jpeg.ts); PNG, WebP and JPEGs it does not handle go through sharp at full size. Both end
 * in the same area resampling, so the geometry is identical whichever decoder ran.
 *
 * NOTE: grayscale is BT.601 luma (0.299 R + 0.587 G + 0.114 B), which is exactly a JPEG's Y plane:
 * grayscale JPEG output reads Y directly and never reconstructs chroma.
 * NOTE: EXIF orientation is not applied (pixels are used as stored), as in the reference tools.
 */
import type { FeatureStep } from '../core/spec.js';
import { composeGeometry, type DecodePlan } from './geometry.js';
import { decodeJpeg, JpegUnsupportedError, readJpegSize } from './decode-jpeg.js';
import { axisWeights, resampleChannel, rowsTouched, type ChannelView } from './decode-resample.js';

/** Pixels of one image, HWC uint8. */
export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly data: Uint8Array;
}

let scratch = { tmp: new Float32Array(0), ch: [new Float32Array(0), new Float32Array(0), new Float32Array(0)] };
function buffers(tmpSize: number, chSize: number): typeof scratch {
  if (scratch.tmp.length < tmpSize) scratch.tmp = new Float32Array(tmpSize);
  if (scratch.ch[0]!.length < chSize) scratch.ch = [new Float32Array(chSize), new Float32Array(chSize), new Float32Array(chSize)];
  return scratch;
}

/** Resample the listed channels over `box` (in channel coordinates) into float buffers of the plan's target size. */
function resampleInto(plan: DecodePlan, views: readonly (ChannelView & { box: { left: number; top: number; width: number; height: number }; extentX: number; extentY: number })[]): Float32Array[] {
  const tw = plan.target.width, th = plan.target.height;
  const wys = views.map((v) => axisWeights(v.box.top, v.box.height, th, v.extentY));
  const rows = Math.max(...wys.map(rowsTouched));
  const b = buffers(rows * tw, tw * th);
  views.forEach((v, i) => resampleChannel(v, axisWeights(v.box.left, v.box.width, tw, v.extentX), wys[i]!, tw, th, b.ch[i]!, b.tmp));
  return b.ch.slice(0, views.length);
}

/** Write target-sized float channels (gray: [Y]; colour: [R, G, B] or [Y, Cb, Cr]) into a zeroed output. */
function assemble(plan: DecodePlan, ch: readonly Float32Array[], kind: 'gray' | 'rgb' | 'ycc'): DecodedImage {
  const { width, height, channels, target } = plan;
  const data = new Uint8Array(width * height * channels);
  const out = new Uint8ClampedArray(data.buffer);
  const tw = target.width, c0 = ch[0]!, c1 = ch[1] ?? c0, c2 = ch[2] ?? c0;
  for (let y = 0; y < target.height; y++) {
    let o = ((target.top + y) * width + target.left) * channels;
    const i0 = y * tw, i1 = i0 + tw;
    if (kind === 'gray' && channels === 1) {
      for (let i = i0; i < i1; i++) out[o++] = c0[i]!;
    } else if (kind === 'gray') {
      for (let i = i0; i < i1; i++) { const g = c0[i]!; out[o++] = g; out[o++] = g; out[o++] = g; }
    } else if (kind === 'ycc' && channels === 3) {
      for (let i = i0; i < i1; i++) {
        const Y = c0[i]!, cb = c1[i]! - 128, cr = c2[i]! - 128;
        out[o++] = Y + 1.402 * cr; out[o++] = Y - 0.344136 * cb - 0.714136 * cr; out[o++] = Y + 1.772 * cb;
      }
    } else if (kind === 'ycc') {
      // Luma of the reconstructed RGB equals Y (up to the clamping of out-of-gamut values).
      for (let i = i0; i < i1; i++) out[o++] = c0[i]!;
    } else if (channels === 3) {
      for (let i = i0; i < i1; i++) { out[o++] = c0[i]!; out[o++] = c1[i]!; out[o++] = c2[i]!; }
    } else {
      for (let i = i0; i < i1; i++) out[o++] = 0.299 * c0[i]! + 0.587 * c1[i]! + 0.114 * c2[i]!;
    }
  }
  return { width, height, channels, data };
}

function empty(plan: DecodePlan): DecodedImage {
  return { width: plan.width, height: plan.height, channels: plan.channels, data: new Uint8Array(plan.width * plan.height * plan.channels) };
}

/** Apply a geometry to an interleaved RGB image already in memory (synthetic images, sharp output). */
export function applyGeometryToRgb(rgb: Uint8Array, width: number, height: number, geometry: readonly FeatureStep[]): DecodedImage {
  const plan = composeGeometry(geometry, width, height);
  if (plan.target.width === 0 || plan.target.height === 0) return empty(plan);
  const views = [0, 1, 2].map((c) => ({ data: rgb, base: c, pixStride: 3, rowStride: width * 3, box: plan.source, extentX: width, extentY: height }));
  return assemble(plan, resampleInto(plan, views), 'rgb');
}

/** Largest JPEG scale denominator that still leaves at least one decoded pixel per output pixel. */
export function jpegDenominator(plan: DecodePlan): 1 | 2 | 4 | 8 {
  for (const d of [8, 4, 2] as const) {
    if (plan.source.width / d >= plan.target.width && plan.source.height / d >= plan.target.height) return d;
  }
  return 1;
}

/** Decode a JPEG through the scaled decoder; null when it needs the general decoder. */
function decodeJpegPlan(bytes: Uint8Array, geometry: readonly FeatureStep[]): DecodedImage | null {
  const size = readJpegSize(bytes);
  if (!size || size.width === 0 || size.height === 0) return null;
  const plan = composeGeometry(geometry, size.width, size.height);
  if (plan.target.width === 0 || plan.target.height === 0) return empty(plan);
  const d = jpegDenominator(plan);
  let jp;
  try {
    jp = decodeJpeg(bytes, d, plan.channels === 1);
    if (jp.transform === 'rgb' && plan.channels === 1) jp = decodeJpeg(bytes, d, false);
  } catch (err) {
    if (err instanceof JpegUnsupportedError) return null;
    throw err;
  }
  const used = jp.transform === 'rgb' || (jp.transform === 'ycc' && plan.channels === 3) ? jp.planes : jp.planes.slice(0, 1);
  const views = used.map((p) => {
    const fx = p.h / (jp.hmax * d), fy = p.v / (jp.vmax * d);
    return {
      data: new Uint8Array(p.data.buffer, p.data.byteOffset, p.data.length), base: 0, pixStride: 1, rowStride: p.stride,
      box: { left: plan.source.left * fx, top: plan.source.top * fy, width: plan.source.width * fx, height: plan.source.height * fy },
      extentX: Math.min(p.stride, Math.ceil(size.width * fx)), extentY: Math.min(p.rows, Math.ceil(size.height * fy)),
    };
  });
  return assemble(plan, resampleInto(plan, views), used.length === 1 ? 'gray' : jp.transform === 'rgb' ? 'rgb' : 'ycc');
}

/**
 * Decode one file's bytes through the geometry. Throws an Error whose message says why when the
 * bytes are not a decodable image (the caller turns it into a BadItem).
 */
export async function decodeImageBytes(bytes: Uint8Array, geometry: readonly FeatureStep[]): Promise<DecodedImage> {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    const fast = decodeJpegPlan(bytes, geometry);
    if (fast) return fast;
  }
  const { default: sharp } = await import('sharp');
  const { data, info } = await sharp(bytes, { failOn: 'error' }).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`unexpected ${info.channels}-channel decode`);
  return applyGeometryToRgb(new Uint8Array(data.buffer, data.byteOffset, data.length), info.width, info.height, geometry);
}
