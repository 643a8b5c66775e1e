/**
 * Sum and Mean over a contiguous block of axes that are not the innermost (bias gradients
 * sum over [0, 1, 2]; global average pooling means over [1, 2]). wasm transposes the reduced axes
 * to the end first, which costs more than the sum itself; here it is one linear pass.
 */
import * as tf from '@tensorflow/tfjs';
import { withScope, type Info } from './kernel-scope.js';

interface ReduceAttrs {
  readonly axis: number | number[];
  readonly keepDims: boolean;
}

/**
 * [outer, r1, r2, inner] when `axes` is one contiguous block with inner > 1 (r1 * r2 = the reduced
 * size; r2 is the block's last axis); else null.
 */
function blockShape(shape: readonly number[], axes: readonly number[]): readonly [number, number, number, number] | null {
  if (axes.length === 0) return null;
  const sorted = [...axes].sort((a, b) => a - b);
  for (let i = 1; i < sorted.length; i++) if (sorted[i] !== sorted[i - 1] + 1) return null;
  const first = sorted[0], last = sorted[sorted.length - 1];
  const size = (from: number, to: number): number => shape.slice(from, to).reduce((a, b) => a * b, 1);
  const inner = size(last + 1, shape.length);
  if (inner === 1) return null;
  return [size(0, first), size(first, last), shape[last], inner];
}

function outShape(shape: readonly number[], axes: readonly number[], keepDims: boolean): number[] {
  return keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
}

/**
 * A wasm Sum or Mean kernel that reduces a float32 block of non-innermost axes as one XNNPACK
 * average pooling over an [outer, r1, r2, inner] view (no transpose, no weights to pack), and
 * otherwise defers to wasm's own kernel `fallback`.
 */
export function blockReduction(mean: boolean, fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: Info };
    const attrs = args.attrs as unknown as ReduceAttrs;
    const axes = tf.util.parseAxisParam(attrs.axis, x.shape);
    const block = x.dtype === 'float32' ? blockShape(x.shape, axes) : null;
    if (block === null) return fallback(args);
    const [outer, r1, r2, inner] = block;
    return withScope(args.backend, (s) => {
      const x4 = s.run('Reshape', { x }, { shape: [outer, r1, r2, inner] });
      const avg = s.run('AvgPool', { x: x4 }, { filterSize: [r1, r2], strides: [r1, r2], pad: 'valid', dimRoundingMode: undefined } as unknown as tf.NamedAttrMap);
      if (!mean) {
        // NOTE: the output is small (outer * inner values); scaling it here costs nothing.
        const v = s.view(avg), n = r1 * r2;
        for (let i = 0; i < v.length; i++) v[i] *= n;
      }
      return s.run('Reshape', { x: avg }, { shape: outShape(x.shape, axes, attrs.keepDims) });
    });
  };
}
