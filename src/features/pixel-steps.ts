/**
 * Pixel feature steps on float tensors: fitted on the training block only, then applied
 * unchanged to training, validation and hold-out blocks. Each kind's fit and apply live in its
 * module under features/kinds/.
 */
import type { ImageBlock } from '../core/data.js';
import type { FeatureStep } from '../core/spec.js';
import type { FitContext } from './kinds/kind.js';
import { applyPixelStep, fitPixelStep, type FittedPixelStep } from './kinds/registry.js';

export type { FittedPixelStep } from './kinds/registry.js';

/** The fitted pixel steps in pipeline order; JSON-serialisable (store it with the model). */
export interface FittedPixelSteps {
  readonly steps: readonly FittedPixelStep[];
  /** Mixed data only: the table steps fitted on the rows (`steps` then hold the image's). */
  readonly table?: FittedPixelSteps;
}

/**
 * Fit pixel steps (normalize, edges, identity; see `stepPlace`) on the training block. Steps
 * are fitted in order, step i on the training block as transformed by steps before it, so a
 * normalize after `edges: append` learns statistics for the extra channel too. Geometry and
 * training steps are rejected (they run while decoding or inside training). Throws a DataError
 * for an empty training block when a step must learn from it.
 */
export function fitPixelSteps(steps: readonly FeatureStep[], train: ImageBlock<Float32Array>, context?: FitContext): FittedPixelSteps {
  const fitted: FittedPixelStep[] = [];
  let block = train;
  steps.forEach((step, i) => {
    const one = fitPixelStep(step, block, context);
    fitted.push(one);
    // NOTE: the last step's output is never needed for fitting; skip that pass.
    if (i < steps.length - 1) block = applyPixelStep(one, block);
  });
  return { steps: fitted };
}

/** Apply fitted steps in order to any block (train, validation, hold-out). Returns a new block; the input is never changed. */
export function applyPixelSteps(fitted: FittedPixelSteps, block: ImageBlock<Float32Array>): ImageBlock<Float32Array> {
  let out = block;
  for (const step of fitted.steps) out = applyPixelStep(step, out);
  if (out === block) out = { ...block, data: block.data.slice() };
  return out;
}
