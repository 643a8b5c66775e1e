/**
 * A batch of items -> decoded images, the unit of work of the decode pool. Runs the same in the
 * main thread and in a worker (decode-worker.ts), so both give identical pixels.
 */
import path from 'node:path';
import type { FeatureStep } from '../core/spec.js';
import { applyGeometryToRgb, decodeImageBytes } from './decode-image.js';
import { readFileBoundedSync } from './read-file-bounded.js';
import { renderSynthetic, syntheticParams } from './synth.js';

/** Where the items' pixels come from. */
export type BatchSource =
  | { readonly kind: 'files'; readonly root: string }
  | { readonly kind: 'synthetic'; readonly size: number; readonly seed: number; readonly hardNegatives: number };

export interface DecodeTask {
  readonly source: BatchSource;
  readonly refs: readonly string[];
  readonly geometry: readonly FeatureStep[];
}

/** One item's outcome: pixels, or why there are none. */
export type BatchResult =
  | { readonly ok: true; readonly width: number; readonly height: number; readonly channels: number; readonly data: Uint8Array }
  | { readonly ok: false; readonly reason: string };

async function decodeOne(task: DecodeTask, ref: string): Promise<BatchResult> {
  const src = task.source;
  if (src.kind === 'synthetic') {
    const p = syntheticParams(ref, src);
    if (!p) return { ok: false, reason: `not a synthetic ref` };
    return { ok: true, ...applyGeometryToRgb(renderSynthetic(p), p.size, p.size, task.geometry) };
  }
  let bytes: Uint8Array;
  try {
    bytes = readFileBoundedSync(path.join(src.root, ref));
  } catch (err) {
    return { ok: false, reason: `cannot read: ${(err as Error).message}` };
  }
  try {
    return { ok: true, ...(await decodeImageBytes(bytes, task.geometry)) };
  } catch (err) {
    return { ok: false, reason: `cannot decode: ${(err as Error).message}` };
  }
}

/**
 * Where a worker writes pixels instead of sending them back: the decode's output block (shared
 * memory), the byte offset of the task's first item, and the size every image must have.
 */
export interface SharedOut {
  readonly buffer: SharedArrayBuffer;
  readonly offset: number;
  readonly width: number;
  readonly height: number;
  readonly channels: number;
}

/** A result whose pixels were written into the shared block: `data` is empty. */
export const WRITTEN = new Uint8Array(0);

/**
 * Copy each result whose size matches `out` into the shared block at its item's slot, and replace
 * its pixels by WRITTEN (a result of another size keeps its pixels: the caller reports it).
 */
export function writeShared(results: BatchResult[], out: SharedOut): BatchResult[] {
  const bytes = out.width * out.height * out.channels;
  return results.map((r, k) => {
    if (!r.ok || r.width !== out.width || r.height !== out.height || r.channels !== out.channels) return r;
    new Uint8Array(out.buffer, out.offset + k * bytes, bytes).set(r.data);
    return { ...r, data: WRITTEN };
  });
}

/** Decode every ref of the task in order; never throws for a bad file (it becomes `ok: false`). */
export async function decodeBatch(task: DecodeTask): Promise<BatchResult[]> {
  const out: BatchResult[] = [];
  for (const ref of task.refs) out.push(await decodeOne(task, ref));
  return out;
}
