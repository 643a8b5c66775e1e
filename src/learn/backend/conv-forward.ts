/**
 * Conv2D forward on assay's SIMD kernel (wasm/assembly/conv.ts): a 4-position x 8-channel tile
 * summed over the filter taps in order, reading the (once zero-padded) input in place. It runs
 * every float32 NHWC convolution without dilation faster than XNNPACK's GEMM (about twice as fast
 * on a first layer over 1 or 3 channels); other convolutions stay on wasm's own kernel. Stride-1
 * 3x3 convolutions over 8 or more channels run Winograd F(2x2, 3x3) instead (wasm/assembly/
 * winograd.ts), about 1.6x faster again.
 */
import * as tf from '@tensorflow/tfjs';
import { withScope, type Info, type KernelScope } from './kernel-scope.js';

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

export interface ConvAttrs {
  readonly strides: number | [number, number];
  readonly pad: Pad;
  readonly dataFormat: 'NHWC' | 'NCHW';
  readonly dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

export function convInfo(xShape: readonly number[], filterShape: readonly number[], attrs: ConvAttrs): tf.backend_util.Conv2DInfo {
  if (attrs.dataFormat === 'NCHW') throw new Error('assay wasm convolutions support NHWC only');
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number],
    attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
}

/**
 * x zero-padded to every row and column a convolution reads ((o - 1) * s + k of them, `top` /
 * `left` before x) by the SIMD kernel; x itself when nothing is added.
 */
export function paddedInput(s: KernelScope, x: Info, info: tf.backend_util.Conv2DInfo): { xp: Info; hp: number; wp: number } {
  const { batchSize: b, inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const hp = Math.max(h + top, (oh - 1) * sh + kh), wp = Math.max(w + left, (ow - 1) * sw + kw);
  const bottom = hp - h - top, right = wp - w - left;
  if (top === 0 && bottom === 0 && left === 0 && right === 0) return { xp: x, hp, wp };
  const xp = s.output([b, hp, wp, ci]);
  s.simd.padSpatial(s.ptr(x), s.ptr(xp), b, h, w, ci, top, bottom, left, right);
  return { xp, hp, wp };
}

/** Element offset of each filter tap (kr, kc, c), in filter order, from a position's first input. */
export function tapOffsets(s: KernelScope, info: tf.backend_util.Conv2DInfo, wp: number): Info {
  const { filterHeight: kh, filterWidth: kw, inChannels: ci } = info;
  const k = kh * kw * ci;
  const offsets = s.output([k]);
  const off = new Int32Array(s.heap().buffer, s.ptr(offsets), k);
  for (let kr = 0, t = 0; kr < kh; kr++) for (let kc = 0; kc < kw; kc++) for (let c = 0; c < ci; c++) off[t++] = (kr * wp + kc) * ci + c;
  return offsets;
}

/**
 * out [b, oh, ow, co] = the convolution of x with filter [kh, kw, ci, co] described by `info`,
 * plus `bias` ([co] values) and through ReLU when asked.
 */
export function directConv(s: KernelScope, x: Info, filter: Info, info: tf.backend_util.Conv2DInfo, bias?: Info, relu = false): Info {
  const { batchSize: b, inChannels: ci, outChannels: co, outHeight: oh, outWidth: ow } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const out = s.output([b, oh, ow, co]);
  const { xp, hp, wp } = paddedInput(s, x, info);
  if (winograd(info)) {
    const tw = Math.ceil(ow / 2);
    const u = s.output([16, ci, co]), v = s.output([16, tw * ci + WINOGRAD_PLANE_PAD]), m = s.output([16, tw * co + WINOGRAD_PLANE_PAD]);
    s.simd.winogradFilter(s.ptr(filter), s.ptr(u), ci, co);
    // NOTE: the padded input may hold a row / column past the last one read; the kernel reads
    // only its first oh + 2 rows and ow + 2 columns.
    const xv = hp === oh + 2 && wp === ow + 2 ? xp : cropTo(s, xp, b, hp, wp, ci, oh + 2, ow + 2);
    s.simd.winogradConv(s.ptr(xv), s.ptr(u), s.ptr(out), s.ptr(v), s.ptr(m), b, oh + 2, ow + 2, ci, co, bias ? s.ptr(bias) : 0, relu ? 1 : 0);
    return out;
  }
  const off = tapOffsets(s, info, wp);
  s.simd.convForward(s.ptr(xp), s.ptr(filter), s.ptr(out), s.ptr(off), kh * kw * ci, b, hp, wp, ci, oh, ow, co, sh, sw, bias ? s.ptr(bias) : 0, relu ? 1 : 0);
  return out;
}

/** Floats of padding after each of the 16 planes of Winograd's scratch (PLANE_PAD in winograd.ts). */
export const WINOGRAD_PLANE_PAD = 16;

/**
 * A stride-1 3x3 convolution over at least 8 input channels (a multiple of 4) into a multiple of 8
 * output channels: Winograd F(2x2, 3x3) (wasm/assembly/winograd.ts) does 16 products per 2x2
 * outputs and channel pair where the direct kernel does 36. Few input channels (a first layer)
 * stay direct: there the transforms cost more than they save.
 */
export function winograd(info: tf.backend_util.Conv2DInfo): boolean {
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, inChannels: ci, outChannels: co } = info;
  return kh === 3 && kw === 3 && sh === 1 && sw === 1 && info.dilationHeight === 1 && info.dilationWidth === 1 && ci >= 8 && ci % 4 === 0 && co % 8 === 0;
}

/** The first `rows` x `cols` positions of each image of xp [b, hp, wp, c]. */
function cropTo(s: KernelScope, xp: Info, b: number, hp: number, wp: number, c: number, rows: number, cols: number): Info {
  return s.run('Slice', { x: xp }, { begin: [0, 0, 0, 0], size: [b, rows, cols, c] });
}

type DirectAttrs = ConvAttrs & { dilations?: number | [number, number] };

/** A float32 NHWC convolution without dilation: what the direct kernel runs. */
function direct(x: Info, filter: Info, attrs: DirectAttrs): boolean {
  const d = attrs.dilations ?? 1;
  const dilated = Array.isArray(d) ? d.some((v) => v !== 1) : d !== 1;
  return attrs.dataFormat === 'NHWC' && !dilated && x.dtype === 'float32' && filter.dtype === 'float32';
}

/** A Conv2D kernel that runs float32 NHWC convolutions without dilation directly, the rest on `fallback`. */
export function conv2DDirect(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x, filter } = args.inputs as { x: Info; filter: Info };
    const attrs = args.attrs as unknown as DirectAttrs;
    if (!direct(x, filter, attrs)) return fallback(args);
    return withScope(args.backend, (s) => directConv(s, x, filter, convInfo(x.shape, filter.shape, attrs)));
  };
}

/**
 * FusedConv2D (inference: convolution, bias, activation in one kernel) on the direct kernel when
 * the activation is linear or ReLU and the bias is one value per output channel; the rest on
 * `fallback`.
 */
export function fusedConv2DDirect(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x, filter, bias, preluActivationWeights } = args.inputs as { x: Info; filter: Info; bias?: Info; preluActivationWeights?: Info };
    const attrs = args.attrs as unknown as DirectAttrs & { activation?: string };
    const activation = attrs.activation ?? 'linear';
    const co = filter.shape[3];
    const biasOk = bias === undefined || bias === null || (bias.dtype === 'float32' && tf.util.sizeFromShape(bias.shape) === co && bias.shape[bias.shape.length - 1] === co);
    if (!direct(x, filter, attrs) || !biasOk || (preluActivationWeights !== undefined && preluActivationWeights !== null) || (activation !== 'linear' && activation !== 'relu')) return fallback(args);
    return withScope(args.backend, (s) => directConv(s, x, filter, convInfo(x.shape, filter.shape, attrs), bias ?? undefined, activation === 'relu'));
  };
}
