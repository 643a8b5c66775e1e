/**
 * Where each feature step runs (see features/kinds/registry.ts, where every kind says so):
 * - `geometry` steps (resize, crop, center-crop, grayscale) are composed into image decoding
 *   (data/decode), so a photo is shrunk on load and never held at full size;
 * - `pixel` steps (normalize, edges, identity) run on float tensors, fitted on the training part only;
 * - `training` steps (augment) run per epoch inside training, on the training part only.
 */
import type { AugmentSpec, FeatureStep } from '../core/spec.js';
import { stepPlace } from './kinds/registry.js';

export { stepPlace } from './kinds/registry.js';
export type { StepPlace } from './kinds/kind.js';

export interface StepPlan {
  /** Geometry steps in pipeline order (decoding composes them). */
  readonly geometry: readonly FeatureStep[];
  /** Pixel steps in pipeline order. */
  readonly pixel: readonly FeatureStep[];
  /** The augmentation applied during training, if any (the last one wins). */
  readonly augment: AugmentSpec | null;
}

/**
 * Split the pipeline's feature steps by where they run. Geometry must precede pixel steps
 * (validation reports the violation with its location; this throws as a last guard).
 */
export function planSteps(steps: readonly FeatureStep[]): StepPlan {
  const geometry: FeatureStep[] = [];
  const pixel: FeatureStep[] = [];
  let augment: AugmentSpec | null = null;
  for (const step of steps) {
    const place = stepPlace(step);
    if (place === 'geometry') {
      if (pixel.length > 0) throw new Error(`feature step ${step.kind} must come before ${pixel[0]!.kind}: geometry steps run while decoding`);
      geometry.push(step);
    } else if (place === 'pixel') pixel.push(step);
    else if (step.kind === 'augment') augment = step.augment;
  }
  return { geometry, pixel, augment };
}
