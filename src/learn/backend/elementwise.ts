/**
 * Element-wise kernels for the wasm backend where its own copy or broadcast is the cost:
 * Identity and a same-dtype Cast share the input's data (as the cpu backend does: tensors are
 * immutable), a convolution's bias add runs on assay's SIMD kernel instead of wasm's
 * element-by-element broadcast, and a Tile that only broadcasts size-1 axes is block copies.
 * The values are the same as wasm's own kernels compute.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { withScope, type Info } from './kernel-scope.js';

/** Shares x's data under a new handle instead of copying it. */
function share(x: Info, backend: unknown): Info {
  (backend as BackendWasm).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** Identity without the copy (strings keep wasm's own path). */
export function identityShared(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: Info };
    return x.dtype === 'string' ? fallback(args) : share(x, args.backend);
  };
}

/** Cast to the dtype the tensor already has is Identity; other casts are wasm's own. */
export function castShared(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: Info };
    const { dtype } = args.attrs as unknown as { dtype: tf.DataType };
    return x.dtype === dtype && dtype !== 'string' ? share(x, args.backend) : fallback(args);
  };
}

/**
 * Add of a float32 [..., n] tensor and a float32 vector of n values (a bias, in either order) on
 * the SIMD kernel; every other Add is wasm's own. Each output is the one float addition wasm does.
 */
export function addBias(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: Info; b: Info };
    const bias = isBiasOf(b, a) ? b : isBiasOf(a, b) ? a : null;
    if (bias === null) return fallback(args);
    const x = bias === b ? a : b;
    const n = x.shape[x.shape.length - 1];
    return withScope(args.backend, (s) => {
      const out = s.output(x.shape);
      s.simd.biasAdd(s.ptr(x), s.ptr(bias), s.ptr(out), tf.util.sizeFromShape(x.shape) / n, n);
      return out;
    });
  };
}

/** v holds one value per innermost element of x (shape [n] or [1, ..., 1, n]) and x is larger. */
function isBiasOf(v: Info, x: Info): boolean {
  if (v.dtype !== 'float32' || x.dtype !== 'float32' || x.shape.length < 2 || v.shape.length > x.shape.length) return false;
  const n = x.shape[x.shape.length - 1];
  return v.shape.length >= 1 && v.shape[v.shape.length - 1] === n && tf.util.sizeFromShape(v.shape) === n && tf.util.sizeFromShape(x.shape) > n;
}

/**
 * Tile of a tensor whose tiled axes all have size 1 and form one contiguous block (a broadcast,
 * e.g. [b, 1, 1, c] to [b, h, w, c]) as block copies; every other Tile is wasm's own.
 */
export function tileBroadcast(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: Info };
    const { reps } = args.attrs as unknown as { reps: number[] };
    return broadcastBlock(args.backend, x, reps) ?? fallback(args);
  };
}

/** Name of the broadcast kernel assay registers on wasm (used by its Mean gradient). */
export const BROADCAST_KERNEL = 'AssayBroadcastTo';

/** `BROADCAST_KERNEL`: x broadcast to attrs.shape over one block of size-1 axes (same rank). */
export function broadcastTo(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): Info {
  const { x } = args.inputs as { x: Info };
  const { shape } = args.attrs as unknown as { shape: number[] };
  if (shape.length !== x.shape.length) throw new Error(`${BROADCAST_KERNEL}: rank ${x.shape.length} to ${shape.length}`);
  const out = broadcastBlock(args.backend, x, shape.map((d, i) => d / x.shape[i]));
  if (out === null) throw new Error(`${BROADCAST_KERNEL}: cannot broadcast [${x.shape}] to [${shape}] as one block`);
  return out;
}

/** x tiled by `reps` when that is a broadcast of one block of size-1 axes; else null. */
function broadcastBlock(backend: unknown, x: Info, reps: readonly number[]): Info | null {
  const tiled = reps.flatMap((r, i) => (r !== 1 ? [i] : []));
  const bytes = x.dtype === 'float32' || x.dtype === 'int32' ? 4 : x.dtype === 'bool' ? 1 : 0;
  if (bytes === 0 || tiled.length === 0 || reps.some((r) => !Number.isInteger(r) || r < 1)) return null;
  const first = tiled[0], last = tiled[tiled.length - 1];
  for (let i = first; i <= last; i++) if (x.shape[i] !== 1) return null;
  const outer = tf.util.sizeFromShape(x.shape.slice(0, first));
  const inner = tf.util.sizeFromShape(x.shape.slice(last + 1));
  const rep = tf.util.sizeFromShape(reps.slice(first, last + 1));
  return withScope(backend, (s) => {
    const out = s.backend.makeOutput(x.shape.map((d, i) => d * reps[i]), x.dtype) as Info;
    s.simd.repeatRows(s.ptr(x), s.ptr(out), outer, rep, inner * bytes);
    return out;
  });
}

/** Name of assay's ReLU-gradient kernel on wasm (used by its Relu gradient). */
export const RELU_GRAD_KERNEL = 'AssayReluGrad';

/** `RELU_GRAD_KERNEL`: dx = dy * step(x) for float32 dy and x of one shape, in one pass. */
export function reluGrad(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): Info {
  const { dy, x } = args.inputs as { dy: Info; x: Info };
  if (dy.dtype !== 'float32' || x.dtype !== 'float32' || !tf.util.arraysEqual(dy.shape, x.shape)) {
    throw new Error(`${RELU_GRAD_KERNEL}: float32 dy and x of one shape, got ${dy.dtype} [${dy.shape}] and ${x.dtype} [${x.shape}]`);
  }
  return withScope(args.backend, (s) => {
    const out = s.output(x.shape);
    s.simd.reluGrad(s.ptr(dy), s.ptr(x), s.ptr(out), tf.util.sizeFromShape(x.shape));
    return out;
  });
}
