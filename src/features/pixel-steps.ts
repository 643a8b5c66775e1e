/**
 * Pixel feature steps on float tensors: fitted on the training block only, then applied
 * unchanged to training, validation and hold-out blocks.
 */
import { match } from 'ts-pattern';
import type { ImageBlock } from '../core/data.js';
import { DataError } from '../core/errors.js';
import type { FeatureStep } from '../core/spec.js';
import { meanStd, minMax, shiftScale } from './channel-stats.js';
import { sobelEdges } from './sobel.js';

/** One fitted pixel step: what it learned from the training block (plain JSON). */
export type FittedPixelStep =
  /** Population mean and std per channel of the training block as this step saw it. */
  | { readonly kind: 'normalize'; readonly method: 'standard'; readonly mean: readonly number[]; readonly std: readonly number[] }
  | { readonly kind: 'normalize'; readonly method: 'min-max'; readonly min: readonly number[]; readonly max: readonly number[] }
  | { readonly kind: 'edges'; readonly method: 'sobel'; readonly mode: 'append' | 'replace' }
  | { readonly kind: 'identity' };

/** The fitted pixel steps in pipeline order; JSON-serialisable (store it with the model). */
export interface FittedPixelSteps {
  readonly steps: readonly FittedPixelStep[];
}

/**
 * Fit pixel steps (normalize, edges, identity; see `stepPlace`) on the training block. Steps
 * are fitted in order, step i on the training block as transformed by steps before it, so a
 * normalize after `edges: append` learns statistics for the extra channel too. Geometry and
 * training steps are rejected (they run while decoding or inside training). Throws a DataError
 * for an empty training block when a step must learn from it.
 */
export function fitPixelSteps(steps: readonly FeatureStep[], train: ImageBlock<Float32Array>): FittedPixelSteps {
  const fitted: FittedPixelStep[] = [];
  let block = train;
  steps.forEach((step, i) => {
    const one = fitOne(step, block);
    fitted.push(one);
    // NOTE: the last step's output is never needed for fitting; skip that pass.
    if (i < steps.length - 1) block = applyOne(one, block);
  });
  return { steps: fitted };
}

/** Apply fitted steps in order to any block (train, validation, hold-out). Returns a new block; the input is never changed. */
export function applyPixelSteps(fitted: FittedPixelSteps, block: ImageBlock<Float32Array>): ImageBlock<Float32Array> {
  let out = block;
  for (const step of fitted.steps) out = applyOne(step, out);
  if (out === block) out = { ...block, data: block.data.slice() };
  return out;
}

function fitOne(step: FeatureStep, block: ImageBlock<Float32Array>): FittedPixelStep {
  const needData = (): void => {
    if (block.count === 0 || block.data.length === 0) throw new DataError('data.features-empty', `feature step ${step.kind} cannot be fitted: the training block is empty`);
  };
  return match(step)
    .with({ kind: 'normalize', method: 'standard' }, (s) => {
      needData();
      return { kind: s.kind, method: s.method, ...meanStd(block.data, block.channels) };
    })
    .with({ kind: 'normalize', method: 'min-max' }, (s) => {
      needData();
      return { kind: s.kind, method: s.method, ...minMax(block.data, block.channels) };
    })
    .with({ kind: 'edges' }, (s) => ({ kind: s.kind, method: s.method, mode: s.mode }))
    .with({ kind: 'identity' }, () => ({ kind: 'identity' as const }))
    .with({ kind: 'resize' }, { kind: 'center-crop' }, { kind: 'crop' }, { kind: 'grayscale' }, (s): never => {
      throw new Error(`feature step ${s.kind} is a geometry step: it runs while decoding, not on tensors`);
    })
    .with({ kind: 'augment' }, (s): never => {
      throw new Error(`feature step ${s.kind} runs inside training, not as a fitted pixel step`);
    })
    .exhaustive();
}

function applyOne(step: FittedPixelStep, block: ImageBlock<Float32Array>): ImageBlock<Float32Array> {
  return match(step)
    .with({ kind: 'normalize', method: 'standard' }, (s) => {
      checkChannels(s.mean.length, block);
      return { ...block, data: shiftScale(block.data, block.channels, s.mean, s.std) };
    })
    .with({ kind: 'normalize', method: 'min-max' }, (s) => {
      checkChannels(s.min.length, block);
      return { ...block, data: shiftScale(block.data, block.channels, s.min, s.max.map((hi, c) => hi - s.min[c]!)) };
    })
    .with({ kind: 'edges' }, (s) => sobelEdges(block, s.mode))
    .with({ kind: 'identity' }, () => block)
    .exhaustive();
}

function checkChannels(fittedChannels: number, block: ImageBlock<Float32Array>): void {
  if (fittedChannels !== block.channels) {
    throw new DataError('data.features-channels', `normalize was fitted on ${fittedChannels} channel(s) but this block has ${block.channels}`);
  }
}
