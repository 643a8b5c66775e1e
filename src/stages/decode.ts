/**
 * Stage `decode`: every inventory item decoded once, with the pipeline's geometry steps (resize,
 * crops, grayscale) composed into the decode, into one uint8 NHWC tensor in inventory order.
 * Files that fail to decode are listed; the data policy (`on-error`) decides what happens next.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BadItem, ImageBlock, Inventory } from '../core/data.js';
import { DataError } from '../core/errors.js';
import type { DataSpec, FeatureStep } from '../core/spec.js';
import { decodeImages } from '../data/decode.js';
import { readTensor, writeTensor } from '../store/tensor-file.js';
import type { StageDef } from './stage.js';

export interface DecodeInput {
  readonly data: DataSpec;
  /** Absolute data root (image folder, or the CSV file's folder). */
  readonly root: string;
  readonly inventory: Inventory;
  readonly geometry: readonly FeatureStep[];
  readonly seed: number;
  readonly upstream: { readonly ingest: string };
}

export interface DecodeOutput {
  readonly block: ImageBlock<Uint8Array>;
  readonly bad: readonly BadItem[];
  /** Inventory indices that decoded. */
  readonly usable: readonly number[];
}

export const decodeStage: StageDef<DecodeInput, DecodeOutput, { shape: number[]; bad: BadItem[] }> = {
  name: 'decode',
  version: 1,
  fingerprint: (input) => ({ params: { geometry: input.geometry }, upstream: input.upstream, seed: input.data.source === 'synthetic-cracks' ? input.seed : null }),
  async execute(input, dir, ctx) {
    const { block, bad } = await decodeImages(input.data, input.root, input.inventory.items, input.geometry, {
      seed: input.seed,
      progress: (done, total) => ctx.progress.tick(done, total, 'images'),
    });
    const shape = [block.count, block.height, block.width, block.channels];
    await writeTensor(path.join(dir, 'images'), block.data, shape);
    await writeFile(path.join(dir, 'bad.json'), JSON.stringify(bad));
    return { shape, bad };
  },
  async load(dir, meta, input) {
    const t = await readTensor(path.join(dir, 'images'));
    const [count, height, width, channels] = meta.shape as [number, number, number, number];
    const block: ImageBlock<Uint8Array> = { count, height, width, channels, data: t.data as Uint8Array };
    const badRefs = new Set(meta.bad.map((b) => b.ref));
    const usable = input.inventory.items.flatMap((it, i) => (badRefs.has(it.ref) ? [] : [i]));
    return { block, bad: meta.bad, usable };
  },
};

/** Apply the `on-error` policy: `fail` stops the run before training, naming every bad file. */
export function enforceBadFilePolicy(data: DataSpec, bad: readonly BadItem[]): void {
  if (bad.length === 0 || data.onError === 'skip') return;
  throw new DataError(
    'data.unreadable',
    `${bad.length} file${bad.length === 1 ? '' : 's'} could not be decoded (set data.on-error: skip to leave them out):\n${bad.map((b) => `  ${b.ref}: ${b.reason}`).join('\n')}`,
    bad.map((b) => `${b.ref}: ${b.reason}`),
  );
}
