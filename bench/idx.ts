/**
 * A reader for the IDX format of the MNIST family of benchmarks (optionally gzip-compressed):
 * two zero bytes, a type code (0x08 = unsigned byte, the only type those files use), the number
 * of dimensions, one big-endian uint32 size per dimension, then the values in row-major order.
 * Every way a file can be short or malformed is an {@link IdxFormatError} that names the file.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';

export class IdxFormatError extends Error {
  constructor(readonly file: string, detail: string) {
    super(`${file}: not a usable IDX file: ${detail}`);
    this.name = 'IdxFormatError';
  }
}

export interface IdxArray {
  /** Sizes of each dimension, e.g. [60000, 28, 28] for images or [60000] for labels. */
  readonly shape: readonly number[];
  /** The values, row-major; a view into the decompressed file. */
  readonly data: Uint8Array;
}

/** Parse IDX bytes (already decompressed). `file` names the source in errors. */
export function parseIdx(bytes: Uint8Array, file: string): IdxArray {
  if (bytes.length < 4) throw new IdxFormatError(file, `${bytes.length} bytes, shorter than the 4-byte header`);
  if (bytes[0] !== 0 || bytes[1] !== 0) throw new IdxFormatError(file, `the first two bytes are ${bytes[0]}, ${bytes[1]}, not 0, 0 (is it still gzip-compressed, or another format?)`);
  if (bytes[2] !== 0x08) throw new IdxFormatError(file, `type code 0x${bytes[2]!.toString(16).padStart(2, '0')} is not 0x08 (unsigned byte), the only type read here`);
  const dims = bytes[3]!;
  if (dims === 0) throw new IdxFormatError(file, 'zero dimensions');
  const headerBytes = 4 + 4 * dims;
  if (bytes.length < headerBytes) throw new IdxFormatError(file, `${bytes.length} bytes, shorter than the ${headerBytes}-byte header of ${dims} dimensions`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let d = 0; d < dims; d++) shape.push(view.getUint32(4 + 4 * d, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const have = bytes.length - headerBytes;
  if (have < count) throw new IdxFormatError(file, `truncated: shape ${shape.join('x')} needs ${count} value bytes, the file has ${have}`);
  if (have > count) throw new IdxFormatError(file, `${have - count} bytes after the ${count} values of shape ${shape.join('x')}`);
  return { shape, data: bytes.subarray(headerBytes) };
}

/** Read an IDX file, gunzipping it first when its name ends in `.gz`. */
export async function readIdx(file: string): Promise<IdxArray> {
  const raw = await readFile(file);
  let bytes: Uint8Array = raw;
  if (file.endsWith('.gz')) {
    try {
      bytes = gunzipSync(raw);
    } catch (err) {
      throw new IdxFormatError(file, `gzip: ${(err as Error).message}`);
    }
  }
  return parseIdx(bytes, file);
}
