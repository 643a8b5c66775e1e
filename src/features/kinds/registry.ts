/**
 * Every feature-step kind, in schema order. A new kind is one module in this folder plus one line
 * here (and its variant in core/spec.ts's FeatureStep union, which this map must cover).
 */
import type { FeatureKind, FeatureStep } from '../../core/spec.js';
import { augment } from './augment.js';
import { clip, type FittedClip } from './clip.js';
import { centerCrop } from './center-crop.js';
import { crop } from './crop.js';
import { edges, type FittedEdges } from './edges.js';
import { grayscale } from './grayscale.js';
import { identity } from './identity.js';
import { impute, type FittedImpute } from './impute.js';
import { log1p, type FittedLog1p } from './log1p.js';
import type { FitContext, FloatBlock, GeometryKind, PixelKind, StepKind, StepOf, StepPlace } from './kind.js';
import { normalize, type FittedNormalize } from './normalize.js';
import { oneHot, type FittedOneHot } from './one-hot.js';
import { resize } from './resize.js';
import { standardize, type FittedStandardize } from './standardize.js';

export const STEP_KINDS = {
  resize,
  'center-crop': centerCrop,
  crop,
  grayscale,
  normalize,
  identity,
  edges,
  augment,
  standardize,
  log1p,
  clip,
  impute,
  'one-hot': oneHot,
  // NOTE: `any` for what a pixel kind learns: fit returns it and apply takes it (invariant), so
  // only the kind's own module fixes its shape.
} as const satisfies { readonly [K in FeatureKind]: StepKind<K, any> };

/** What a pixel step learned from the training block (plain JSON, stored with the model). */
export type FittedPixelStep = FittedNormalize | FittedEdges | { readonly kind: 'identity' } | FittedStandardize | FittedLog1p | FittedClip | FittedImpute | FittedOneHot;

/** The kinds of pixel steps. */
export type PixelStepKind = FittedPixelStep['kind'];

/** The module of a step's kind. */
export function stepKind<K extends FeatureKind>(kind: K): (typeof STEP_KINDS)[K] {
  return STEP_KINDS[kind];
}

/** Where a step runs. */
export function stepPlace(step: FeatureStep): StepPlace {
  return STEP_KINDS[step.kind].place;
}

/** True when a step needs images (not allowed on tables). */
export function needsImages(step: FeatureStep): boolean {
  return STEP_KINDS[step.kind].data === 'image';
}

/** True when a step needs a table (not allowed on images). */
export function needsTable(step: FeatureStep): boolean {
  return STEP_KINDS[step.kind].data === 'table';
}

/** The geometry module of a step, or null when it is not a geometry step. */
export function geometryKind(step: FeatureStep): GeometryKind<FeatureKind> | null {
  const k = STEP_KINDS[step.kind] as StepKind<FeatureKind>;
  return k.place === 'geometry' ? (k as unknown as GeometryKind<FeatureKind>) : null;
}

/** Fit one pixel step on a block; throws for a step that is not a pixel step (a programming error). */
export function fitPixelStep(step: FeatureStep, block: FloatBlock, context?: FitContext): FittedPixelStep {
  const k = STEP_KINDS[step.kind] as StepKind<FeatureKind>;
  if (k.place === 'geometry') throw new Error(`feature step ${step.kind} is a geometry step: it runs while decoding, not on tensors`);
  if (k.place === 'training') throw new Error(`feature step ${step.kind} runs inside training, not as a fitted pixel step`);
  return (k as unknown as PixelKind<FeatureKind, FittedPixelStep>).fit(step as StepOf<FeatureKind>, block, context);
}

/** Apply one fitted pixel step (`context`: a table's columns as the step sees them). */
export function applyPixelStep(fitted: FittedPixelStep, block: FloatBlock, context?: FitContext): FloatBlock {
  const k = STEP_KINDS[fitted.kind] as unknown as PixelKind<PixelStepKind, FittedPixelStep>;
  return k.apply(fitted, block, context);
}

/** A table's columns after one fitted step (unchanged unless the step adds or replaces columns). */
export function columnsAfter(fitted: FittedPixelStep, context: FitContext): FitContext {
  const k = STEP_KINDS[fitted.kind] as unknown as PixelKind<PixelStepKind, FittedPixelStep>;
  return k.columnsAfter ? k.columnsAfter(fitted, context) : context;
}
