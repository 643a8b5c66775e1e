/**
 * Percentile bootstrap intervals for a multi-class (arg-max) hold-out: the multi-class metrics
 * computed from the confusion matrix, and each class's precision, recall and F1 (keys
 * `precision[crack]`, ...). Resamples are stratified by true class, so every resample keeps the
 * class counts; each item is coded once as true * k + predicted, so a resample is one pass.
 */
import type { ClassName, MetricName } from '../core/spec.js';
import type { Rng } from '../core/rng.js';
import { percentile, type Interval } from './bootstrap.js';
import type { FromMatrix } from './metric-kinds/kind.js';
import { METRIC_KINDS } from './metric-kinds/registry.js';
import { argmaxClasses, checkMulticlassInputs, classRate, confusionMatrix } from './multiclass-score.js';

export interface MulticlassBootstrapOptions {
  readonly resamples: number;
  readonly rng: Rng;
  /** Central coverage, in (0, 1); default 0.95. */
  readonly level?: number;
}

const RATES = ['precision', 'recall', 'f1'] as const;

/**
 * Intervals for `metrics` (each must be computed from the matrix, e.g. accuracy, macro-f1) and for
 * every class's precision, recall and F1. Deterministic for a given Rng path. Throws a RangeError
 * for bad input, a metric not computed from the matrix, or a bad option.
 */
export function multiclassIntervals(
  probs: ArrayLike<number>, k: number, labels: ArrayLike<number>, classes: readonly ClassName[],
  metrics: readonly MetricName[], opts: MulticlassBootstrapOptions,
): Record<string, Interval> {
  checkMulticlassInputs(probs, k, labels);
  if (classes.length !== k) throw new RangeError(`${classes.length} class names for ${k} classes`);
  const level = opts.level ?? 0.95;
  if (!Number.isInteger(opts.resamples) || opts.resamples < 1) throw new RangeError(`resamples must be an integer >= 1, got ${opts.resamples}`);
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  const fromMatrix = metrics.map((m) => {
    const kind = METRIC_KINDS[m].multiclass;
    if (kind === null || kind.from !== 'matrix') throw new RangeError(`${m} is not computed from the confusion matrix`);
    return (kind as FromMatrix).compute;
  });
  const names = [...metrics, ...classes.flatMap((c) => RATES.map((r) => `${r}[${c}]`))];
  const score = (m: number[][]): number[] => [
    ...fromMatrix.map((f) => f(m)),
    ...classes.flatMap((_, c) => RATES.map((r) => classRate(r, m, c))),
  ];
  const predicted = argmaxClasses(probs, k);
  const code = Int32Array.from(labels, (y, i) => y * k + predicted[i]!);
  const byClass: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < labels.length; i++) byClass[labels[i]!]!.push(i);
  const values = names.map(() => new Float64Array(opts.resamples));
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let r = 0; r < opts.resamples; r++) {
    for (const row of m) row.fill(0);
    for (const rows of byClass) {
      for (let j = 0; j < rows.length; j++) {
        const c = code[rows[opts.rng.int(rows.length)]!]!;
        m[Math.floor(c / k)]![c % k]!++;
      }
    }
    score(m).forEach((v, s) => { values[s]![r] = v; });
  }
  const estimates = score(confusionMatrix(probs, k, labels));
  return Object.fromEntries(names.map((n, s) => [n, { estimate: estimates[s]!, ...percentile(values[s]!, level) }]));
}
