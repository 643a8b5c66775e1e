// assay's SIMD kernels for the tfjs wasm backend, in AssemblyScript.
//
// The module imports the backend's own memory (env.memory) and owns none: no data segments, no
// allocator, no globals written. Every pointer is a byte offset into that memory, handed over by
// src/learn/backend/simd.ts, which also allocates any scratch space through the backend.
// Build: `npm run build:wasm` (wasm/build.mjs); the test suite proves kernels.wasm is this source.

export { convFilterGrad, convForward, padSpatial } from './conv';
export { winogradConv, winogradFilter, winogradFilterGrad } from './winograd';
export { maxPoolGrad2x2 } from './pool';
export { biasAdd, reluGrad, repeatRows } from './elementwise';
