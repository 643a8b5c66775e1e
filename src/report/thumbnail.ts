/**
 * Small PNG thumbnails (base64, no data-URI prefix) for the error gallery: the stored image and
 * the image as the model saw it after the feature steps.
 */
import sharp from 'sharp';
import type { ImageBlock } from '../core/data.js';

/** Default longest side of a gallery thumbnail, in pixels. */
export const THUMBNAIL_SIZE = 112;

/**
 * Encodes raw 8-bit pixels (HWC, 1 = gray, 2 = gray + alpha, 3 = RGB, 4 = RGBA) as a base64 PNG.
 * Throws a RangeError when the buffer size does not match.
 */
export async function rgbPng(pixels: Uint8Array, width: number, height: number, channels: number): Promise<string> {
  if (channels !== 1 && channels !== 2 && channels !== 3 && channels !== 4) throw new RangeError(`channels must be 1-4, got ${channels}`);
  if (!(width > 0 && height > 0) || pixels.length !== width * height * channels) {
    throw new RangeError(`pixel buffer holds ${pixels.length} bytes, expected ${width} x ${height} x ${channels}`);
  }
  let img = sharp(Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), { raw: { width, height, channels } });
  if (channels <= 2) img = img.toColourspace('b-w');
  const png = await img.png().toBuffer();
  return png.toString('base64');
}

/**
 * The model's view of image `index` of a block: the first 3 channels (or the first one when the
 * block has fewer than 3, e.g. gray or gray + edges), min-max scaled per image to 0..255 for float
 * data (a constant image becomes mid-gray), uint8 data taken as is; scaled so the longest side is
 * `size`, with nearest-neighbour when enlarging so the model's pixels stay visible.
 */
export async function modelViewPng(block: ImageBlock<Float32Array | Uint8Array>, index: number, size = THUMBNAIL_SIZE): Promise<string> {
  const { height: h, width: w, channels: c } = block;
  if (!Number.isInteger(index) || index < 0 || index >= block.count) throw new RangeError(`image index ${index} is outside 0..${block.count - 1}`);
  if (block.data.length !== block.count * h * w * c) throw new RangeError(`block data holds ${block.data.length} values, expected ${block.count} x ${h} x ${w} x ${c}`);
  const keep = c >= 3 ? 3 : 1;
  const base = index * h * w * c;
  const out = new Uint8Array(h * w * keep);
  if (block.data instanceof Uint8Array) {
    for (let p = 0; p < h * w; p++) for (let k = 0; k < keep; k++) out[p * keep + k] = block.data[base + p * c + k]!;
  } else {
    let lo = Infinity, hi = -Infinity;
    for (let p = 0; p < h * w; p++) for (let k = 0; k < keep; k++) {
      const v = block.data[base + p * c + k]!;
      if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    }
    const span = hi - lo;
    for (let p = 0; p < h * w; p++) for (let k = 0; k < keep; k++) {
      const v = block.data[base + p * c + k]!;
      out[p * keep + k] = !(span > 0) || !Number.isFinite(v) ? 128 : Math.round(((v - lo) / span) * 255);
    }
  }
  let img = sharp(Buffer.from(out.buffer), { raw: { width: w, height: h, channels: keep as 1 | 3 } })
    .resize({ width: size, height: size, fit: 'inside', kernel: Math.max(w, h) < size ? 'nearest' : 'lanczos3' });
  // NOTE: sharp widens one-channel input to sRGB unless told otherwise; keep gray PNGs gray (smaller).
  if (keep === 1) img = img.toColourspace('b-w');
  const png = await img.png().toBuffer();
  return png.toString('base64');
}

/**
 * The channels `modelViewPng` leaves out, one gray PNG each, scaled like it: channel 2 of a
 * 2-channel input (gray + edges), channels 4.. of an RGB input with more. Empty for 1 or 3 channels.
 */
export async function extraChannelPngs(block: ImageBlock<Float32Array | Uint8Array>, index: number, size = THUMBNAIL_SIZE): Promise<string[]> {
  const { height: h, width: w, channels: c } = block;
  const first = c >= 3 ? 3 : 1;
  const out: string[] = [];
  for (let k = first; k < c; k++) {
    const data = block.data instanceof Uint8Array ? new Uint8Array(h * w) : new Float32Array(h * w);
    const base = index * h * w * c;
    for (let p = 0; p < h * w; p++) data[p] = block.data[base + p * c + k]!;
    out.push(await modelViewPng({ ...block, count: 1, channels: 1, data } as ImageBlock<Float32Array | Uint8Array>, 0, size));
  }
  return out;
}

/** A stored image (a file path, or its bytes; any format sharp reads), EXIF-rotated and scaled so the longest side is `size`. */
export async function originalPng(image: string | Buffer, size = THUMBNAIL_SIZE): Promise<string> {
  const png = await sharp(image).rotate().resize({ width: size, height: size, fit: 'inside' }).png().toBuffer();
  return png.toString('base64');
}
