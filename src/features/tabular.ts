/**
 * Feature steps on tables [n, d]: the kinds whose module says they take tables; each column is a channel.
 */
import { DataError } from '../core/errors.js';
import type { FeatureStep } from '../core/spec.js';
import { STEP_KINDS, needsImages, stepPlace } from './kinds/registry.js';
import { applyPixelSteps, fitPixelSteps, type FittedPixelSteps } from './pixel-steps.js';

/**
 * Fit table steps on a training table `x` of shape [x.length / d, d] (per column).
 * Any step that needs an image (edges, and geometry or augment steps) throws a DataError naming
 * the step and the table's shape.
 */
export function fitTabular(steps: readonly FeatureStep[], x: Float32Array, d: number, columns?: readonly string[], dataColumns?: readonly string[]): FittedPixelSteps {
  const n = rows(x, d);
  for (const step of steps) {
    if (needsImages(step)) {
      throw new DataError('data.features-tabular', `feature step ${step.kind} (${stepPlace(step)}) needs images [n, h, w, c]; this data is tabular [${n}, ${d}]`);
    }
  }
  // NOTE: a model column is numeric when it is a data column by its own name; `name=value` columns are one-hot.
  const context = columns === undefined ? undefined : { columns, numeric: columns.map((c) => dataColumns === undefined || dataColumns.includes(c)) };
  return fitPixelSteps(steps, { count: n, height: 1, width: 1, channels: d, data: x }, context);
}

/** Apply fitted tabular steps to a table with the same column count; returns a new array. */
export function applyTabular(fitted: FittedPixelSteps, x: Float32Array, d: number): Float32Array {
  const n = rows(x, d);
  for (const step of fitted.steps) {
    if (STEP_KINDS[step.kind].data === 'image') throw new DataError('data.features-tabular', `feature step ${step.kind} needs images [n, h, w, c]; this data is tabular [${n}, ${d}]`);
  }
  return applyPixelSteps(fitted, { count: n, height: 1, width: 1, channels: d, data: x }).data;
}

function rows(x: Float32Array, d: number): number {
  if (!Number.isInteger(d) || d < 1 || x.length % d !== 0) {
    throw new DataError('data.features-tabular', `a table of ${x.length} values cannot have ${d} columns`);
  }
  return x.length / d;
}
