/**
 * Multi-class metrics from an n x k probability matrix (arg-max prediction).
 */

/** Summary of a multi-class prediction. */
export interface MulticlassMetrics {
  readonly accuracy: number;
  /** Unweighted mean over the k classes of each per-class rate (a rate with a zero denominator counts 0). */
  readonly macro: { readonly precision: number; readonly recall: number; readonly f1: number };
  /** From counts pooled over classes; for single-label data all three equal accuracy. */
  readonly micro: { readonly precision: number; readonly recall: number; readonly f1: number };
  /** confusion[trueClass][predictedClass] = count. */
  readonly confusion: number[][];
}

/**
 * Arg-max prediction per row (ties go to the lowest class index). Throws a RangeError when the
 * matrix size is not n * k, a label is outside [0, k), or a probability is not finite.
 */
export function multiclassMetrics(probs: Float32Array, k: number, labels: ArrayLike<number>): MulticlassMetrics {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`class count must be an integer >= 2, got ${k}`);
  const n = labels.length;
  if (probs.length !== n * k) throw new RangeError(`probabilities hold ${probs.length} values, expected ${n} x ${k}`);
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let correct = 0;
  for (let r = 0; r < n; r++) {
    const y = labels[r]!;
    if (!Number.isInteger(y) || y < 0 || y >= k) throw new RangeError(`label ${r} is ${y}; expected an integer in [0, ${k})`);
    let best = 0;
    for (let c = 0; c < k; c++) {
      const v = probs[r * k + c]!;
      if (!Number.isFinite(v)) throw new RangeError(`probability [${r}, ${c}] is not finite (${v})`);
      if (v > probs[r * k + best]!) best = c;
    }
    confusion[y]![best]!++;
    if (best === y) correct++;
  }
  let sp = 0, sr = 0, sf = 0, tpAll = 0, fpAll = 0, fnAll = 0;
  for (let c = 0; c < k; c++) {
    const tp = confusion[c]![c]!;
    let predicted = 0, actual = 0;
    for (let o = 0; o < k; o++) { predicted += confusion[o]![c]!; actual += confusion[c]![o]!; }
    const p = ratio(tp, predicted), rc = ratio(tp, actual);
    sp += p; sr += rc; sf += ratio(2 * tp, predicted + actual);
    tpAll += tp; fpAll += predicted - tp; fnAll += actual - tp;
  }
  const microP = ratio(tpAll, tpAll + fpAll), microR = ratio(tpAll, tpAll + fnAll);
  return {
    accuracy: ratio(correct, n),
    macro: { precision: sp / k, recall: sr / k, f1: sf / k },
    micro: { precision: microP, recall: microR, f1: ratio(2 * tpAll, 2 * tpAll + fpAll + fnAll) },
    confusion,
  };
}

function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}
