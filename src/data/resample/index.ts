/**
 * Resampling of the training part only: the API takes nothing else, so validation and hold-out
 * rows can never be copied, dropped, interpolated or reweighted.
 */
import { match } from 'ts-pattern';
import { DataError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import type { ResampleSpec } from '../../core/spec.js';
import { balancedEpochCounts } from './balanced-batches.js';
import { smoteRows } from './smote.js';
import { classCounts, growTargets, rowsByClass, shrinkTargets } from './targets.js';

export { balancedEpochCounts, drawBalancedEpoch } from './balanced-batches.js';
export { nearestNeighbours } from './smote.js';

export interface TrainRows {
  readonly x: Float32Array;
  /** [n, ...row shape], e.g. [n, h, w, c] or [n, d]. */
  readonly shape: readonly number[];
  readonly y: Uint8Array;
}

export interface ResampleResult {
  /** Original rows first, in their order (those kept, for undersampling), then new rows. */
  x: Float32Array;
  shape: number[];
  y: Uint8Array;
  /** Per-class loss weights (class-weights only), by class index. */
  classWeights: number[] | null;
  /** For the trainer to draw each epoch (balanced-batches only; see `drawBalancedEpoch`). */
  balancedBatches: { ratio: number } | null;
  /** Rows per class before. */
  before: number[];
  /** Rows per class after (balanced-batches: the expected rows per epoch). */
  after: number[];
}

/**
 * Resample the training rows per `spec`; `ratio` is minority / majority afterwards.
 *
 * - none: rows unchanged;
 * - random-oversample: every present class grows to `ceil(ratio * largest)` by copying its own
 *   rows drawn uniformly with replacement;
 * - random-undersample: every class shrinks to `floor(smallest / ratio)` by keeping a uniform
 *   draw without replacement, kept rows in their original order;
 * - smote: like random-oversample, but each new row is interpolated between a row of the class
 *   and one of its k nearest neighbours within that class (see `smoteRows`);
 * - class-weights: rows unchanged; `balanced` gives n / (classCount * count_c) (0 for an absent
 *   class), a record gives the named weights (1 for a class not named);
 * - balanced-batches: rows unchanged; `after` is one epoch's expected counts.
 *
 * Methods that change nothing return the caller's `x` and `y` arrays (not copies). Each class
 * draws from `rng.child(className)`, so one class's draws never shift another's. Throws a
 * DataError for a ratio outside (0, 1], a weight for an unknown class, or smote on a class with
 * a single row; a RangeError for inconsistent shapes or labels.
 */
export function resample(spec: ResampleSpec, train: TrainRows, classCount: number, rng: Rng, classes: readonly string[]): ResampleResult {
  const n = train.shape[0] ?? 0;
  const rowSize = train.shape.slice(1).reduce((a, b) => a * b, 1);
  if (train.y.length !== n || train.x.length !== n * rowSize) {
    throw new RangeError(`training rows do not match their shape [${train.shape.join(', ')}]: x has ${train.x.length} values, y has ${train.y.length} labels`);
  }
  if (classes.length !== classCount) throw new RangeError(`${classes.length} class names for ${classCount} classes`);
  const before = classCounts(train.y, classCount);
  const same = (extra: Partial<ResampleResult> = {}): ResampleResult => ({
    x: train.x, shape: [...train.shape], y: train.y, classWeights: null, balancedBatches: null, before, after: [...before], ...extra,
  });
  const grow = (ratio: number, fill: (c: number, rows: readonly number[], need: number, out: Float32Array, at: number) => void): ResampleResult => {
    checkRatio(ratio);
    const after = growTargets(before, ratio);
    const extra = after.reduce((s, t, c) => s + t - before[c]!, 0);
    const x = new Float32Array((n + extra) * rowSize);
    x.set(train.x);
    const y = new Uint8Array(n + extra);
    y.set(train.y);
    let at = n;
    rowsByClass(train.y, classCount).forEach((rows, c) => {
      const need = after[c]! - before[c]!;
      fill(c, rows, need, x, at);
      y.fill(c, at, at + need);
      at += need;
    });
    return { x, shape: [n + extra, ...train.shape.slice(1)], y, classWeights: null, balancedBatches: null, before, after };
  };
  return match(spec)
    .with({ method: 'none' }, () => same())
    .with({ method: 'random-oversample' }, (s) => grow(s.ratio, (c, rows, need, out, at) => {
      const r = rng.child(classes[c]!);
      for (let i = 0; i < need; i++) {
        const src = rows[r.int(rows.length)]!;
        out.copyWithin((at + i) * rowSize, src * rowSize, (src + 1) * rowSize);
      }
    }))
    .with({ method: 'smote' }, (s) => {
      if (!Number.isInteger(s.k) || s.k < 1) throw DataError.at('data.resample-spec', 'resample.k', `smote k must be a whole number >= 1, got ${s.k}`);
      return grow(s.ratio, (c, rows, need, out, at) => smoteRows(train.x, rowSize, rows, s.k, need, rng.child(classes[c]!), out, at, classes[c]!));
    })
    .with({ method: 'random-undersample' }, (s) => {
      checkRatio(s.ratio);
      const after = shrinkTargets(before, s.ratio);
      const keep: number[] = [];
      rowsByClass(train.y, classCount).forEach((rows, c) => {
        if (after[c]! >= rows.length) keep.push(...rows);
        else for (const p of rng.child(classes[c]!).sample(rows.length, after[c]!)) keep.push(rows[p]!);
      });
      keep.sort((a, b) => a - b);
      const x = new Float32Array(keep.length * rowSize);
      const y = new Uint8Array(keep.length);
      keep.forEach((src, i) => {
        x.set(train.x.subarray(src * rowSize, (src + 1) * rowSize), i * rowSize);
        y[i] = train.y[src]!;
      });
      return { x, shape: [keep.length, ...train.shape.slice(1)], y, classWeights: null, balancedBatches: null, before, after };
    })
    .with({ method: 'class-weights' }, (s) => same({ classWeights: classWeights(s.weights, before, classes) }))
    .with({ method: 'balanced-batches' }, (s) => {
      checkRatio(s.ratio);
      return same({ balancedBatches: { ratio: s.ratio }, after: balancedEpochCounts(train.y, classCount, s.ratio) });
    })
    .exhaustive();
}

function checkRatio(ratio: number): void {
  if (!(ratio > 0 && ratio <= 1)) throw DataError.at('data.resample-spec', 'resample.ratio', `resampling ratio (minority / majority) must be in (0, 1], got ${ratio}`);
}

function classWeights(weights: 'balanced' | Readonly<Record<string, number>>, counts: readonly number[], classes: readonly string[]): number[] {
  const n = counts.reduce((a, b) => a + b, 0);
  if (weights === 'balanced') return counts.map((c) => (c === 0 ? 0 : n / (counts.length * c)));
  const problems = Object.entries(weights).flatMap(([name, w]) =>
    !classes.includes(name) ? [{ at: `resample.weights.${name}`, message: `${name}: not a class (classes: ${classes.join(', ')})` }]
      : !(w >= 0 && Number.isFinite(w)) ? [{ at: `resample.weights.${name}`, message: `${name}: weight must be a finite number >= 0, got ${w}` }] : []);
  if (problems.length > 0) throw new DataError('data.resample-spec', `class weights are invalid: ${problems.map((p) => p.message).join('; ')}`, problems.map((p) => p.message), problems);
  return classes.map((name) => weights[name] ?? 1);
}
