/**
 * The run-folder records of a multi-class (arg-max) run: the metrics' hold-out block and the
 * hold-out predictions (the predicted class, the probability of that decision, and every class's
 * probability); store/run-folder/ writes them.
 */
import type { Inventory } from '../core/data.js';
import type { PredictionRecord } from '../store/run-folder.js';
import type { MulticlassHoldout } from '../evaluate/multiclass-holdout.js';

/** metrics.json `holdout` for a multi-class run. */
export function multiclassHoldoutRecord(ev: MulticlassHoldout, classes: readonly string[]) {
  return {
    n: ev.predictions.indices.length,
    metrics: ev.metrics,
    intervals: ev.intervals,
    confusion: { classes, matrix: ev.matrix },
    perClass: ev.perClass,
    macro: ev.macro,
    micro: ev.micro,
  };
}

/** The hold-out predictions of a multi-class run: the predicted class and its probability, then every class's. */
export function multiclassPredictions(ev: MulticlassHoldout, inventory: Inventory): PredictionRecord[] {
  return ev.predictions.indices.map((idx, i) => {
    const item = inventory.items[idx]!;
    const p = ev.predictions.probabilities[i]!;
    const predicted = ev.predictions.predicted[i]!;
    return { ref: item.ref, id: item.id, label: inventory.classes[item.label]!, probability: p[predicted]!, prediction: inventory.classes[predicted]!, classProbabilities: p };
  });
}
