/**
 * Kernels assay registers on the tfjs wasm backend: the gradients it lacks and replacements for
 * the ones it runs slowly, so a CNN trains at a useful speed on two CPU cores.
 */
import * as tf from '@tensorflow/tfjs';
import { conv2DDirect, fusedConv2DDirect } from './conv-forward.js';
import { conv2DBackpropFilter, conv2DBackpropInput } from './conv-grads.js';
import { addBias, BROADCAST_KERNEL, broadcastTo, castShared, identityShared, RELU_GRAD_KERNEL, reluGrad, tileBroadcast } from './elementwise.js';
import { installWasmGradients } from './gradients.js';
import { maxPoolGrad } from './pool-grads.js';
import { blockReduction } from './reductions.js';

/** A kernel function, given wasm's own kernel of the same name (if any) to defer to. */
type KernelMaker = (own: tf.KernelConfig | undefined) => tf.KernelFunc;

const KERNELS: ReadonlyArray<readonly [string, KernelMaker]> = [
  // Missing in wasm.
  ['Conv2DBackpropFilter', () => conv2DBackpropFilter as tf.KernelFunc],
  // wasm's own is a scalar loop (~10x slower than a forward convolution of the same size).
  ['Conv2DBackpropInput', () => conv2DBackpropInput as tf.KernelFunc],
  ['MaxPoolGrad', () => maxPoolGrad as tf.KernelFunc],
  // XNNPACK's GEMM is slower than the direct SIMD kernel, twice so on few input channels.
  ['Conv2D', (own) => conv2DDirect(required(own, 'Conv2D').kernelFunc)],
  ['FusedConv2D', (own) => fusedConv2DDirect(required(own, 'FusedConv2D').kernelFunc)],
  // Bias gradients and global average pooling reduce non-innermost axes.
  ['Sum', (own) => blockReduction(false, required(own, 'Sum').kernelFunc)],
  ['Mean', (own) => blockReduction(true, required(own, 'Mean').kernelFunc)],
  // wasm copies the data; tensors are immutable, so sharing it is enough.
  ['Identity', (own) => identityShared(required(own, 'Identity').kernelFunc)],
  ['Cast', (own) => castShared(required(own, 'Cast').kernelFunc)],
  // A convolution's bias add: wasm broadcasts it element by element.
  ['Add', (own) => addBias(required(own, 'Add').kernelFunc)],
  // wasm's Tile walks every output element; a broadcast of size-1 axes is block copies.
  ['Tile', (own) => tileBroadcast(required(own, 'Tile').kernelFunc)],
  // assay's own: the Mean gradient's broadcast (gradients.ts).
  [BROADCAST_KERNEL, () => broadcastTo as tf.KernelFunc],
  // assay's own: ReLU's gradient in one pass (gradients.ts).
  [RELU_GRAD_KERNEL, () => reluGrad as tf.KernelFunc],
];

function required(own: tf.KernelConfig | undefined, name: string): tf.KernelConfig {
  if (own === undefined) throw new Error(`wasm kernel ${name} is not registered; is @tensorflow/tfjs-backend-wasm loaded?`);
  return own;
}

/** Names of the kernels assay registers (or replaces) on the wasm backend. */
export const ASSAY_WASM_KERNELS: readonly string[] = KERNELS.map(([name]) => name);

let registered = false;

/**
 * Registers assay's wasm kernels (and gradients that avoid full-size temporaries on wasm) once per
 * process; later calls do nothing. A replaced wasm kernel keeps its `setupFunc`, so the backend
 * still binds its wasm function when it initialises.
 */
export function registerWasmKernels(): void {
  if (registered) return;
  registered = true;
  installWasmGradients();
  for (const [kernelName, make] of KERNELS) {
    const own = tf.getKernel(kernelName, 'wasm');
    const kernelFunc = make(own);
    if (own !== undefined) tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc, ...(own?.setupFunc ? { setupFunc: own.setupFunc } : {}) });
  }
}
