/**
 * Epoch plans and batch assembly for the training loop. Pure (no tensor library): an epoch is an
 * ordered list of row indices; a batch is gathered from the typed array rows on the fly, so the
 * whole training set is never copied per epoch.
 */
import type { Examples } from '../core/data.js';
import type { Rng } from '../core/rng.js';

/** Values per example (product of the shape without the batch axis). */
export function rowSize(shape: readonly number[]): number {
  return shape.slice(1).reduce((a, b) => a * b, 1);
}

/**
 * Row indices for one epoch, shuffled with `rng.child('order')`.
 *
 * Without `balanced`, every row once. With `balanced = { ratio }`: every row of the smallest class
 * (the minority, size m) plus, from each larger class, a fresh draw (`rng.child('draw-<class>')`,
 * without replacement) of round(m / ratio) rows, or all of them when it has fewer. For two
 * classes this is "all minority items and a majority draw with minority/majority = ratio".
 */
export function epochIndices(y: Uint8Array, classes: number, balanced: { readonly ratio: number } | null, rng: Rng): Int32Array {
  let chosen: number[];
  if (balanced === null) {
    chosen = Array.from({ length: y.length }, (_, i) => i);
  } else {
    if (!(balanced.ratio > 0 && balanced.ratio <= 1)) throw new Error(`balanced-batches ratio must be in (0, 1], got ${balanced.ratio}`);
    const byClass: number[][] = Array.from({ length: classes }, () => []);
    for (let i = 0; i < y.length; i++) byClass[y[i]!]!.push(i);
    const present = byClass.filter((rows) => rows.length > 0);
    const minority = Math.min(...present.map((rows) => rows.length));
    const cap = Math.max(1, Math.round(minority / balanced.ratio));
    chosen = [];
    byClass.forEach((rows, c) => {
      if (rows.length <= cap) chosen.push(...rows);
      else for (const k of rng.child(`draw-${c}`).sample(rows.length, cap)) chosen.push(rows[k]!);
    });
  }
  return Int32Array.from(rng.child('order').shuffle(chosen));
}

/** Copy rows `idx[start..end)` of `x` (each `size` values) into a new contiguous array. */
export function gatherRows(x: Float32Array, size: number, idx: Int32Array, start: number, end: number): Float32Array {
  const out = new Float32Array((end - start) * size);
  for (let k = start; k < end; k++) {
    const r = idx[k]!;
    out.set(x.subarray(r * size, (r + 1) * size), (k - start) * size);
  }
  return out;
}

/** Throw a descriptive error when `ex` is not a consistent, finite set of examples with labels < classes. */
export function checkExamples(name: string, ex: Examples, classes: number): void {
  const { x, shape, y } = ex;
  if (shape.length < 2 || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`${name}: shape must be [n, ...] with non-negative integers, got [${shape.join(', ')}]`);
  }
  if (shape[0] === 0) throw new Error(`${name}: no examples`);
  const n = shape[0]!, size = rowSize(shape);
  if (x.length !== n * size) throw new Error(`${name}: shape [${shape.join(', ')}] needs ${n * size} values, x holds ${x.length}`);
  if (y.length !== n) throw new Error(`${name}: ${n} rows but ${y.length} labels`);
  for (let i = 0; i < y.length; i++) {
    if (y[i]! >= classes) throw new Error(`${name}: label ${y[i]} at row ${i} is not below the class count ${classes}`);
  }
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) throw new Error(`${name}: non-finite value ${x[i]} at row ${Math.floor(i / size)}`);
  }
}
