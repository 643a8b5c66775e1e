import { describe, expect, it } from 'vitest';
import type { FeatureStep } from '../../../src/core/spec.js';
import { composeGeometry } from '../../../src/data/geometry.js';
import { STEP_KINDS, geometryKind, needsImages, stepPlace } from '../../../src/features/kinds/registry.js';
import { fitPixelSteps } from '../../../src/features/pixel-steps.js';
import { planSteps } from '../../../src/features/steps.js';

describe('the step-kind registry', () => {
  it('says for every kind where it runs and which data it takes', () => {
    const summary = Object.fromEntries(Object.values(STEP_KINDS).map((k) => [k.kind, `${k.place}/${k.data}`]));
    expect(summary).toEqual({
      resize: 'geometry/image', 'center-crop': 'geometry/image', crop: 'geometry/image', grayscale: 'geometry/image',
      normalize: 'pixel/both', identity: 'pixel/both', edges: 'pixel/image', augment: 'training/image',
      standardize: 'pixel/table', log1p: 'pixel/table', clip: 'pixel/table', impute: 'pixel/table', 'one-hot': 'pixel/table',
    });
  });

  it('reads each kind\'s defaults-filled YAML into its typed step', () => {
    const read = (kind: keyof typeof STEP_KINDS, p: Record<string, unknown>): FeatureStep => STEP_KINDS[kind].fromYaml({ ...STEP_KINDS[kind].defaults, ...p });
    expect(read('resize', { width: 8, height: 6 })).toEqual({ kind: 'resize', width: 8, height: 6, fit: 'fill' });
    expect(read('center-crop', { fraction: 0.5 })).toEqual({ kind: 'center-crop', size: { kind: 'fraction', fraction: 0.5 } });
    expect(read('edges', {})).toEqual({ kind: 'edges', method: 'sobel', mode: 'append' });
    expect(read('augment', { rotate90: true })).toMatchObject({ kind: 'augment', augment: { rotate90: true, flipHorizontal: false, translate: 0 } });
  });

  it('tracks the nominal size through geometry steps and reports boxes that do not fit', () => {
    const problems: string[] = [];
    const steps: FeatureStep[] = [
      { kind: 'resize', width: 40, height: 30, fit: 'fill' },
      { kind: 'center-crop', size: { kind: 'fraction', fraction: 0.5 } },
      { kind: 'grayscale' },
      { kind: 'crop', left: 10, top: 0, width: 15, height: 15 },
    ];
    let size: { w: number; h: number } | null = null;
    for (const s of steps) size = geometryKind(s)!.size(s, size, (m) => problems.push(m));
    expect(size).toEqual({ w: 15, h: 15 });
    expect(problems).toEqual(['crop box 10,0 15x15 reaches outside the 20x15 image at this step']);
    // composeGeometry folds the same steps and refuses the same box.
    expect(() => composeGeometry(steps, 100, 100)).toThrow(/features\[3\] \(crop\): box 15x15 at \(10, 0\) is not inside the 20x15 image/);
    expect(composeGeometry(steps.slice(0, 3), 100, 100)).toMatchObject({ width: 20, height: 15, channels: 1 });
  });

  it('places, refuses and fits steps through their modules', () => {
    const steps: FeatureStep[] = [{ kind: 'grayscale' }, { kind: 'normalize', method: 'min-max' }, { kind: 'augment', augment: STEP_KINDS.augment.fromYaml(STEP_KINDS.augment.defaults).augment }];
    expect(steps.map(stepPlace)).toEqual(['geometry', 'pixel', 'training']);
    expect(steps.map(needsImages)).toEqual([true, false, true]);
    expect(planSteps(steps).pixel).toEqual([steps[1]]);
    expect(() => fitPixelSteps([steps[0]!], { count: 1, height: 1, width: 1, channels: 1, data: new Float32Array(1) })).toThrow(/grayscale is a geometry step/);
    const fitted = fitPixelSteps([steps[1]!], { count: 2, height: 1, width: 1, channels: 1, data: Float32Array.of(2, 6) });
    expect(fitted).toEqual({ steps: [{ kind: 'normalize', method: 'min-max', min: [2], max: [6] }] });
  });
});
