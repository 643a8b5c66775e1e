#!/usr/bin/env node
/**
 * Builds wasm/kernels.wasm from the AssemblyScript sources in wasm/assembly/ (`npm run build:wasm`).
 * `--check` builds in memory and exits 1 unless the result equals the checked-in kernels.wasm,
 * so CI proves the binary is this source. Users never need this: the .wasm is checked in.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import asc from 'assemblyscript/asc';

const here = path.dirname(fileURLToPath(import.meta.url));
export const WASM_PATH = path.join(here, 'kernels.wasm');

/** The compiler flags: no runtime, no data segments, the backend's memory imported. */
const FLAGS = [
  '-O3', '--noAssert', '--runtime', 'stub', '--use', 'abort=', '--enable', 'simd',
  '--importMemory', '--noExportMemory', '--initialMemory', '0',
];

/** Compiles the kernels; resolves to the .wasm bytes or rejects with the compiler's message. */
export async function buildKernels() {
  let binary;
  const errors = [];
  const { error } = await asc.main([path.join(here, 'assembly', 'index.ts'), '--outFile', 'kernels.wasm', ...FLAGS], {
    writeFile: (name, contents) => { if (name.endsWith('.wasm')) binary = contents; },
    stderr: { write: (s) => { errors.push(String(s)); return true; } },
    stdout: { write: () => true },
  });
  if (error || binary === undefined) throw new Error(`asc failed: ${error?.message ?? 'no output'}\n${errors.join('')}`);
  return Buffer.from(binary);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const built = await buildKernels();
  if (process.argv.includes('--check')) {
    const same = built.equals(readFileSync(WASM_PATH));
    process.stdout.write(same ? `wasm/kernels.wasm matches its source (${built.length} bytes)\n` : 'wasm/kernels.wasm differs from wasm/assembly/: run npm run build:wasm\n');
    process.exit(same ? 0 : 1);
  }
  writeFileSync(WASM_PATH, built);
  process.stdout.write(`wrote wasm/kernels.wasm (${built.length} bytes)\n`);
}
