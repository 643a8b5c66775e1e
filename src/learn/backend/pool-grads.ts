/**
 * MaxPoolGrad for the wasm backend. wasm's own kernel is the largest cost of a CNN training
 * step (tens of ms per layer); routing dy to each window's first maximum is one linear pass,
 * on assay's SIMD kernel (wasm/assembly/pool.ts) for the common 2x2 stride-2 pool.
 */
import * as tf from '@tensorflow/tfjs';
import { withScope, type Info } from './kernel-scope.js';

interface PoolAttrs {
  readonly filterSize: number | [number, number];
  readonly strides: number | [number, number];
  readonly pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  readonly dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * dx[p] = sum of dy over the windows whose first maximum (row-major scan, strict `>`, so NaN never
 * wins) is p; the same routing as the cpu backend's maxPoolGrad.
 */
export function maxPoolGrad(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): Info {
  const { dy, input } = args.inputs as { dy: Info; input: Info };
  const attrs = args.attrs as unknown as PoolAttrs;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  return withScope(args.backend, (s) => {
    const out = s.output(input.shape);
    const { batchSize, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
    const { effectiveFilterHeight: fh, effectiveFilterWidth: fw, dilationHeight: dh, dilationWidth: dw } = info;
    const top = info.padInfo.top, left = info.padInfo.left;
    if (fh === 2 && fw === 2 && sh === 2 && sw === 2 && dh === 1 && dw === 1 && top === 0 && left === 0 && oh * 2 <= h && ow * 2 <= w) {
      s.simd.maxPoolGrad2x2(s.ptr(input), s.ptr(dy), s.ptr(out), batchSize, h, w, c, oh, ow);
      return out;
    }
    // NOTE: views are taken after the last allocation; an allocation may grow (and detach) the heap.
    const x = s.view(input), g = s.view(dy), dx = s.view(out);
    dx.fill(0);
    const best = new Float32Array(c);
    const at = new Int32Array(c);
    let o = 0;
    for (let b = 0; b < batchSize; b++) {
      for (let yr = 0; yr < oh; yr++) {
        const r0 = yr * sh - top;
        for (let yc = 0; yc < ow; yc++, o += c) {
          const c0 = yc * sw - left;
          best.fill(-Infinity);
          at.fill(-1);
          for (let wr = 0; wr < fh; wr += dh) {
            const xr = r0 + wr;
            if (xr < 0 || xr >= h) continue;
            for (let wc = 0; wc < fw; wc += dw) {
              const xc = c0 + wc;
              if (xc < 0 || xc >= w) continue;
              const base = ((b * h + xr) * w + xc) * c;
              for (let k = 0; k < c; k++) {
                const v = x[base + k];
                if (v > best[k]) { best[k] = v; at[k] = base + k; }
              }
            }
          }
          for (let k = 0; k < c; k++) if (at[k] >= 0) dx[at[k]] += g[o + k];
        }
      }
    }
    return out;
  });
}
