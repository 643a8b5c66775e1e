/**
 * Area (box-filter) resampling of one channel: each output pixel is the exact, overlap-weighted mean
 * of the input pixels under its footprint, so shrinking by 2 averages 2x2 blocks exactly. Boxes may
 * be fractional; samples outside the plane's extent are clamped to its edge. When a footprint is
 * smaller than one input pixel (enlarging) the output takes the covered pixel(s) as they are.
 */

/**
 * Footprints for one axis, stored densely for a branch-free inner loop: output i reads the `taps`
 * consecutive samples from `start[i]` with weights `w[i * taps ..]` (trailing weights may be 0).
 */
export interface AxisWeights {
  readonly start: Int32Array;
  readonly taps: number;
  readonly w: Float32Array;
}

const cache = new Map<string, AxisWeights>();

/**
 * Footprints of `n` outputs covering [start, start + length) of an axis whose valid samples are
 * [0, extent). Memoised: a dataset usually has one geometry.
 */
export function axisWeights(start: number, length: number, n: number, extent: number): AxisWeights {
  const key = `${start},${length},${n},${extent}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const lists: { first: number; w: number[] }[] = [];
  const step = length / n;
  for (let i = 0; i < n; i++) {
    let a = start + i * step, b = start + (i + 1) * step;
    a = Math.min(Math.max(a, 0), extent); b = Math.min(Math.max(b, 0), extent);
    if (b - a <= 1e-9) {
      lists.push({ first: Math.min(extent - 1, Math.max(0, Math.floor(a === extent ? a - 1 : a))), w: [1] });
      continue;
    }
    const total = b - a, first = Math.floor(a), w: number[] = [];
    for (let j = first; j < b; j++) w.push(Math.max(0, Math.min(b, j + 1) - Math.max(a, j)) / total);
    while (w.length > 1 && w[w.length - 1]! <= 1e-9) w.pop();
    lists.push({ first, w });
  }
  const taps = Math.min(extent, Math.max(...lists.map((l) => l.w.length)));
  const s = new Int32Array(n), w = new Float32Array(n * taps);
  lists.forEach((l, i) => {
    // Keep the window inside [0, extent): shift it left and pad with leading zero weights.
    const first = Math.min(l.first, extent - taps), lead = l.first - first;
    s[i] = first;
    l.w.forEach((x, t) => { w[i * taps + lead + t] = x; });
  });
  const out = { start: s, taps, w };
  if (cache.size > 256) cache.clear();
  cache.set(key, out);
  return out;
}

/** A channel view: sample (x, y) is data[base + y * rowStride + x * pixStride]. */
export interface ChannelView {
  readonly data: Uint8Array;
  readonly base: number;
  readonly pixStride: number;
  readonly rowStride: number;
}

/**
 * Resample one channel into `out` (outW x outH floats, row-major). `tmp` must hold at least
 * `rowsTouched(wy) * outW` floats; pass a reused buffer to avoid allocation.
 */
export function resampleChannel(src: ChannelView, wx: AxisWeights, wy: AxisWeights, outW: number, outH: number, out: Float32Array, tmp: Float32Array): void {
  const y0 = wy.start[0]!, y1 = wy.start[outH - 1]! + wy.taps - 1;
  const { data, base, pixStride: ps, rowStride } = src;
  const xs = wx.start, xw = wx.w, tx = wx.taps;
  for (let y = y0; y <= y1; y++) {
    const row = base + y * rowStride, t = (y - y0) * outW;
    // NOTE: the common footprint widths are unrolled; this loop is most of the resampling time.
    if (tx === 2) {
      for (let i = 0, k = 0; i < outW; i++, k += 2) { const p = row + xs[i]! * ps; tmp[t + i] = data[p]! * xw[k]! + data[p + ps]! * xw[k + 1]!; }
    } else if (tx === 3) {
      for (let i = 0, k = 0; i < outW; i++, k += 3) { const p = row + xs[i]! * ps; tmp[t + i] = data[p]! * xw[k]! + data[p + ps]! * xw[k + 1]! + data[p + 2 * ps]! * xw[k + 2]!; }
    } else {
      for (let i = 0; i < outW; i++) {
        let p = row + xs[i]! * ps, s = 0;
        for (let k = i * tx, e = k + tx; k < e; k++, p += ps) s += data[p]! * xw[k]!;
        tmp[t + i] = s;
      }
    }
  }
  const ys = wy.start, yw = wy.w, ty = wy.taps;
  for (let j = 0; j < outH; j++) {
    const o = j * outW;
    let r = (ys[j]! - y0) * outW;
    let wk = yw[j * ty]!;
    for (let i = 0; i < outW; i++) out[o + i] = tmp[r + i]! * wk;
    for (let k = 1; k < ty; k++) {
      r += outW; wk = yw[j * ty + k]!;
      if (wk === 0) continue;
      for (let i = 0; i < outW; i++) out[o + i] += tmp[r + i]! * wk;
    }
  }
}

/** Rows the vertical footprints touch (the size of `tmp` is this times outW). */
export function rowsTouched(wy: AxisWeights): number {
  return wy.start[wy.start.length - 1]! + wy.taps - wy.start[0]!;
}
