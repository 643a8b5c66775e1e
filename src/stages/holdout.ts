/**
 * Stage `holdout`: carved first, from everything that decoded, before any sampling or training.
 * Its output is the only place the hold-out indices live; the interpreter hands `pool` to the
 * later stages and `holdout` to `evaluate` alone.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Inventory } from '../core/data.js';
import { Rng } from '../core/rng.js';
import type { DuplicatePolicy, HoldoutSpec } from '../core/spec.js';
import { carveHoldout, dropDuplicates } from '../data/partition/index.js';
import { groupInputs, groupOfFn } from './groups.js';
import type { StageDef } from './stage.js';

export interface HoldoutInput {
  readonly inventory: Inventory;
  /** Indices of items that decoded (bad files skipped). */
  readonly usable: readonly number[];
  readonly spec: HoldoutSpec;
  readonly duplicates: DuplicatePolicy;
  readonly seed: number;
  /** CSV group-by column values aligned with the inventory, or null. */
  readonly groups?: readonly (string | undefined)[] | null;
  readonly upstream: { readonly decode: string };
}

export interface HoldoutOutput {
  /** Inventory indices held out, ascending. */
  readonly holdout: readonly number[];
  /** Inventory indices the rest of the pipeline may use, ascending. */
  readonly pool: readonly number[];
  /** Items dropped as exact duplicates (duplicates: drop). */
  readonly dropped: number;
}

export const holdoutStage: StageDef<HoldoutInput, HoldoutOutput, { holdout: number; pool: number; dropped: number }> = {
  name: 'holdout',
  version: 1,
  fingerprint: (input) => ({ params: { holdout: input.spec, duplicates: input.duplicates }, upstream: input.upstream, inputs: groupInputs(input.groups ?? null), seed: input.seed }),
  async execute(input, dir) {
    const { inventory } = input;
    const candidates = input.duplicates === 'drop' ? dropDuplicates(inventory.items, input.usable) : [...input.usable];
    // Carve over the candidate items only, then map back to inventory indices.
    const items = candidates.map((i) => inventory.items[i]!);
    const rng = new Rng(input.seed).child('holdout');
    const groupOf = groupOfFn(input.spec.groupBy, inventory, input.groups ?? null);
    const carved = carveHoldout(items, input.spec, inventory.classes, rng, groupOf);
    const holdout = carved.holdout.map((i) => candidates[i]!);
    const pool = carved.pool.map((i) => candidates[i]!);
    await writeFile(path.join(dir, 'holdout.json'), JSON.stringify({ holdout, pool, dropped: input.usable.length - candidates.length }));
    return { holdout: holdout.length, pool: pool.length, dropped: input.usable.length - candidates.length };
  },
  async load(dir) {
    return JSON.parse(await readFile(path.join(dir, 'holdout.json'), 'utf8')) as HoldoutOutput;
  },
};
