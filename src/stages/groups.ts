/**
 * Group keys for the hold-out and split stages: `group-by: { pattern }` reads the file name;
 * `group-by: { column }` reads a CSV column, whose values the interpreter passes in as `groups`
 * (aligned with the inventory) and whose hash enters the stage's fingerprint.
 */
import type { Inventory, Item } from '../core/data.js';
import type { GroupBy } from '../core/spec.js';
import { groupKeyFn } from '../data/partition/index.js';
import { sha256 } from '../store/fingerprint.js';

/** The group function for a stage, or undefined without group-by. */
export function groupOfFn(groupBy: GroupBy | undefined, inventory: Inventory, groups: readonly (string | undefined)[] | null): ((item: Item) => string) | undefined {
  if (groupBy === undefined) return undefined;
  const index = new Map<Item, number>(inventory.items.map((it, i) => [it, i]));
  return groupKeyFn(groupBy, groups ? (item) => groups[index.get(item) ?? -1] : undefined);
}

/** Fingerprint inputs for a stage that reads CSV group values. */
export function groupInputs(groups: readonly (string | undefined)[] | null): Record<string, string> {
  return groups ? { groups: sha256(JSON.stringify(groups.map((g) => g ?? null))) } : {};
}
