/** Stage `sample`: draws the class sample (counts or ratio) from the pool that the hold-out left. */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Inventory } from '../core/data.js';
import { Rng } from '../core/rng.js';
import type { SamplingSpec } from '../core/spec.js';
import { drawSample } from '../data/partition/index.js';
import type { StageDef } from './stage.js';

export interface SampleInput {
  readonly inventory: Inventory;
  readonly pool: readonly number[];
  readonly spec: SamplingSpec;
  readonly seed: number;
  readonly upstream: { readonly holdout: string };
}

export interface SampleOutput {
  /** Inventory indices in the sample, ascending. */
  readonly indices: readonly number[];
}

export const sampleStage: StageDef<SampleInput, SampleOutput, { count: number }> = {
  name: 'sample',
  version: 1,
  fingerprint: (input) => ({ params: input.spec, upstream: input.upstream, seed: input.seed }),
  async execute(input, dir) {
    const rng = new Rng(input.seed).child('sample');
    const indices = drawSample(input.inventory.items, input.pool, input.spec, input.inventory.classes, rng).sort((a, b) => a - b);
    await writeFile(path.join(dir, 'sample.json'), JSON.stringify({ indices }));
    return { count: indices.length };
  },
  async load(dir) {
    return JSON.parse(await readFile(path.join(dir, 'sample.json'), 'utf8')) as SampleOutput;
  },
};
