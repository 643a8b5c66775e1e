/**
 * Stage `ingest`: lists the data source (class folders, the synthetic generator or a CSV) into an
 * Inventory of content-addressed items. Listing itself is the fingerprint check (sizes and mtimes
 * first, content hashes only for changed files), so this stage is quick even on a hit.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Inventory } from '../core/data.js';
import type { DataSpec } from '../core/spec.js';
import type { StageDef } from './stage.js';

export interface IngestInput {
  readonly data: DataSpec;
  readonly inventory: Inventory;
  /** sha256 over the sorted (ref, id, label) list of the source. */
  readonly fingerprint: string;
}

export const ingestStage: StageDef<IngestInput, Inventory, { items: number }> = {
  name: 'ingest',
  version: 1,
  // NOTE: the data path is left out: the same files moved elsewhere are the same data.
  fingerprint: (input) => ({ params: { ...input.data, path: undefined }, upstream: {}, inputs: { data: input.fingerprint }, seed: null }),
  async execute(input, dir) {
    await writeFile(path.join(dir, 'inventory.json'), JSON.stringify(input.inventory));
    return { items: input.inventory.items.length };
  },
  async load(dir) {
    return JSON.parse(await readFile(path.join(dir, 'inventory.json'), 'utf8')) as Inventory;
  },
};
