/**
 * The hold-out: carved first, from the whole inventory, and used once at the end.
 */
import type { Item } from '../../core/data.js';
import { DataError, type DataProblem } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import type { HoldoutSpec } from '../../core/spec.js';
import { carveUnits, fractionTargets } from './carve.js';
import { buildUnits, countByClass } from './units.js';

export interface HoldoutResult {
  /** Item indices held out, ascending. */
  readonly holdout: number[];
  /** Every other item index, ascending: what sampling, splitting and training may see. */
  readonly pool: number[];
}

/**
 * Carve the hold-out from `items` (all of them).
 *
 * - `fraction`: targets from `fractionTargets` (stratified: round per class, at least 1 and at
 *   most n_c - 1 for a class with >= 2 items; else one rounded total);
 * - `counts`: class name -> exact count (a class not named holds out 0). A name not in `classes`,
 *   a negative or fractional count, or more than the class has throws a DataError listing
 *   every offending class.
 *
 * Items sharing an id (exact duplicates) or a group key (`groupOf`) form one unit that goes
 * wholly to one side; units are shuffled with `rng` and taken greedily while that brings the
 * per-class counts closer to the targets, so with groups the counts approach the targets and
 * without them they are exact. Throws a DataError when either side would be empty.
 */
export function carveHoldout(
  items: readonly Item[],
  spec: HoldoutSpec,
  classes: readonly string[],
  rng: Rng,
  groupOf?: (item: Item) => string,
): HoldoutResult {
  const all = items.map((_, i) => i);
  const available = countByClass(items, all, classes.length);
  const units = buildUnits(items, all, classes.length, groupOf);
  let targets: number[];
  let stratified: boolean;
  switch (spec.kind) {
    case 'fraction':
      if (!(spec.fraction > 0 && spec.fraction < 1)) {
        const message = `hold-out fraction must be between 0 and 1 (exclusive), got ${spec.fraction}`;
        throw DataError.at('data.holdout-fraction', 'holdout.fraction', message);
      }
      targets = fractionTargets(available, spec.fraction, spec.stratify);
      stratified = spec.stratify;
      break;
    case 'counts':
      targets = countTargets(spec.counts, classes, available);
      stratified = true;
      break;
    default:
      return spec satisfies never;
  }
  const { taken, kept } = carveUnits(units, targets, stratified, rng);
  // NOTE: located at the key that sized the hold-out, so the CLI refuses the run (exit 2) there.
  const at = spec.kind === 'fraction' ? 'holdout.fraction' : 'holdout.counts';
  if (taken.length === 0) {
    const message = `the hold-out would be empty: ${items.length} items in ${units.length} groups cannot meet targets ${JSON.stringify(targets)}`;
    throw new DataError('data.holdout-empty', message, [], [{ at, message }]);
  }
  if (kept.length === 0) {
    const message = `the hold-out would take all ${items.length} items (${units.length} groups), leaving nothing to train on`;
    throw new DataError('data.pool-empty', message, [], [{ at, message }]);
  }
  return { holdout: taken, pool: kept };
}

function countTargets(counts: Readonly<Record<string, number>>, classes: readonly string[], available: readonly number[]): number[] {
  const problems: DataProblem[] = [];
  for (const [name, n] of Object.entries(counts)) {
    if (!classes.includes(name)) problems.push({ at: `holdout.counts.${name}`, message: `${name}: not a class (classes: ${classes.join(', ')})` });
    else if (!Number.isInteger(n) || n < 0) problems.push({ at: `holdout.counts.${name}`, message: `${name}: count must be a whole number >= 0, got ${n}` });
  }
  const targets = classes.map((name, c) => {
    const want = counts[name] ?? 0;
    if (Number.isInteger(want) && want > available[c]!) problems.push({ at: `holdout.counts.${name}`, message: `${name}: hold-out asks for ${want} but only ${available[c]} exist` });
    return want;
  });
  if (problems.length > 0) {
    const texts = problems.map((p) => p.message);
    throw new DataError('data.holdout-counts', `hold-out counts cannot be met: ${texts.join('; ')}`, texts, problems);
  }
  return targets;
}
