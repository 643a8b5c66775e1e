/**
 * The one carving rule shared by the hold-out and the fraction split: move whole units to the
 * "taken" side, greedily, towards per-class (or total) targets.
 */
import type { Rng } from '../../core/rng.js';
import type { Unit } from './units.js';

/**
 * Targets for taking `fraction` of the items.
 *
 * - stratified: per class c, `round(fraction * n_c)` (Math.round, halves up), then clamped to
 *   [1, n_c - 1] when the class has at least 2 items, so both sides see every such class;
 *   a class with 0 or 1 item takes none (its item stays on the kept side);
 * - not stratified: one total target `round(fraction * n)`, clamped to [1, n - 1] when n >= 2.
 */
export function fractionTargets(classCounts: readonly number[], fraction: number, stratify: boolean): number[] {
  const one = (n: number): number => (n < 2 ? 0 : Math.min(n - 1, Math.max(1, Math.round(fraction * n))));
  if (stratify) return classCounts.map(one);
  return [one(classCounts.reduce((a, b) => a + b, 0))];
}

/**
 * Shuffle the units with `rng`, then walk them once: a unit is taken when taking it brings the
 * taken counts strictly closer (L1 distance) to `targets`. `targets` has one entry per class
 * when `stratified`, else a single entry (total items). With singleton units every target is met
 * exactly; with larger groups the result approaches the targets (a group is never split).
 * Returns the taken and the kept item indices, each ascending.
 */
export function carveUnits(units: readonly Unit[], targets: readonly number[], stratified: boolean, rng: Rng): { taken: number[]; kept: number[] } {
  const order = rng.shuffle(units.map((_, i) => i));
  const weight = (u: Unit): readonly number[] => (stratified ? u.classCounts : [u.members.length]);
  const have = new Array<number>(targets.length).fill(0);
  const taken: number[] = [];
  const kept: number[] = [];
  for (const ui of order) {
    const unit = units[ui]!;
    const w = weight(unit);
    let before = 0, after = 0;
    for (let c = 0; c < targets.length; c++) {
      before += Math.abs(have[c]! - targets[c]!);
      after += Math.abs(have[c]! + w[c]! - targets[c]!);
    }
    if (after < before) {
      for (let c = 0; c < targets.length; c++) have[c]! += w[c]!;
      taken.push(...unit.members);
    } else kept.push(...unit.members);
  }
  return { taken: taken.sort((a, b) => a - b), kept: kept.sort((a, b) => a - b) };
}
