/**
 * Feature steps on tables [n, d]: the kinds whose module says they take tables; each column is a
 * channel. Steps are fitted in order, each on the training rows as the steps before it left them,
 * with the table's columns as they are at that step (impute may append indicator columns, one-hot
 * replaces a categorical column by its `name=value` columns).
 */
import { DataError } from '../core/errors.js';
import type { FeatureStep } from '../core/spec.js';
import type { FitContext, FloatBlock } from './kinds/kind.js';
import { STEP_KINDS, applyPixelStep, columnsAfter, fitPixelStep, needsImages, stepPlace } from './kinds/registry.js';
import type { FittedPixelSteps } from './pixel-steps.js';

/**
 * The columns of a decoded table: a column is numeric when it is a data column by its own name
 * and not categorical; `categories[i]` is the category list of a categorical column (its values
 * are codes into it).
 */
export function tableContext(columns: readonly string[], dataColumns?: readonly string[], categories?: readonly (readonly string[] | null)[]): FitContext {
  const cats = columns.map((_, i) => categories?.[i] ?? null);
  // NOTE: a `name=value` column (a table decoded before categorical columns were coded by steps) is never numeric.
  return { columns, numeric: columns.map((c, i) => cats[i] === null && (dataColumns === undefined || dataColumns.includes(c))), categories: cats };
}

/**
 * The steps as they run: a categorical column that no one-hot step names is one-hot coded as if
 * by a one-hot step placed first, or right after the last impute step that covers it.
 */
export function withImplicitOneHot(steps: readonly FeatureStep[], context: FitContext): FeatureStep[] {
  const names = (context.columns ?? []).filter((_, i) => (context.categories?.[i] ?? null) !== null);
  const named = (s: FeatureStep, name: string): boolean => 'columns' in s && (s.columns === 'categorical' || (Array.isArray(s.columns) && s.columns.includes(name)));
  const after = new Map<number, string[]>();
  for (const name of names) {
    if (steps.some((s) => s.kind === 'one-hot' && named(s, name))) continue;
    let at = -1;
    steps.forEach((s, i) => { if (s.kind === 'impute' && named(s, name)) at = i; });
    after.set(at, [...(after.get(at) ?? []), name]);
  }
  const out: FeatureStep[] = [];
  const insert = (at: number): void => { const c = after.get(at); if (c) out.push({ kind: 'one-hot', columns: c }); };
  insert(-1);
  steps.forEach((s, i) => { out.push(s); insert(i); });
  return out;
}

/**
 * Fit table steps on a training table `x` of shape [x.length / d, d] (per column), plus the
 * implicit one-hot steps (see withImplicitOneHot). Any step that needs an image throws a
 * DataError naming the step and the table's shape; so does a missing value left after the steps.
 */
export function fitTabular(steps: readonly FeatureStep[], x: Float32Array, d: number, columns?: readonly string[], dataColumns?: readonly string[], categories?: readonly (readonly string[] | null)[]): FittedPixelSteps {
  const n = rows(x, d);
  const context = columns === undefined ? undefined : tableContext(columns, dataColumns, categories);
  for (const step of steps) {
    if (needsImages(step)) {
      throw new DataError('data.features-tabular', `feature step ${step.kind} (${stepPlace(step)}) needs images [n, h, w, c]; this data is tabular [${n}, ${d}]`);
    }
  }
  const all = context === undefined ? steps : withImplicitOneHot(steps, context);
  const fitted: FittedPixelSteps['steps'][number][] = [];
  let block: FloatBlock = { count: n, height: 1, width: 1, channels: d, data: x };
  let ctx = context;
  for (const step of all) {
    if (ctx && step.kind !== 'impute' && step.kind !== 'one-hot') checkReady(step, block, ctx);
    const one = fitPixelStep(step, block, ctx);
    fitted.push(one);
    block = applyPixelStep(one, block, ctx);
    if (ctx) ctx = columnsAfter(one, ctx);
  }
  checkFilled(block, ctx, 'the training part');
  return { steps: fitted };
}

/** Apply fitted tabular steps to a table with the columns they were fitted on; returns a new array. */
export function applyTabular(fitted: FittedPixelSteps, x: Float32Array, d: number, context?: FitContext): Float32Array {
  return applyTable(fitted, x, d, context).data;
}

/** applyTabular, also returning the table's width and (with a context) its columns after the steps. */
export function applyTable(fitted: FittedPixelSteps, x: Float32Array, d: number, context?: FitContext): { readonly data: Float32Array; readonly d: number; readonly columns?: readonly string[] } {
  const n = rows(x, d);
  for (const step of fitted.steps) {
    if (STEP_KINDS[step.kind].data === 'image') throw new DataError('data.features-tabular', `feature step ${step.kind} needs images [n, h, w, c]; this data is tabular [${n}, ${d}]`);
  }
  let block: FloatBlock = { count: n, height: 1, width: 1, channels: d, data: x };
  let ctx = context;
  for (const step of fitted.steps) {
    block = applyPixelStep(step, block, ctx);
    if (ctx) ctx = columnsAfter(step, ctx);
  }
  checkFilled(block, ctx, 'these rows');
  return { data: block.data === x ? x.slice() : block.data, d: block.channels, ...(ctx?.columns ? { columns: ctx.columns } : {}) };
}

/** A step other than impute and one-hot takes neither missing numbers nor (when it takes every column) category codes. */
function checkReady(step: FeatureStep, block: FloatBlock, ctx: FitContext): void {
  const d = block.channels;
  ctx.columns?.forEach((name, c) => {
    if ((ctx.categories?.[c] ?? null) !== null) {
      if (STEP_KINDS[step.kind].data === 'both') throw new DataError('data.features-columns', `feature step ${step.kind} takes every column, but ${name} is not one-hot coded yet: place a one-hot step that names it before ${step.kind}`);
      return;
    }
    for (let r = 0; r < block.count; r++) {
      if (Number.isNaN(block.data[r * d + c]!)) throw new DataError('data.features-missing', `column ${name} holds missing values when feature step ${step.kind} runs: place an impute step that covers it before ${step.kind}`);
    }
  });
}

// NOTE: the csv source lets a cell be missing only where an impute step covers its column, so
// this fires for a step order that feeds missing values into another step before impute fills them.
function checkFilled(block: FloatBlock, ctx: FitContext | undefined, what: string): void {
  const d = block.channels;
  for (let i = 0; i < block.data.length; i++) {
    if (Number.isNaN(block.data[i]!)) {
      const name = ctx?.columns?.[i % d] ?? `${i % d}`;
      throw new DataError('data.features-missing', `column ${name} of ${what} still holds a missing value after the feature steps: place an impute step that covers it before any other step that takes it`);
    }
  }
}

function rows(x: Float32Array, d: number): number {
  if (!Number.isInteger(d) || d < 1 || x.length % d !== 0) {
    throw new DataError('data.features-tabular', `a table of ${x.length} values cannot have ${d} columns`);
  }
  return x.length / d;
}
