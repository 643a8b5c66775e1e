/**
 * The hot loop of the JPEG decoder: Huffman tables, entropy decoding of one scan, and the scaled
 * inverse DCT. Written as flat functions over typed arrays (no closures, no allocation per block)
 * because this is where decoding time goes.
 */

export const ZIGZAG = new Int32Array([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21,
  28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61,
  54, 47, 55, 62, 63,
]);

const FAST = 10;

export interface Huffman {
  /** FAST-bit lookup: (length << 8) | symbol, 0 when the code is longer. */
  readonly fast: Uint16Array;
  /** AC only: FAST-bit lookup of a whole coefficient, (value << 16) | (run << 8) | bits used; 0 when not resolvable. */
  readonly fastAc: Int32Array;
  readonly maxcode: Int32Array;
  readonly valptr: Int32Array;
  readonly mincode: Int32Array;
  readonly values: Uint8Array;
}

const tableCache = new Map<string, Huffman>();

/**
 * Canonical Huffman decoding tables from a DHT segment's counts (16) and symbols. Memoised on the
 * table's bytes: photos from one encoder share their tables, and building them costs more than a
 * lookup.
 */
export function buildHuffman(counts: Uint8Array, values: Uint8Array): Huffman {
  const key = String.fromCharCode(...counts) + String.fromCharCode(...values);
  let t = tableCache.get(key);
  if (!t) {
    t = makeHuffman(counts, values);
    if (tableCache.size > 64) tableCache.clear();
    tableCache.set(key, t);
  }
  return t;
}

function makeHuffman(counts: Uint8Array, values: Uint8Array): Huffman {
  const fast = new Uint16Array(1 << FAST), fastAc = new Int32Array(1 << FAST);
  const maxcode = new Int32Array(18).fill(-1), valptr = new Int32Array(17), mincode = new Int32Array(17);
  let code = 0, k = 0;
  for (let len = 1; len <= 16; len++) {
    const n = counts[len - 1]!;
    valptr[len] = k; mincode[len] = code;
    for (let i = 0; i < n; i++, k++, code++) {
      if (len > FAST) continue;
      const first = code << (FAST - len), span = 1 << (FAST - len), sym = values[k]!;
      for (let j = 0; j < span; j++) fast[first + j] = (len << 8) | sym;
      const run = sym >> 4, size = sym & 15;
      if (size === 0 || len + size > FAST) continue;
      for (let j = 0; j < span; j++) {
        const extra = (j >> (FAST - len - size)) & ((1 << size) - 1);
        const v = extra < 1 << (size - 1) ? extra - (1 << size) + 1 : extra;
        fastAc[first + j] = (v << 16) | (run << 8) | (len + size);
      }
    }
    maxcode[len] = n > 0 ? code - 1 : -1;
    if (code > 1 << len) throw new Error('bad Huffman table');
    code <<= 1;
  }
  return { fast, fastAc, maxcode, valptr, mincode, values };
}

/** Entropy-coded data of one scan (a reused buffer, valid until the next unstuff): stuffing removed, restart markers replaced by their byte offsets. */
export interface ScanData {
  readonly data: Uint8Array;
  readonly bits: number;
  readonly restarts: readonly number[];
  /** Position of the marker that ended the scan. */
  readonly next: number;
}

let unstuffBuf = new Uint8Array(1 << 16);

/** Copy the entropy-coded segment starting at `pos`, removing 0xFF00 stuffing, until a non-RST marker. */
export function unstuff(buf: Uint8Array, pos: number): ScanData {
  const end = buf.length;
  const need = end - pos + 512;
  if (unstuffBuf.length < need) unstuffBuf = new Uint8Array(Math.max(need, 2 * unstuffBuf.length));
  // The reused buffer is zeroed past the data so reads beyond the end see zero bits.
  const out = unstuffBuf;
  const restarts: number[] = [];
  let o = 0, p = pos;
  while (p < end) {
    const b = buf[p]!;
    if (b !== 0xff) { out[o++] = b; p++; continue; }
    const nx = p + 1 < end ? buf[p + 1]! : 0xd9;
    if (nx === 0) { out[o++] = 0xff; p += 2; } else if (nx >= 0xd0 && nx <= 0xd7) { restarts.push(o); p += 2; } else if (nx === 0xff) p++; else break;
  }
  out.fill(0, o, Math.min(out.length, o + 512));
  return { data: out, bits: o * 8, restarts, next: p };
}

export interface ScanComponent {
  readonly h: number; readonly v: number;
  readonly dc: Huffman; readonly ac: Huffman;
  readonly q: Int32Array;
  /** Destination plane, or null to parse without transforming. */
  readonly plane: Uint8ClampedArray | null;
  readonly stride: number;
}

const coef = new Float64Array(64);
const tmp = new Float64Array(64);

function slowHuff(t: Huffman, w: number): number {
  for (let l = FAST + 1; l <= 16; l++) {
    const c = w >>> (32 - l);
    if (c <= t.maxcode[l]!) return ((t.values[t.valptr[l]! + c - t.mincode[l]!]!) | (l << 8));
  }
  throw new Error('corrupt Huffman code');
}

/**
 * Decode one scan's blocks (interleaved when `comps.length > 1`, over `mcusX` x `mcusY` MCUs;
 * a single-component scan covers `blocksX` x `blocksY` blocks) into m x m pixels per block.
 */
export function decodeScan(s: ScanData, comps: readonly ScanComponent[], unitsX: number, unitsY: number, restart: number, m: number): void {
  const d = s.data, limit = s.bits;
  const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
  let bp = 0, nextRestart = 0;
  const preds = new Int32Array(comps.length);
  const qs = comps.map((c) => scaledQuant(c.q, m));
  const single = comps.length === 1;
  const total = unitsX * unitsY;
  for (let n = 0; n < total; n++) {
    if (restart > 0 && n > 0 && n % restart === 0) {
      const at = s.restarts[nextRestart++];
      if (at === undefined || bp > at * 8) throw new Error('corrupt data before a restart marker');
      bp = at * 8; preds.fill(0);
    }
    const mx = n % unitsX, my = (n / unitsX) | 0;
    for (let ci = 0; ci < comps.length; ci++) {
      const c = comps[ci]!;
      const hn = single ? 1 : c.h, vn = single ? 1 : c.v;
      for (let v = 0; v < vn; v++) for (let h = 0; h < hn; h++) {
        // ---- one block: DC
        let p = bp >>> 3;
        let w = dv.getInt32(p) << (bp & 7);
        let e = c.dc.fast[w >>> (32 - FAST)]!;
        if (e === 0) e = slowHuff(c.dc, w);
        bp += e >> 8;
        const t = e & 255;
        if (t > 0) {
          if (t > 11) throw new Error('corrupt DC coefficient');
          p = bp >>> 3;
          w = dv.getInt32(p) << (bp & 7);
          const x = w >>> (32 - t);
          bp += t;
          preds[ci] = preds[ci]! + (x < 1 << (t - 1) ? x - (1 << t) + 1 : x);
        }
        const plane = c.plane, q = qs[ci]!, ac = c.ac;
        coef[0] = preds[ci]! * q[0]!;
        let rowMask = 0, colMax = 0;
        // ---- AC
        for (let k = 1; k < 64;) {
          p = bp >>> 3;
          w = dv.getInt32(p) << (bp & 7);
          const f = ac.fastAc[w >>> (32 - FAST)]!;
          let val: number;
          if (f !== 0) {
            k += (f >> 8) & 255; bp += f & 255; val = f >> 16;
          } else {
            let g = ac.fast[w >>> (32 - FAST)]!;
            if (g === 0) g = slowHuff(ac, w);
            bp += g >> 8;
            const rs = g & 255, r = rs >> 4, sz = rs & 15;
            if (sz === 0) { if (r === 15) { k += 16; continue; } break; }
            k += r;
            p = bp >>> 3;
            w = dv.getInt32(p) << (bp & 7);
            const x = w >>> (32 - sz);
            bp += sz;
            val = x < 1 << (sz - 1) ? x - (1 << sz) + 1 : x;
          }
          if (k > 63) throw new Error('corrupt AC coefficients');
          if (plane !== null) {
            // Only the low m x m coefficients shape an m x m block: the rest are parsed and dropped.
            const z = ZIGZAG[k]!, zr = z >> 3, zc = z & 7;
            if (zr < m && zc < m) {
              coef[z] = val * q[k]!;
              rowMask |= 1 << zr;
              if (zc > colMax) colMax = zc;
            }
          }
          k++;
        }
        if (bp > limit) throw new Error('compressed data ends early');
        if (plane !== null) {
          const bx = single ? mx : mx * c.h + h, by = single ? my : my * c.v + v;
          const o = by * m * c.stride + bx * m;
          if (m === 1) plane[o] = coef[0]! / 8 + 128;
          else idctBlock(plane, o, c.stride, m, rowMask, colMax);
        }
      }
    }
  }
  if (bp > limit) throw new Error('compressed data ends early');
}

// AAN scale factors: the float AAN IDCT expects coefficient (r, c) pre-multiplied by a[r] a[c] / 8.
const AAN = [1, 1.387039845, 1.306562965, 1.175875602, 1, 0.785694958, 0.5411961, 0.275899379];

/** The quantization table (zigzag order) with the IDCT's per-coefficient scale folded in. */
export function scaledQuant(q: Int32Array, m: number): Float64Array {
  const out = new Float64Array(64);
  for (let k = 0; k < 64; k++) {
    const z = ZIGZAG[k]!;
    out[k] = m === 8 ? (q[k]! * AAN[z >> 3]! * AAN[z & 7]!) / 8 : q[k]!;
  }
  return out;
}

// 4- and 2-point IDCTs with the 8-point normalisation: f(x) = sum_u 0.5 C(u) cos((2x+1) u pi / 2m) F(u) per pass.
const A = 0.5 * Math.SQRT1_2, B = 0.5 * Math.cos(Math.PI / 8), D = 0.5 * Math.cos((3 * Math.PI) / 8);

function idctBlock(plane: Uint8ClampedArray, o: number, stride: number, m: number, rowMask: number, colMax: number): void {
  if (rowMask === 0) {
    const val = coef[0]! / (m === 8 ? 1 : 8) + 128;
    for (let y = 0; y < m; y++) for (let x = 0, r = o + y * stride; x < m; x++) plane[r + x] = val;
    return;
  }
  let vMax = 0;
  for (let v = 1; v < m; v++) if (rowMask & (1 << v)) vMax = v;
  if (m === 8) idct8(plane, o, stride, vMax, colMax);
  else if (m === 4) idct4(plane, o, stride, vMax);
  else {
    const c0 = coef[0]! * A, c1 = coef[1]! * A, c8 = coef[8]! * A, c9 = coef[9]! * A;
    // Rows then columns of a 2x2 transform, 128 added at the end.
    const r00 = c0 + c1, r01 = c0 - c1, r10 = c8 + c9, r11 = c8 - c9;
    plane[o] = (r00 + r10) * A + 128; plane[o + 1] = (r01 + r11) * A + 128;
    plane[o + stride] = (r00 - r10) * A + 128; plane[o + stride + 1] = (r01 - r11) * A + 128;
    coef[0] = coef[1] = coef[8] = coef[9] = 0;
  }
}

function idct4(plane: Uint8ClampedArray, o: number, stride: number, vMax: number): void {
  for (let v = 0; v <= vMax; v++) {
    const r = v * 8, c0 = coef[r]!, c1 = coef[r + 1]!, c2 = coef[r + 2]!, c3 = coef[r + 3]!;
    const e0 = A * (c0 + c2), e1 = A * (c0 - c2), o0 = B * c1 + D * c3, o1 = D * c1 - B * c3;
    tmp[r] = e0 + o0; tmp[r + 3] = e0 - o0; tmp[r + 1] = e1 + o1; tmp[r + 2] = e1 - o1;
    coef[r] = coef[r + 1] = coef[r + 2] = coef[r + 3] = 0;
  }
  for (let x = 0; x < 4; x++) {
    const c0 = tmp[x]!, c1 = vMax >= 1 ? tmp[8 + x]! : 0, c2 = vMax >= 2 ? tmp[16 + x]! : 0, c3 = vMax >= 3 ? tmp[24 + x]! : 0;
    const e0 = A * (c0 + c2) + 128, e1 = A * (c0 - c2) + 128, o0 = B * c1 + D * c3, o1 = D * c1 - B * c3;
    plane[o + x] = e0 + o0; plane[o + 3 * stride + x] = e0 - o0;
    plane[o + stride + x] = e1 + o1; plane[o + 2 * stride + x] = e1 - o1;
  }
}

/** Float AAN IDCT (as libjpeg's jidctflt), rows then columns; coefficients carry the AAN scale. */
function idct8(plane: Uint8ClampedArray, o: number, stride: number, vMax: number, colMax: number): void {
  for (let v = 0; v <= vMax; v++) {
    const r = v * 8;
    if (colMax === 0 || (coef[r + 1] === 0 && coef[r + 2] === 0 && coef[r + 3] === 0 && coef[r + 4] === 0 && coef[r + 5] === 0 && coef[r + 6] === 0 && coef[r + 7] === 0)) {
      const dc = coef[r]!;
      for (let x = 0; x < 8; x++) tmp[r + x] = dc;
      coef[r] = 0;
      continue;
    }
    aan(coef, r, 1, tmp, r, 1);
    for (let x = 0; x < 8; x++) coef[r + x] = 0;
  }
  for (let v = vMax + 1; v < 8; v++) for (let x = 0; x < 8; x++) tmp[v * 8 + x] = 0;
  for (let x = 0; x < 8; x++) aanOut(tmp, x, plane, o + x, stride);
}

function aan(src: Float64Array, s: number, ss: number, dst: Float64Array, d: number, ds: number): void {
  const t0 = src[s]!, t1 = src[s + 2 * ss]!, t2 = src[s + 4 * ss]!, t3 = src[s + 6 * ss]!;
  const t10 = t0 + t2, t11 = t0 - t2, t13 = t1 + t3, t12 = (t1 - t3) * 1.414213562 - t13;
  const e0 = t10 + t13, e3 = t10 - t13, e1 = t11 + t12, e2 = t11 - t12;
  const t4 = src[s + ss]!, t5 = src[s + 3 * ss]!, t6 = src[s + 5 * ss]!, t7 = src[s + 7 * ss]!;
  const z13 = t6 + t5, z10 = t6 - t5, z11 = t4 + t7, z12 = t4 - t7;
  const o7 = z11 + z13, o11 = (z11 - z13) * 1.414213562;
  const z5 = (z10 + z12) * 1.847759065;
  const o10 = 1.0823922 * z12 - z5, o12 = -2.61312593 * z10 + z5;
  const o6 = o12 - o7, o5 = o11 - o6, o4 = o10 + o5;
  dst[d] = e0 + o7; dst[d + 7 * ds] = e0 - o7; dst[d + ds] = e1 + o6; dst[d + 6 * ds] = e1 - o6;
  dst[d + 2 * ds] = e2 + o5; dst[d + 5 * ds] = e2 - o5; dst[d + 4 * ds] = e3 + o4; dst[d + 3 * ds] = e3 - o4;
}

const col = new Float64Array(8);
function aanOut(src: Float64Array, x: number, plane: Uint8ClampedArray, o: number, stride: number): void {
  aan(src, x, 8, col, 0, 1);
  for (let y = 0; y < 8; y++) plane[o + y * stride] = col[y]! + 128;
}
