/**
 * Conv2D gradients for the wasm backend on XNNPACK's fast kernels instead of a scalar loop:
 * the input gradient is one forward convolution (flipped, channel-swapped filter over the zero-
 * dilated, padded dy); the filter gradient is im2col patches times dy on XNNPACK's matmul.
 */
import * as tf from '@tensorflow/tfjs';
import { withScope, type Info, type KernelScope } from './kernel-scope.js';

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

interface ConvAttrs {
  readonly strides: number | [number, number];
  readonly pad: Pad;
  readonly dataFormat: 'NHWC' | 'NCHW';
  readonly dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function convInfo(xShape: readonly number[], filterShape: readonly number[], attrs: ConvAttrs): tf.backend_util.Conv2DInfo {
  if (attrs.dataFormat === 'NCHW') throw new Error('assay wasm conv gradients support NHWC only');
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number],
    attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
}

/**
 * Pads (positive) or crops (negative) the two spatial axes of an NHWC tensor.
 * Returns the input itself when nothing changes.
 */
function padOrCrop(s: KernelScope, x: Info, top: number, bottom: number, left: number, right: number): Info {
  let t = x;
  const [b, h, w, c] = t.shape;
  if (top < 0 || bottom < 0 || left < 0 || right < 0) {
    const ct = Math.max(0, -top), cb = Math.max(0, -bottom), cl = Math.max(0, -left), cr = Math.max(0, -right);
    t = s.run('Slice', { x: t }, { begin: [0, ct, cl, 0], size: [b, h - ct - cb, w - cl - cr, c] });
  }
  const pt = Math.max(0, top), pb = Math.max(0, bottom), pl = Math.max(0, left), pr = Math.max(0, right);
  if (pt + pb + pl + pr > 0) {
    t = s.run('PadV2', { x: t }, { paddings: [[0, 0], [pt, pb], [pl, pr], [0, 0]], constantValue: 0 });
  }
  return t;
}

/** Inserts `sh - 1` / `sw - 1` zeros after every row / column: [b, h, w, c] -> [b, h*sh, w*sw, c]. */
function dilateWithZeros(s: KernelScope, x: Info, sh: number, sw: number): Info {
  if (sh === 1 && sw === 1) return x;
  const [b, h, w, c] = x.shape;
  const six = s.run('Reshape', { x }, { shape: [b, h, 1, w, 1, c] });
  const padded = s.run('PadV2', { x: six }, { paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0 });
  return s.run('Reshape', { x: padded }, { shape: [b, h * sh, w * sw, c] });
}

/**
 * dx = correlation of the zero-dilated, padded dy with the spatially flipped filter whose in/out
 * channels are swapped: one stride-1 forward convolution.
 */
export function conv2DBackpropInput(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): Info {
  const { dy, filter } = args.inputs as { dy: Info; filter: Info };
  const attrs = args.attrs as unknown as ConvAttrs & { inputShape: number[] };
  const info = convInfo(attrs.inputShape, filter.shape, attrs);
  return withScope(args.backend, (s) => {
    const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, inHeight: h, inWidth: w } = info;
    const { top, left } = info.padInfo;
    const flipped = s.run('Reverse', { x: filter }, { dims: [0, 1] });
    const swapped = s.run('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] });
    const dyd = dilateWithZeros(s, dy, sh, sw);
    const padded = padOrCrop(s, dyd, kh - 1 - top, h - dyd.shape[1] + top, kw - 1 - left, w - dyd.shape[2] + left);
    return s.run('Conv2D', { x: padded, filter: swapped }, { strides: 1, pad: 'valid', dilations: 1, dataFormat: 'NHWC', dimRoundingMode: undefined } as unknown as tf.NamedAttrMap);
  });
}

/**
 * Writes the transposed im2col matrix of x from its channel-major copy `xt` ([ci, b, h, w]):
 * row (kr * kw + kc) * ci + c, column (b * oh + y) * ow + x holds x[b, y*sh + kr - top, x*sw + kc - left, c]
 * (0 outside x). Source and destination both live in `heap` (float offsets `src`, `dst`).
 * NOTE: rows are written sequentially from sequential reads; at stride 1 each image row is one
 * native copy (copyWithin), so this costs about one memory pass over the patches.
 */
function im2colTransposed(heap: Float32Array, src: number, dst: number, info: tf.backend_util.Conv2DInfo): void {
  const { batchSize: nb, inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  let p = dst;
  for (let kr = 0; kr < kh; kr++) {
    for (let kc = 0; kc < kw; kc++) {
      // Output columns x whose input column x*sw + kc - left lies inside [0, w).
      const x0 = Math.min(ow, Math.max(0, Math.ceil((left - kc) / sw)));
      const x1 = Math.max(x0, Math.min(ow, Math.floor((w - 1 + left - kc) / sw) + 1));
      for (let c = 0; c < ci; c++) {
        const plane = src + c * nb * h * w;
        for (let b = 0; b < nb; b++) {
          for (let y = 0; y < oh; y++, p += ow) {
            const xr = y * sh + kr - top;
            if (xr < 0 || xr >= h) {
              heap.fill(0, p, p + ow);
              continue;
            }
            const rowSrc = plane + (b * h + xr) * w + kc - left;
            if (x0 > 0) heap.fill(0, p, p + x0);
            if (sw === 1) heap.copyWithin(p + x0, rowSrc + x0, rowSrc + x1);
            else for (let x = x0; x < x1; x++) heap[p + x] = heap[rowSrc + x * sw];
            if (x1 < ow) heap.fill(0, p + x1, p + ow);
          }
        }
      }
    }
  }
}

/**
 * dW[kh, kw, ci, co] = patches^T x dy: the transposed im2col matrix of x ([kh*kw*ci, n], written in
 * one pass) times dy viewed as [n, co], on XNNPACK's matrix multiply (dy is already row-major).
 */
export function conv2DBackpropFilter(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): Info {
  const { x, dy } = args.inputs as { x: Info; dy: Info };
  const attrs = args.attrs as unknown as ConvAttrs & { filterShape: number[] };
  const info = convInfo(x.shape, attrs.filterShape, attrs);
  return withScope(args.backend, (s) => {
    const { filterHeight: kh, filterWidth: kw, inChannels: ci, outChannels: co } = info;
    const n = info.batchSize * info.outHeight * info.outWidth;
    const xt = s.run('Transpose', { x }, { perm: [3, 0, 1, 2] });
    const patches = s.output([kh * kw * ci, n]);
    im2colTransposed(s.heap(), s.offset(xt), s.offset(patches), info);
    const dy2 = s.run('Reshape', { x: dy }, { shape: [n, co] });
    const dw = s.run('BatchMatMul', { a: patches, b: dy2 }, { transposeA: false, transposeB: false });
    return s.run('Reshape', { x: dw }, { shape: [kh, kw, ci, co] });
  });
}
