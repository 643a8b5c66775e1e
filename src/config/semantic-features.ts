/** Feature-step checks: geometry before pixel steps, image steps on image data, crops inside the image. */
import type { PipelineSpec } from '../core/spec.js';
import { stepPlace } from '../features/steps.js';
import type { Reporter } from './located.js';
import { IMAGE_ONLY } from './vocabulary.js';

export function checkFeatures(spec: PipelineSpec, r: Reporter): void {
  const steps = spec.features;
  const tabular = spec.data.source === 'csv' && spec.data.image === undefined;
  let firstPixel = -1;
  let augments = 0;
  // Image size as known so far (synthetic data has a fixed size; resize and crops set it).
  let size: { w: number; h: number } | null = spec.data.source === 'synthetic-cracks' ? { w: spec.data.size, h: spec.data.size } : null;
  steps.forEach((step, i) => {
    const at = ['features', i, step.kind];
    if (tabular && IMAGE_ONLY[step.kind]) {
      r.key('semantic.tabular-step', at, `feature step ${step.kind} needs images, but this csv data is tabular (no image column)`);
      return;
    }
    const place = stepPlace(step);
    if (place === 'pixel' && firstPixel < 0) firstPixel = i;
    if (place === 'geometry' && firstPixel >= 0) {
      const before = steps[firstPixel]!.kind;
      r.key('semantic.step-order', at, `feature step ${step.kind} must come before ${before} (features[${firstPixel}]): geometry steps (resize, crop, center-crop, grayscale) run while decoding, before pixel steps`);
    }
    if (step.kind === 'augment' && ++augments === 2) {
      r.warn('semantic.augment-twice', at, 'only the last augment step takes effect', 'merge the augment steps into one');
    }
    if (step.kind === 'resize') size = { w: step.width, h: step.height };
    else if (step.kind === 'center-crop') {
      if (step.size.kind === 'pixels') {
        if (size !== null && (step.size.width > size.w || step.size.height > size.h)) {
          r.key('semantic.crop-bounds', at, `center-crop ${step.size.width}x${step.size.height} is larger than the ${size.w}x${size.h} image at this step`);
        }
        size = { w: step.size.width, h: step.size.height };
      } else size = size === null ? null : { w: Math.round(size.w * step.size.fraction), h: Math.round(size.h * step.size.fraction) };
    } else if (step.kind === 'crop') {
      if (size !== null && (step.left + step.width > size.w || step.top + step.height > size.h)) {
        r.key('semantic.crop-bounds', at, `crop box ${step.left},${step.top} ${step.width}x${step.height} reaches outside the ${size.w}x${size.h} image at this step`);
      }
      size = { w: step.width, h: step.height };
    }
  });
}
