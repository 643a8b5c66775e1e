import type { ImageBlock } from '../core/data.js';

/**
 * Sobel gradient magnitude of each image's channel mean, with replicate borders (a pixel outside
 * the image takes the value of the nearest edge pixel). Kernels:
 * Gx = [-1 0 1; -2 0 2; -1 0 1], Gy = its transpose; magnitude = sqrt(Gx^2 + Gy^2), not rescaled
 * (a unit step edge gives 4). `mode: 'append'` adds it as the last channel; `'replace'` returns
 * it as the only channel. The input is not touched.
 */
export function sobelEdges(block: ImageBlock<Float32Array>, mode: 'append' | 'replace'): ImageBlock<Float32Array> {
  const { count, height: h, width: w, channels: c, data } = block;
  const outC = mode === 'append' ? c + 1 : 1;
  const out = new Float32Array(count * h * w * outC);
  const gray = new Float64Array(h * w);
  for (let n = 0; n < count; n++) {
    const base = n * h * w * c;
    for (let p = 0; p < h * w; p++) {
      let s = 0;
      for (let k = 0; k < c; k++) s += data[base + p * c + k]!;
      gray[p] = s / c;
    }
    const at = (y: number, x: number): number => gray[Math.min(h - 1, Math.max(0, y)) * w + Math.min(w - 1, Math.max(0, x))]!;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const tl = at(y - 1, x - 1), tc = at(y - 1, x), tr = at(y - 1, x + 1);
        const ml = at(y, x - 1), mr = at(y, x + 1);
        const bl = at(y + 1, x - 1), bc = at(y + 1, x), br = at(y + 1, x + 1);
        const gx = tr + 2 * mr + br - tl - 2 * ml - bl;
        const gy = bl + 2 * bc + br - tl - 2 * tc - tr;
        const p = y * w + x;
        const o = (n * h * w + p) * outC;
        if (mode === 'append') for (let k = 0; k < c; k++) out[o + k] = data[base + p * c + k]!;
        out[o + outC - 1] = Math.sqrt(gx * gx + gy * gy);
      }
    }
  }
  return { count, height: h, width: w, channels: outC, data: out };
}
