/**
 * Train/validation split of the sampled pool: one fraction fold or k folds.
 */
import type { Item } from '../../core/data.js';
import { DataError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import type { SplitSpec } from '../../core/spec.js';
import { carveUnits, fractionTargets } from './carve.js';
import { buildUnits, type Unit } from './units.js';

export interface Fold {
  /** Item indices, ascending. */
  readonly train: number[];
  /** Item indices, ascending. */
  readonly validation: number[];
}

export interface SplitResult {
  readonly folds: readonly Fold[];
}

/**
 * Split `indices` into training and validation folds.
 *
 * - `fraction`: one fold; the validation side is carved like the hold-out (`carveUnits` with
 *   `fractionTargets(validation)`: stratified round per class, at least 1 and at most n_c - 1
 *   for a class with >= 2 items);
 * - `k-fold`: k folds whose validation sides partition `indices` (each item in exactly one).
 *   Units are shuffled with `rng`, then stably ordered largest first, and each goes to the
 *   fold where it adds least to what that fold already holds: stratified, the sum over classes
 *   of (unit's class count x fold's class count); not stratified, the fold's size. Ties go to
 *   the smaller fold, then the lower fold index. With singleton units, every class's count
 *   (stratified) or every fold's size (not) differs by at most 1 between folds.
 *
 * Items sharing an id or a group key (`groupOf`) form one unit and are never split between
 * train and validation. Throws a DataError when a side would be empty, or k < 2, or k exceeds
 * the number of units.
 */
export function splitTrainVal(
  items: readonly Item[],
  indices: readonly number[],
  spec: SplitSpec,
  classCount: number,
  rng: Rng,
  groupOf?: (item: Item) => string,
): SplitResult {
  const units = buildUnits(items, indices, classCount, groupOf);
  const all = units.flatMap((u) => u.members).sort((a, b) => a - b);
  switch (spec.kind) {
    case 'fraction': {
      if (!(spec.validation > 0 && spec.validation < 1)) {
        throw DataError.at('data.split-fraction', 'split.validation', `validation fraction must be between 0 and 1 (exclusive), got ${spec.validation}`);
      }
      const counts = new Array<number>(classCount).fill(0);
      for (const u of units) u.classCounts.forEach((n, c) => { counts[c]! += n; });
      const { taken, kept } = carveUnits(units, fractionTargets(counts, spec.validation, spec.stratify), spec.stratify, rng);
      if (taken.length === 0 || kept.length === 0) {
        throw DataError.at('data.split-empty', 'split.validation', `the split would leave ${taken.length === 0 ? 'validation' : 'training'} empty: ${all.length} items in ${units.length} group${units.length === 1 ? '' : 's'}`);
      }
      return { folds: [{ train: kept, validation: taken }] };
    }
    case 'k-fold': {
      const k = spec.folds;
      if (!Number.isInteger(k) || k < 2) throw DataError.at('data.split-folds', 'split.folds', `k-fold needs a whole number of folds >= 2, got ${k}`);
      if (k > units.length) {
        throw DataError.at('data.split-folds', 'split.folds', `k-fold asks for ${k} folds but ${groupOf ? `the ${all.length} items form only ${units.length} group${units.length === 1 ? '' : 's'} (group-by keeps each group in one fold)` : `there are only ${all.length} items`}`);
      }
      const validation = assignFolds(units, k, spec.stratify, rng);
      return {
        folds: validation.map((val) => {
          const inVal = new Set(val);
          return { train: all.filter((i) => !inVal.has(i)), validation: val };
        }),
      };
    }
    default:
      return spec satisfies never;
  }
}

function assignFolds(units: readonly Unit[], k: number, stratify: boolean, rng: Rng): number[][] {
  const order = rng.shuffle(units.map((_, i) => i));
  // NOTE: Array.prototype.sort is stable, so equal-sized units keep their shuffled order.
  order.sort((a, b) => units[b]!.members.length - units[a]!.members.length);
  const classCount = units[0]?.classCounts.length ?? 0;
  const foldClass = Array.from({ length: k }, () => new Array<number>(classCount).fill(0));
  const foldSize = new Array<number>(k).fill(0);
  const members: number[][] = Array.from({ length: k }, () => []);
  for (const ui of order) {
    const unit = units[ui]!;
    let best = 0, bestCost = Infinity;
    for (let f = 0; f < k; f++) {
      let cost = 0;
      if (stratify) unit.classCounts.forEach((n, c) => { cost += n * foldClass[f]![c]!; });
      else cost = foldSize[f]!;
      if (cost < bestCost || (cost === bestCost && foldSize[f]! < foldSize[best]!)) { best = f; bestCost = cost; }
    }
    unit.classCounts.forEach((n, c) => { foldClass[best]![c]! += n; });
    foldSize[best]! += unit.members.length;
    members[best]!.push(...unit.members);
  }
  return members.map((m) => m.sort((a, b) => a - b));
}
