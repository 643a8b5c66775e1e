/**
 * Composes wasm kernels inside a custom kernel: calls the registered wasm kernel functions
 * directly (no engine, no tape) and frees every intermediate it made when the scope ends.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { simdKernels, type SimdKernels } from './simd.js';

/** A tensor handle as kernels see it. */
export type Info = tf.TensorInfo;

/** Intermediates made by one custom kernel; `finish(out)` frees all but `out`. */
export class KernelScope {
  private readonly made: Info[] = [];

  constructor(readonly backend: BackendWasm) {}

  /** Runs the wasm kernel `name`; its output is freed at `finish` unless it is the result. */
  run(name: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}): Info {
    const kernel = tf.getKernel(name, 'wasm');
    if (kernel === undefined) throw new Error(`wasm kernel ${name} is not registered`);
    const out = kernel.kernelFunc({ inputs, backend: this.backend, attrs }) as Info;
    this.made.push(out);
    return out;
  }

  /** Float32 view of a tensor's data in the wasm heap (valid until the next allocation). */
  view(t: Info): Float32Array {
    const { memoryOffset } = this.backend.dataIdMap.get(t.dataId) as { memoryOffset: number };
    const heap = (this.backend.wasm as unknown as { HEAPF32: Float32Array }).HEAPF32;
    const size = t.shape.reduce((a, b) => a * b, 1);
    return heap.subarray(memoryOffset / 4, memoryOffset / 4 + size);
  }

  /** The whole wasm heap as floats (valid until the next allocation). */
  heap(): Float32Array {
    return (this.backend.wasm as unknown as { HEAPF32: Float32Array }).HEAPF32;
  }

  /** Byte offset of a tensor's data in the backend's memory (stable until the tensor is freed). */
  ptr(t: Info): number {
    return (this.backend.dataIdMap.get(t.dataId) as { memoryOffset: number }).memoryOffset;
  }

  /** assay's SIMD kernels, bound to this backend's memory. */
  get simd(): SimdKernels {
    return simdKernels(this.backend);
  }

  /** Float offset of a tensor's data in `heap()`. */
  offset(t: Info): number {
    return (this.backend.dataIdMap.get(t.dataId) as { memoryOffset: number }).memoryOffset / 4;
  }

  /** A new uninitialised float32 output of `shape`, owned by the caller unless registered. */
  output(shape: readonly number[]): Info {
    const out = this.backend.makeOutput(shape as number[], 'float32') as Info;
    this.made.push(out);
    return out;
  }

  /** Frees every intermediate except `result` and returns it. */
  finish(result: Info): Info {
    for (const t of this.made) if (t !== result) this.backend.disposeData(t.dataId);
    this.made.length = 0;
    return result;
  }

  /** Frees every intermediate (error path). */
  abandon(): void {
    for (const t of this.made) this.backend.disposeData(t.dataId);
    this.made.length = 0;
  }
}

/** Runs `body` in a fresh scope, freeing intermediates on success and on failure. */
export function withScope(backend: unknown, body: (s: KernelScope) => Info): Info {
  const scope = new KernelScope(backend as BackendWasm);
  try {
    return scope.finish(body(scope));
  } catch (e) {
    scope.abandon();
    throw e;
  }
}
