/**
 * Balanced batches: the training rows stay as they are; each epoch the trainer uses every row of
 * the smallest class and a fresh draw of the others, so that smallest / each >= ratio.
 */
import type { Rng } from '../../core/rng.js';
import { classCounts, rowsByClass, shrinkTargets } from './targets.js';

/** Rows per class in one epoch (the same arithmetic as random-undersample). */
export function balancedEpochCounts(y: Uint8Array, classCount: number, ratio: number): number[] {
  return shrinkTargets(classCounts(y, classCount), ratio);
}

/**
 * One epoch's row indices, ascending (shuffle them for batching): per class, its epoch count
 * drawn without replacement with `rng.child(c)`. Pass a different `rng` per epoch (e.g.
 * `trialRng.child('epoch-3')`) for a fresh draw.
 */
export function drawBalancedEpoch(y: Uint8Array, classCount: number, ratio: number, rng: Rng): number[] {
  const targets = balancedEpochCounts(y, classCount, ratio);
  const out: number[] = [];
  rowsByClass(y, classCount).forEach((rows, c) => {
    if (targets[c]! >= rows.length) out.push(...rows);
    else for (const p of rng.child(c).sample(rows.length, targets[c]!)) out.push(rows[p]!);
  });
  return out.sort((a, b) => a - b);
}
