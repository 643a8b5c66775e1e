/**
 * SMOTE: synthetic rows on the segments between a class's rows and their nearest neighbours.
 */
import { DataError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';

/**
 * The `k` nearest neighbours (squared Euclidean distance over the flattened row, summed in
 * float64) of each of `rows` among `rows` themselves, nearest first; equal distances go to the
 * lower position. Every pair is measured once: O(m^2 d / 2) work, O(m k) memory.
 * Returns positions into `rows`.
 */
export function nearestNeighbours(x: Float32Array, rowSize: number, rows: readonly number[], k: number): number[][] {
  const m = rows.length;
  const nbIdx: number[][] = Array.from({ length: m }, () => []);
  const nbDist: number[][] = Array.from({ length: m }, () => []);
  const offer = (i: number, j: number, dist: number): void => {
    const idx = nbIdx[i]!, ds = nbDist[i]!;
    if (idx.length === k && !(dist < ds[k - 1]! || (dist === ds[k - 1]! && j < idx[k - 1]!))) return;
    let at = idx.length;
    while (at > 0 && (ds[at - 1]! > dist || (ds[at - 1]! === dist && idx[at - 1]! > j))) at--;
    idx.splice(at, 0, j);
    ds.splice(at, 0, dist);
    if (idx.length > k) { idx.pop(); ds.pop(); }
  };
  for (let i = 0; i < m; i++) {
    const a = rows[i]! * rowSize;
    for (let j = i + 1; j < m; j++) {
      const b = rows[j]! * rowSize;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let t = 0;
      // NOTE: four accumulators let the engine overlap the additions; the order is fixed, so the
      // result is the same on every run and platform.
      for (; t + 3 < rowSize; t += 4) {
        const d0 = x[a + t]! - x[b + t]!, d1 = x[a + t + 1]! - x[b + t + 1]!;
        const d2 = x[a + t + 2]! - x[b + t + 2]!, d3 = x[a + t + 3]! - x[b + t + 3]!;
        s0 += d0 * d0; s1 += d1 * d1; s2 += d2 * d2; s3 += d3 * d3;
      }
      for (; t < rowSize; t++) { const d = x[a + t]! - x[b + t]!; s0 += d * d; }
      const dist = s0 + s1 + s2 + s3;
      offer(i, j, dist);
      offer(j, i, dist);
    }
  }
  return nbIdx;
}

/**
 * `need` synthetic rows for one class, written to `out` from row `outRow` on. For each: a base
 * row drawn uniformly from `rows`, one of its `min(k, rows - 1)` nearest neighbours drawn
 * uniformly, a gap drawn uniformly from [0, 1); the row is base + gap * (neighbour - base).
 * Throws a DataError when the class has a single row (no neighbour to interpolate towards).
 */
export function smoteRows(
  x: Float32Array, rowSize: number, rows: readonly number[], k: number, need: number,
  rng: Rng, out: Float32Array, outRow: number, className: string,
): void {
  if (need <= 0) return;
  if (rows.length < 2) {
    const message = `smote needs at least 2 training rows of class ${className} to interpolate between; it has ${rows.length}`;
    throw DataError.at('data.smote-too-few', 'resample.method', message, [className]);
  }
  const kk = Math.min(k, rows.length - 1);
  const neighbours = nearestNeighbours(x, rowSize, rows, kk);
  for (let r = 0; r < need; r++) {
    const base = rng.int(rows.length);
    const nb = neighbours[base]![rng.int(kk)]!;
    const gap = rng.next();
    const a = rows[base]! * rowSize, b = rows[nb]! * rowSize, o = (outRow + r) * rowSize;
    for (let t = 0; t < rowSize; t++) out[o + t] = x[a + t]! + gap * (x[b + t]! - x[a + t]!);
  }
}
