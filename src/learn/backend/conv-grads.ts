/**
 * Conv2D gradients for the wasm backend on assay's SIMD kernels (wasm/assembly/conv.ts): the input
 * gradient is one forward convolution (flipped, channel-swapped filter over the zero-dilated,
 * padded dy); the filter gradient reads the (padded) input in place at one offset per filter tap,
 * or, for the stride-1 3x3 convolutions that run Winograd forward, is Winograd F(3x3, 2x2).
 */
import * as tf from '@tensorflow/tfjs';
import { convInfo, directConv, paddedInput, tapOffsets, winograd, WINOGRAD_PLANE_PAD, type ConvAttrs } from './conv-forward.js';
import { withScope, type Info, type KernelScope } from './kernel-scope.js';

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
    const [pt, pb, pl, pr] = [kh - 1 - top, h - dyd.shape[1] + top, kw - 1 - left, w - dyd.shape[2] + left];
    let padded: Info;
    if (pt >= 0 && pb >= 0 && pl >= 0 && pr >= 0) {
      const [b, hd, wd, co] = dyd.shape;
      padded = s.output([b, hd + pt + pb, wd + pl + pr, co]);
      s.simd.padSpatial(s.ptr(dyd), s.ptr(padded), b, hd, wd, co, pt, pb, pl, pr);
    } else {
      padded = padOrCrop(s, dyd, pt, pb, pl, pr);
    }
    return directConv(s, padded, swapped, convInfo(padded.shape, swapped.shape, { strides: 1, pad: 'valid', dataFormat: 'NHWC' }));
  });
}

/**
 * dW[kh, kw, ci, co] = sum over output positions of the input patch times dy, on the SIMD kernel:
 * x is zero-padded once (when the convolution pads), then each filter tap reads it at a fixed
 * offset from the position, so no patch matrix is written.
 */
export function conv2DBackpropFilter(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): Info {
  const { x, dy } = args.inputs as { x: Info; dy: Info };
  const attrs = args.attrs as unknown as ConvAttrs & { filterShape: number[] };
  const info = convInfo(x.shape, attrs.filterShape, attrs);
  return withScope(args.backend, (s) => {
    const { batchSize: b, inChannels: ci, outChannels: co, outHeight: oh, outWidth: ow } = info;
    const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
    const out = s.output([kh, kw, ci, co]);
    const { xp, hp, wp } = paddedInput(s, x, info);
    if (winograd(info)) {
      // Winograd F(3x3, 2x2): a GEMM over at least ~64 blocks of dy at a time.
      const th = Math.ceil(oh / 2), tw = Math.ceil(ow / 2);
      const chunk = Math.min(th, Math.ceil(64 / tw));
      const v = s.output([16, chunk * tw * ci + WINOGRAD_PLANE_PAD]), g = s.output([16, chunk * tw * co + WINOGRAD_PLANE_PAD]), m = s.output([16, ci, co]);
      s.simd.winogradFilterGrad(s.ptr(xp), s.ptr(dy), s.ptr(out), s.ptr(v), s.ptr(g), s.ptr(m), b, hp, wp, ci, oh, ow, co, chunk);
      return out;
    }
    const off = tapOffsets(s, info, wp);
    s.simd.convFilterGrad(s.ptr(xp), s.ptr(dy), s.ptr(out), s.ptr(off), kh * kw * ci, b, hp, wp, ci, oh, ow, co, sh, sw);
    return out;
  });
}
