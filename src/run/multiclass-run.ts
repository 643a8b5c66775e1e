/**
 * The run-folder records of a multi-class (arg-max) run: metrics.json's hold-out block and the
 * rows of predictions.csv (the predicted class, the probability of that decision, and one
 * probability column per class).
 */
import type { Inventory } from '../core/data.js';
import { csvCell } from '../data/sources/csv-table.js';
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

/** Header of a multi-class predictions.csv: `probability` is the predicted class's, then one column per class. */
export function multiclassPredictionHeader(classes: readonly string[]): string {
  return ['ref', 'id', 'label', 'probability', 'prediction', ...classes.map((c) => csvCell(`probability[${c}]`))].join(',');
}

/** predictions.csv lines (header first), probabilities with 9 significant digits. */
export function multiclassPredictionRows(ev: MulticlassHoldout, inventory: Inventory): string[] {
  const rows = [multiclassPredictionHeader(inventory.classes)];
  ev.predictions.indices.forEach((idx, i) => {
    const item = inventory.items[idx]!;
    const p = ev.predictions.probabilities[i]!;
    const predicted = ev.predictions.predicted[i]!;
    rows.push([
      csvCell(item.ref), item.id, csvCell(inventory.classes[item.label]!), p[predicted]!.toPrecision(9), csvCell(inventory.classes[predicted]!),
      ...p.map((v) => v.toPrecision(9)),
    ].join(','));
  });
  return rows;
}
