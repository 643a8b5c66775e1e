/**
 * A baseline JPEG decoder with DCT-domain downscaling, in plain TypeScript.
 *
 * Why not sharp alone: measured here, one sharp pipeline per 227x227 photo costs ~1.1 ms of which
 * ~0.5 ms is fixed per-call overhead, while the entropy decoding itself is a fraction of that.
 * Decoding each 8x8 block straight to m x m pixels (m = 8, 4, 2 or 1, like libjpeg's scaled IDCT
 * and PIL's "draft" mode) and skipping the chroma IDCT for grayscale output makes a synchronous,
 * deterministic decoder that is several times faster per core (see bench/ingest.ts).
 *
 * Scope: baseline and extended sequential Huffman (SOF0/SOF1), 8-bit, 1 or 3 components, any
 * sampling factors, restart intervals, several scans. Anything else (progressive, arithmetic,
 * lossless, 12-bit, CMYK) throws {@link JpegUnsupportedError} so the caller can fall back to sharp.
 * Corrupt data throws a plain Error (with a reason) and never reads out of bounds.
 */

import { buildHuffman, decodeScan, unstuff, type Huffman, type ScanComponent } from './decode-jpeg-scan.js';

/** The file is a JPEG this decoder does not handle (the caller falls back to a general decoder). */
export class JpegUnsupportedError extends Error {}

/** One decoded component at reduced resolution: sample (x, y) of the component lives at data[y * stride + x]. */
export interface JpegPlane {
  readonly data: Uint8ClampedArray;
  readonly stride: number;
  readonly rows: number;
  /** Sampling factors. */
  readonly h: number;
  readonly v: number;
}

export interface JpegPlanes {
  /** Full image size in pixels. */
  readonly width: number;
  readonly height: number;
  readonly hmax: number;
  readonly vmax: number;
  /** 8 / denominator: pixels per block side in the planes. */
  readonly blockSize: number;
  /** How the planes map to RGB. */
  readonly transform: 'ycc' | 'rgb' | 'gray';
  /** Planes in frame order; with `lumaOnly` only planes[0] carries pixels. */
  readonly planes: readonly JpegPlane[];
}

interface Component {
  readonly id: number; readonly h: number; readonly v: number; readonly tq: number;
  plane: Uint8ClampedArray | null; stride: number; rows: number; seen: boolean;
}

/** Width and height from the first SOF marker, or null when the bytes are not a readable JPEG header. */
export function readJpegSize(buf: Uint8Array): { width: number; height: number } | null {
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== 0xd8) return null;
  let pos = 2;
  while (pos + 4 <= buf.length) {
    if (buf[pos] !== 0xff) return null;
    const marker = buf[pos + 1]!;
    if (marker === 0xff) { pos++; continue; }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { pos += 2; continue; }
    const len = (buf[pos + 2]! << 8) | buf[pos + 3]!;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (pos + 9 > buf.length) return null;
      return { height: (buf[pos + 5]! << 8) | buf[pos + 6]!, width: (buf[pos + 7]! << 8) | buf[pos + 8]! };
    }
    pos += 2 + len;
  }
  return null;
}

// NOTE: planes are reused across calls (decoding allocates nothing per image in the steady state):
// a result is valid until the next decodeJpeg call in the same thread, which every caller honours
// by resampling the planes before decoding the next image.
const planePool: Uint8ClampedArray[] = [];
function planeBuffer(i: number, size: number): Uint8ClampedArray {
  const have = planePool[i];
  if (have && have.length >= size) return have.subarray(0, size);
  const fresh = new Uint8ClampedArray(size);
  planePool[i] = fresh;
  return fresh;
}

/**
 * Decode `buf` at 1/`denom` scale (each 8x8 block becomes (8/denom)^2 pixels). With `lumaOnly`
 * the chroma coefficients are parsed but not transformed (planes[1..] are left empty).
 */
export function decodeJpeg(buf: Uint8Array, denom: 1 | 2 | 4 | 8, lumaOnly: boolean): JpegPlanes {
  const m = 8 / denom;
  const end = buf.length;
  if (end < 4 || buf[0] !== 0xff || buf[1] !== 0xd8) throw new Error('not a JPEG (no SOI marker)');
  const qt: (Int32Array | undefined)[] = [];
  const dcT: (Huffman | undefined)[] = [], acT: (Huffman | undefined)[] = [];
  let comps: Component[] = [];
  let width = 0, height = 0, hmax = 1, vmax = 1, mcusX = 0, mcusY = 0, restart = 0, adobe = -1, scans = 0;
  let pos = 2;

  for (;;) {
    if (pos + 2 > end) { if (scans > 0) break; throw new Error('unexpected end of file before image data'); }
    if (buf[pos] !== 0xff) throw new Error(`corrupt marker at byte ${pos}`);
    const marker = buf[pos + 1]!;
    if (marker === 0xff) { pos++; continue; }
    pos += 2;
    if (marker === 0xd9) break;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue;
    if (pos + 2 > end) throw new Error('truncated marker segment');
    const len = (buf[pos]! << 8) | buf[pos + 1]!, segEnd = pos + len;
    if (len < 2 || segEnd > end) throw new Error('truncated marker segment');
    let p = pos + 2;
    if (marker === 0xdb) {
      while (p < segEnd) {
        const pq = buf[p]! >> 4, tq = buf[p]! & 15; p++;
        if (tq > 3 || p + (pq ? 128 : 64) > segEnd) throw new Error('bad quantization table');
        const t = new Int32Array(64);
        for (let i = 0; i < 64; i++) t[i] = pq ? (buf[p + 2 * i]! << 8) | buf[p + 2 * i + 1]! : buf[p + i]!;
        qt[tq] = t; p += pq ? 128 : 64;
      }
    } else if (marker === 0xc4) {
      while (p < segEnd) {
        const tc = buf[p]! >> 4, th = buf[p]! & 15;
        if (tc > 1 || th > 3 || p + 17 > segEnd) throw new Error('bad Huffman table');
        const counts = buf.subarray(p + 1, p + 17);
        let n = 0; for (let i = 0; i < 16; i++) n += counts[i]!;
        if (p + 17 + n > segEnd) throw new Error('bad Huffman table');
        const t = buildHuffman(counts, buf.subarray(p + 17, p + 17 + n));
        (tc === 0 ? dcT : acT)[th] = t; p += 17 + n;
      }
    } else if (marker === 0xc0 || marker === 0xc1) {
      if (buf[p] !== 8) throw new JpegUnsupportedError(`${buf[p]}-bit JPEG`);
      height = (buf[p + 1]! << 8) | buf[p + 2]!; width = (buf[p + 3]! << 8) | buf[p + 4]!;
      const nc = buf[p + 5]!;
      if (nc !== 1 && nc !== 3) throw new JpegUnsupportedError(`${nc}-component JPEG`);
      if (width === 0 || height === 0) throw new JpegUnsupportedError('JPEG without a height in its frame header');
      if (p + 6 + 3 * nc > segEnd) throw new Error('truncated frame header');
      comps = [];
      for (let i = 0; i < nc; i++) {
        const q = p + 6 + 3 * i, h = buf[q + 1]! >> 4, v = buf[q + 1]! & 15;
        if (h < 1 || h > 4 || v < 1 || v > 4) throw new Error('bad sampling factors');
        comps.push({ id: buf[q]!, h, v, tq: buf[q + 2]! & 3, plane: null, stride: 0, rows: 0, seen: false });
      }
      hmax = Math.max(...comps.map((c) => c.h)); vmax = Math.max(...comps.map((c) => c.v));
      mcusX = Math.ceil(width / (8 * hmax)); mcusY = Math.ceil(height / (8 * vmax));
      comps.forEach((c, i) => {
        c.stride = mcusX * c.h * m; c.rows = mcusY * c.v * m;
        if (i === 0 || !lumaOnly) c.plane = planeBuffer(i, c.stride * c.rows);
      });
    } else if ((marker >= 0xc2 && marker <= 0xcf) && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      throw new JpegUnsupportedError(`JPEG process SOF${marker - 0xc0} (progressive, lossless or arithmetic)`);
    } else if (marker === 0xdd) {
      restart = (buf[p]! << 8) | buf[p + 1]!;
    } else if (marker === 0xee && len >= 12 && buf[p] === 0x41 && buf[p + 1] === 0x64 && buf[p + 2] === 0x6f) {
      adobe = buf[p + 11]!;
    } else if (marker === 0xda) {
      if (comps.length === 0) throw new Error('scan before frame header');
      const ns = buf[p]!;
      if (ns < 1 || ns > comps.length || p + 1 + 2 * ns > segEnd) throw new Error('bad scan header');
      const sc: ScanComponent[] = [];
      for (let i = 0; i < ns; i++) {
        const id = buf[p + 1 + 2 * i]!, tt = buf[p + 2 + 2 * i]!;
        const ci = comps.findIndex((c) => c.id === id);
        const c = comps[ci];
        const dc = dcT[tt >> 4], ac = acT[tt & 15], q = c ? qt[c.tq] : undefined;
        if (!c || !dc || !ac || !q) throw new Error('scan refers to a missing component or table');
        c.seen = true;
        sc.push({ h: c.h, v: c.v, dc, ac, q, plane: c.plane, stride: c.stride });
      }
      const data = unstuff(buf, segEnd);
      const c0 = sc[0]!;
      const unitsX = ns === 1 ? Math.ceil(Math.ceil((width * c0.h) / hmax) / 8) : mcusX;
      const unitsY = ns === 1 ? Math.ceil(Math.ceil((height * c0.v) / vmax) / 8) : mcusY;
      decodeScan(data, sc, unitsX, unitsY, restart, m);
      pos = data.next;
      scans++;
      continue;
    }
    pos = segEnd;
  }
  if (comps.length === 0 || comps.some((c) => !c.seen)) throw new Error('image data is missing');
  const transform = comps.length === 1 ? 'gray'
    : adobe === 0 || (comps[0]!.id === 0x52 && comps[1]!.id === 0x47 && comps[2]!.id === 0x42) ? 'rgb' : 'ycc';
  const planes = comps.map((c) => ({ data: c.plane ?? new Uint8ClampedArray(0), stride: c.stride, rows: c.rows, h: c.h, v: c.v }));
  return { width, height, hmax, vmax, blockSize: m, transform, planes };
}
