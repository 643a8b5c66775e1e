/**
 * assay's SIMD kernels (wasm/kernels.wasm, built from wasm/assembly/ by `npm run build:wasm` and
 * embedded in simd-binary.ts), instantiated on the tfjs wasm backend's own memory, so they read
 * and write tensors in place. The module owns no memory: scratch space is allocated as backend
 * tensors by the caller.
 */
import { createHash } from 'node:crypto';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { KERNELS_WASM_BASE64 } from './simd-binary.js';

/** The kernels' signatures; every pointer is a byte offset into the backend's memory. */
export interface SimdKernels {
  padSpatial(x: number, xp: number, b: number, h: number, w: number, c: number, top: number, bottom: number, left: number, right: number): void;
  convFilterGrad(xp: number, dy: number, dw: number, off: number, k: number, b: number, hp: number, wp: number, ci: number, oh: number, ow: number, co: number, sh: number, sw: number): void;
  convForward(xp: number, w: number, out: number, off: number, k: number, b: number, hp: number, wp: number, ci: number, oh: number, ow: number, co: number, sh: number, sw: number, bias: number, relu: number): void;
  winogradFilter(w: number, u: number, ci: number, co: number): void;
  winogradConv(xp: number, u: number, out: number, v: number, m: number, b: number, hp: number, wp: number, ci: number, co: number, bias: number, relu: number): void;
  winogradFilterGrad(xp: number, dy: number, dw: number, v: number, g: number, m: number, b: number, hp: number, wp: number, ci: number, oh: number, ow: number, co: number, chunk: number): void;
  maxPoolGrad2x2(x: number, dy: number, dx: number, b: number, h: number, w: number, c: number, oh: number, ow: number): void;
  biasAdd(x: number, bias: number, out: number, rows: number, n: number): void;
  reluGrad(dy: number, x: number, dx: number, n: number): void;
  repeatRows(src: number, dst: number, outer: number, reps: number, innerBytes: number): void;
}

/**
 * The first 12 hex digits of the binary's SHA-256: recorded with the backend's package versions,
 * so a run can tell that its wasm numbers came from other kernels.
 */
export function kernelsDigest(): string {
  return createHash('sha256').update(kernelsBinary()).digest('hex').slice(0, 12);
}

/**
 * The name under which the kernels' digest stands beside package versions: in the lock, in the key
 * records of the stages that compute on wasm tensors, and in a queued trial's requirements.
 */
export const KERNELS_PACKAGE = 'assay-wasm-kernels';

/** The kernels' wasm binary. */
export function kernelsBinary(): Uint8Array {
  return Buffer.from(KERNELS_WASM_BASE64, 'base64');
}

/**
 * The part of the WebAssembly JS API used here (the project's `lib` has no DOM typings, and
 * @types/node declares only the namespace).
 */
interface Wasm {
  Memory: abstract new (...args: never[]) => object;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: unknown };
}
const { WebAssembly: wasmApi } = globalThis as unknown as { WebAssembly: Wasm };
type Memory = object;

let compiled: object | undefined;
const instances = new WeakMap<Memory, SimdKernels>();

/** The backend's WebAssembly.Memory (the emscripten module keeps it as asm.memory). */
export function backendMemory(backend: BackendWasm): Memory {
  const memory = (backend.wasm as unknown as { asm?: { memory?: unknown } }).asm?.memory;
  if (!(memory instanceof wasmApi.Memory)) throw new Error('the tfjs wasm backend does not expose its memory; assay\'s kernels cannot run');
  return memory;
}

/** The kernels bound to `backend`'s memory (instantiated once per memory). */
export function simdKernels(backend: BackendWasm): SimdKernels {
  const memory = backendMemory(backend);
  let k = instances.get(memory);
  if (k === undefined) {
    compiled ??= new wasmApi.Module(kernelsBinary());
    k = new wasmApi.Instance(compiled, { env: { memory } }).exports as unknown as SimdKernels;
    instances.set(memory, k);
  }
  return k;
}
