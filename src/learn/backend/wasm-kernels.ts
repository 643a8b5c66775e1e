/**
 * Gradient kernels the tfjs wasm backend lacks (or runs slowly), registered on top of it.
 */
import * as tf from '@tensorflow/tfjs';
import { conv2DBackpropFilter, conv2DBackpropInput } from './conv-grads.js';

let registered = false;

/** Kernels assay provides for wasm, by tfjs kernel name. */
const KERNELS: ReadonlyArray<readonly [string, tf.KernelFunc]> = [
  ['Conv2DBackpropFilter', conv2DBackpropFilter as tf.KernelFunc],
  ['Conv2DBackpropInput', conv2DBackpropInput as tf.KernelFunc],
];

/** Names of the kernels assay registers (or replaces) on the wasm backend. */
export const ASSAY_WASM_KERNELS: readonly string[] = KERNELS.map(([name]) => name);

/**
 * Registers assay's wasm kernels once per process; later calls do nothing. Replaces wasm's own
 * kernel of the same name where one exists (its replacement is faster).
 */
export function registerWasmKernels(): void {
  if (registered) return;
  registered = true;
  for (const [kernelName, kernelFunc] of KERNELS) {
    if (tf.getKernel(kernelName, 'wasm') !== undefined) tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  }
}
