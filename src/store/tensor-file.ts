/**
 * Tensor files: a raw little-endian `.bin` beside a `.json` header `{dtype, shape}`. Used for
 * decoded images, features and labels, so stages and trial workers share data without copying
 * through IPC. `prefix` is the path without extension.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';

export type DType = 'uint8' | 'float32' | 'int32';
export type TypedArray = Uint8Array | Float32Array | Int32Array;

export interface TensorHeader {
  readonly dtype: DType;
  readonly shape: readonly number[];
}

function dtypeOf(data: TypedArray): DType {
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Float32Array) return 'float32';
  return 'int32';
}

function view(dtype: DType, buf: Buffer): TypedArray {
  // Copy into a fresh, aligned ArrayBuffer: Buffer slices may not be 4-byte aligned.
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  switch (dtype) {
    case 'uint8': return new Uint8Array(ab);
    case 'float32': return new Float32Array(ab);
    case 'int32': return new Int32Array(ab);
  }
}

export async function writeTensor(prefix: string, data: TypedArray, shape: readonly number[]): Promise<void> {
  const n = shape.reduce((a, b) => a * b, 1);
  if (n !== data.length) throw new Error(`tensor ${prefix}: shape [${shape.join(', ')}] does not match ${data.length} values`);
  await writeFile(`${prefix}.bin`, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  await writeFile(`${prefix}.json`, JSON.stringify({ dtype: dtypeOf(data), shape } satisfies TensorHeader));
}

export async function readTensor(prefix: string): Promise<{ header: TensorHeader; data: TypedArray }> {
  const header = JSON.parse(await readFile(`${prefix}.json`, 'utf8')) as TensorHeader;
  const data = view(header.dtype, await readFile(`${prefix}.bin`));
  checkLength(prefix, header, data);
  return { header, data };
}

export function readTensorSync(prefix: string): { header: TensorHeader; data: TypedArray } {
  const header = JSON.parse(readFileSync(`${prefix}.json`, 'utf8')) as TensorHeader;
  const data = view(header.dtype, readFileSync(`${prefix}.bin`));
  checkLength(prefix, header, data);
  return { header, data };
}

function checkLength(prefix: string, header: TensorHeader, data: TypedArray): void {
  const n = header.shape.reduce((a, b) => a * b, 1);
  if (n !== data.length) throw new Error(`tensor ${prefix}: header says ${n} values, file holds ${data.length}`);
}
