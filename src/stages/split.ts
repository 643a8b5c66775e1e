/** Stage `split`: train/validation partitions (one fold, or k folds) of the sample, stratified and group-aware. */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Inventory } from '../core/data.js';
import { Rng } from '../core/rng.js';
import type { SplitSpec } from '../core/spec.js';
import { splitTrainVal } from '../data/partition/index.js';
import { groupInputs, groupOfFn } from './groups.js';
import type { StageDef } from './stage.js';

export interface SplitInput {
  readonly inventory: Inventory;
  readonly indices: readonly number[];
  readonly spec: SplitSpec;
  readonly seed: number;
  /** CSV group-by column values aligned with the inventory, or null. */
  readonly groups?: readonly (string | undefined)[] | null;
  readonly upstream: { readonly sample: string };
}

export interface FoldIndices {
  readonly train: readonly number[];
  readonly validation: readonly number[];
}

export interface SplitOutput {
  readonly folds: readonly FoldIndices[];
}

export const splitStage: StageDef<SplitInput, SplitOutput, { folds: number }> = {
  name: 'split',
  version: 1,
  fingerprint: (input) => ({ params: input.spec, upstream: input.upstream, inputs: groupInputs(input.groups ?? null), seed: input.seed }),
  async execute(input, dir) {
    const rng = new Rng(input.seed).child('split');
    const groupOf = groupOfFn(input.spec.groupBy, input.inventory, input.groups ?? null);
    const result = splitTrainVal(input.inventory.items, input.indices, input.spec, input.inventory.classes.length, rng, groupOf);
    const folds = result.folds.map((f) => ({ train: [...f.train].sort((a, b) => a - b), validation: [...f.validation].sort((a, b) => a - b) }));
    await writeFile(path.join(dir, 'split.json'), JSON.stringify({ folds }));
    return { folds: folds.length };
  },
  async load(dir) {
    return JSON.parse(await readFile(path.join(dir, 'split.json'), 'utf8')) as SplitOutput;
  },
};
