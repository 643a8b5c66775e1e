/**
 * Scoring a multi-class (arg-max) prediction: the k x k confusion matrix, the multi-class metrics
 * and per-class constraints (`recall[crack] >= 0.95`), and the selection value a trial or an epoch
 * is ranked by. There is no threshold: the predicted class is the most probable one (ties: the
 * lowest class index). Pure: no tfjs, no I/O.
 */
import type { ClassName, Constraint, MetricName, ThresholdSpec } from '../core/spec.js';
import type { FromMatrix, FromProbabilities } from './metric-kinds/kind.js';
import { classF1, classPrecision, classRecall, type Matrix } from './metric-kinds/matrix.js';
import { METRIC_KINDS, MULTICLASS_METRIC_NAMES } from './metric-kinds/registry.js';
import { constraintShortfall, type ThresholdChoice } from './threshold.js';

/** Predicted class per row of the n x k (row-major) probabilities; ties go to the lowest index. */
export function argmaxClasses(probs: ArrayLike<number>, k: number): Int32Array {
  const n = Math.floor(probs.length / k);
  const out = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (probs[r * k + c]! > probs[r * k + best]!) best = c;
    out[r] = best;
  }
  return out;
}

/**
 * `matrix[true][predicted]` of the arg-max decision; item i counts weights[i] (default 1).
 * Throws a RangeError for a size that is not n x k, a label outside [0, k) or a non-finite probability.
 */
export function confusionMatrix(probs: ArrayLike<number>, k: number, labels: ArrayLike<number>, weights?: ArrayLike<number>): number[][] {
  checkMulticlassInputs(probs, k, labels);
  const predicted = argmaxClasses(probs, k);
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < labels.length; i++) m[labels[i]!]![predicted[i]!]! += weights === undefined ? 1 : weights[i]!;
  return m;
}

export function checkMulticlassInputs(probs: ArrayLike<number>, k: number, labels: ArrayLike<number>): void {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`class count must be an integer >= 2, got ${k}`);
  if (probs.length !== labels.length * k) throw new RangeError(`probabilities hold ${probs.length} values, expected ${labels.length} x ${k}`);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (!Number.isInteger(y) || y < 0 || y >= k) throw new RangeError(`label ${i} is ${y}; expected an integer in [0, ${k})`);
  }
  for (let i = 0; i < probs.length; i++) if (!Number.isFinite(probs[i]!)) throw new RangeError(`probability [${Math.floor(i / k)}, ${i % k}] is not finite (${probs[i]})`);
}

/** One multi-class metric; `matrix` may be passed when already computed. Throws for a binary-only metric. */
export function multiclassValue(name: MetricName, probs: ArrayLike<number>, k: number, labels: ArrayLike<number>, matrix?: Matrix, weights?: ArrayLike<number>): number {
  const kind = METRIC_KINDS[name].multiclass;
  if (kind === null) throw new RangeError(`${name} is a binary metric; it does not score a multi-class prediction`);
  if (kind.from === 'probabilities') return (kind as FromProbabilities).compute(probs, k, labels, weights);
  return (kind as FromMatrix).compute(matrix ?? confusionMatrix(probs, k, labels, weights));
}

/** Every multi-class metric, in MULTICLASS_METRIC_NAMES order. */
export function allMulticlassMetrics(probs: ArrayLike<number>, k: number, labels: ArrayLike<number>): Readonly<Record<string, number>> {
  const m = confusionMatrix(probs, k, labels);
  return Object.fromEntries(MULTICLASS_METRIC_NAMES.map((n) => [n, multiclassValue(n, probs, k, labels, m)]));
}

/** Per-class precision, recall and F1 (one-vs-rest) of class index c. */
export function classRate(metric: 'precision' | 'recall' | 'f1', m: Matrix, c: number): number {
  return metric === 'precision' ? classPrecision(m, c) : metric === 'recall' ? classRecall(m, c) : classF1(m, c);
}

/** The value a constraint reads: a multi-class metric, or one class's rate (`recall[crack]`). */
export function constraintValue(c: Constraint, probs: ArrayLike<number>, k: number, labels: ArrayLike<number>, m: Matrix, classes: readonly ClassName[]): number {
  if (c.class === undefined) return multiclassValue(c.metric, probs, k, labels, m);
  const index = classes.indexOf(c.class);
  if (index < 0) throw new RangeError(`constraint ${c.metric}[${c.class}]: no class ${c.class} (classes: ${classes.join(', ')})`);
  if (c.metric !== 'precision' && c.metric !== 'recall' && c.metric !== 'f1') throw new RangeError(`constraint ${c.metric}[${c.class}]: only precision, recall and f1 are per class`);
  return classRate(c.metric, m, index);
}

/**
 * A multi-class prediction scored the way chooseThreshold scores a binary one, so epochs and
 * trials are ranked alike: `value` is `metric`; with a constrained spec, `optimized` is its
 * `optimize` metric and `violation` the summed shortfall of its constraints (selection prefers
 * the feasible, then the better value). `threshold` is 0: the decision is the arg-max.
 */
export function scoreMulticlass(spec: ThresholdSpec, metric: MetricName, probs: ArrayLike<number>, k: number, labels: ArrayLike<number>, classes: readonly ClassName[]): ThresholdChoice {
  const m = confusionMatrix(probs, k, labels);
  const value = multiclassValue(metric, probs, k, labels, m);
  if (spec.kind !== 'constrained') return { threshold: 0, value, feasible: true, optimized: value, violation: 0 };
  let violation = 0;
  for (const c of spec.subjectTo) violation += constraintShortfall(constraintValue(c, probs, k, labels, m, classes), c.op, c.value);
  return { threshold: 0, value, feasible: violation === 0, optimized: multiclassValue(spec.optimize, probs, k, labels, m), violation };
}
