/** Feature-step checks: geometry before pixel steps, image steps on image data, crops inside the image. */
import type { PipelineSpec } from '../core/spec.js';
import { geometryKind, needsImages, needsTable, stepPlace } from '../features/kinds/registry.js';
import type { Size } from '../features/kinds/kind.js';
import type { Reporter } from './located.js';

export function checkFeatures(spec: PipelineSpec, r: Reporter): void {
  const steps = spec.features;
  const tabular = spec.data.source === 'csv' && spec.data.image === undefined;
  // Mixed data (an image and a row per item): image steps take the image, table steps the row.
  const mixed = spec.data.source === 'csv' && spec.data.image !== undefined && spec.data.columns.length > 0;
  let firstPixel = -1;
  let trainingSteps = 0;
  // Image size as known so far (synthetic data has a fixed size; resize and crops set it).
  let size: Size | null = spec.data.source === 'synthetic-cracks' ? { w: spec.data.size, h: spec.data.size } : null;
  steps.forEach((step, i) => {
    const at = ['features', i, step.kind];
    if (tabular && needsImages(step)) {
      r.key('semantic.tabular-step', at, `feature step ${step.kind} needs images, but this csv data is tabular (no image column)`);
      return;
    }
    if (!tabular && !mixed && needsTable(step)) {
      r.key('semantic.table-step', at, `feature step ${step.kind} takes table columns, but this data is images`, 'use normalize for pixels');
      return;
    }
    if ((tabular || mixed) && 'columns' in step && Array.isArray(step.columns)) {
      const known = spec.data.source === 'csv' ? spec.data.columns : [];
      (step.columns as readonly string[]).forEach((name, j) => {
        if (!known.includes(name)) r.key('semantic.step-column', [...at, 'columns', j], `feature step ${step.kind} names column ${name}, which is not one of data.columns (${known.join(', ')})`, 'name a column listed in data.columns');
      });
    }
    const place = stepPlace(step);
    if (mixed && needsTable(step)) return;
    if (place === 'pixel' && firstPixel < 0) firstPixel = i;
    if (place === 'geometry' && firstPixel >= 0) {
      const before = steps[firstPixel]!.kind;
      r.key('semantic.step-order', at, `feature step ${step.kind} must come before ${before} (features[${firstPixel}]): geometry steps (resize, crop, center-crop, grayscale) run while decoding, before pixel steps`);
    }
    if (place === 'training' && ++trainingSteps === 2) {
      r.warn('semantic.augment-twice', at, `only the last ${step.kind} step takes effect`, `merge the ${step.kind} steps into one`);
    }
    const geometry = geometryKind(step);
    if (geometry !== null) size = geometry.size(step, size, (message) => r.key('semantic.crop-bounds', at, message));
  });
}
