/**
 * Element-wise kernels for the wasm backend where its own copy or broadcast is the cost:
 * Identity and a same-dtype Cast share the input's data (as the cpu backend does: tensors are
 * immutable), and a convolution's bias add runs on assay's SIMD kernel instead of wasm's
 * element-by-element broadcast. The values are the same as wasm's own kernels compute.
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
