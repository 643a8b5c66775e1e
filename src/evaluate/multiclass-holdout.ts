/**
 * The hold-out record of a multi-class (arg-max) run: the k x k confusion matrix, the multi-class
 * metrics, per-class precision, recall and F1 with their support, macro and micro averages, and
 * bootstrap intervals. Pure: no tfjs, no I/O.
 */
import type { ClassName } from '../core/spec.js';
import type { Rng } from '../core/rng.js';
import type { Interval } from './bootstrap.js';
import { classCounts, classF1, classPrecision, classRecall, macro } from './metric-kinds/matrix.js';
import { ratio } from './metric-kinds/kind.js';
import { MULTICLASS_METRIC_NAMES } from './metric-kinds/registry.js';
import { multiclassIntervals } from './multiclass-bootstrap.js';
import { argmaxClasses, confusionMatrix, multiclassValue } from './multiclass-score.js';
import type { MetricName } from '../core/spec.js';

/** Multi-class metrics given a bootstrap interval (every class's precision, recall and F1 get one too). */
export const MULTICLASS_INTERVAL_METRICS: readonly MetricName[] = ['accuracy', 'balanced-accuracy', 'macro-f1', 'weighted-f1'];

export interface ClassScores {
  readonly class: ClassName;
  /** Hold-out items of this class. */
  readonly support: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

export interface Averages {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

export interface MulticlassHoldout {
  readonly kind: 'multiclass';
  readonly predictions: {
    readonly indices: readonly number[];
    /** True class index per item. */
    readonly labels: readonly number[];
    /** Arg-max class index per item. */
    readonly predicted: readonly number[];
    /** Every class's probability per item ([item][class]). */
    readonly probabilities: readonly (readonly number[])[];
  };
  /** MULTICLASS_METRIC_NAMES, in that order. */
  readonly metrics: Readonly<Record<string, number>>;
  /** MULTICLASS_INTERVAL_METRICS and `precision[c]`, `recall[c]`, `f1[c]` per class. */
  readonly intervals: Readonly<Record<string, Interval>>;
  /** matrix[true][predicted] = items. */
  readonly matrix: readonly (readonly number[])[];
  readonly perClass: readonly ClassScores[];
  /** Unweighted means over the classes. */
  readonly macro: Averages;
  /** From counts pooled over the classes (single-label data: all three equal accuracy). */
  readonly micro: Averages;
}

/** Score `probs` (n x k, row-major) against `labels`; `rng` drives the bootstrap. */
export function scoreMulticlassHoldout(
  indices: readonly number[], probs: ArrayLike<number>, labels: ArrayLike<number>, classes: readonly ClassName[],
  opts: { readonly resamples: number; readonly rng: Rng },
): MulticlassHoldout {
  const k = classes.length;
  const matrix = confusionMatrix(probs, k, labels);
  const metrics = Object.fromEntries(MULTICLASS_METRIC_NAMES.map((n) => [n, multiclassValue(n, probs, k, labels, matrix)]));
  const intervals = multiclassIntervals(probs, k, labels, classes, MULTICLASS_INTERVAL_METRICS, opts);
  const perClass = classes.map((name, c) => ({
    class: name, support: classCounts(matrix, c).actual,
    precision: classPrecision(matrix, c), recall: classRecall(matrix, c), f1: classF1(matrix, c),
  }));
  let tp = 0, all = 0;
  for (let c = 0; c < k; c++) { tp += matrix[c]![c]!; all += classCounts(matrix, c).actual; }
  const micro = ratio(tp, all);
  const rows = Array.from({ length: indices.length }, (_, i) => Array.from({ length: k }, (_, c) => probs[i * k + c]!));
  return {
    kind: 'multiclass',
    predictions: { indices: [...indices], labels: Array.from(labels), predicted: Array.from(argmaxClasses(probs, k)), probabilities: rows },
    metrics, intervals, matrix, perClass,
    macro: { precision: macro(matrix, classPrecision), recall: macro(matrix, classRecall), f1: macro(matrix, classF1) },
    micro: { precision: micro, recall: micro, f1: micro },
  };
}
