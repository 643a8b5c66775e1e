/**
 * Gradients assay installs with its wasm kernels: the same values as tfjs-core's, without the
 * full-size temporaries and extra passes that cost more than the arithmetic on wasm. On any other backend each
 * runs tfjs-core's own formula, op for op, so the native backends compute what they always did.
 */
import * as tf from '@tensorflow/tfjs';
import { BROADCAST_KERNEL, RELU_GRAD_KERNEL } from './elementwise.js';

/**
 * Mean (global average pooling): tfjs-core computes dy * ones(x.shape) / n, building the ones in
 * JavaScript and uploading them each step. dy / n broadcast to x's shape is the same value in
 * every element (dy * 1 is dy exactly) with no full-size input.
 */
const meanGrad: tf.GradConfig = {
  kernelName: 'Mean',
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved as tf.Tensor[];
    const axes = tf.util.parseAxisParam((attrs as unknown as { axis: number | number[] }).axis, x.shape);
    const reduceSize = tf.util.sizeFromShape(tf.backend_util.computeOutAndReduceShapes(x.shape, axes)[1]);
    return {
      x: () => {
        const expandedShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
        const expandedDy = tf.reshape(dy as tf.Tensor, expandedShape);
        if (tf.getBackend() !== 'wasm' || !oneBlock(axes, x.shape)) return tf.div(tf.mul(expandedDy, tf.ones(x.shape, 'float32')), reduceSize);
        const scaled = tf.div(expandedDy, reduceSize);
        return tf.engine().runKernel(BROADCAST_KERNEL, { x: scaled }, { shape: x.shape }) as tf.Tensor;
      },
    };
  },
};

/**
 * Relu: tfjs-core computes dy * cast(step(x)), two full passes and a full-size temporary; on wasm
 * one kernel computes the same products (RELU_GRAD_KERNEL).
 */
const reluGrad: tf.GradConfig = {
  kernelName: 'Relu',
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => {
    const [x] = saved as tf.Tensor[];
    const g = dy as tf.Tensor;
    return {
      x: () => {
        if (tf.getBackend() !== 'wasm' || g.dtype !== 'float32' || x.dtype !== 'float32') return tf.mul(g, tf.cast(tf.step(x), 'float32'));
        return tf.engine().runKernel(RELU_GRAD_KERNEL, { dy: g, x }) as tf.Tensor;
      },
    };
  },
};

/** The reduced axes longer than 1 are contiguous (and there is at least one). */
function oneBlock(axes: readonly number[], shape: readonly number[]): boolean {
  const long = axes.filter((a) => shape[a] > 1).sort((a, b) => a - b);
  return long.length > 0 && long[long.length - 1] - long[0] === long.length - 1;
}

let installed = false;

/** Registers the gradients once per process (idempotent). */
export function installWasmGradients(): void {
  if (installed) return;
  installed = true;
  tf.registerGradient(meanGrad);
  tf.registerGradient(reluGrad);
}
