/**
 * Stage `decode`: every inventory item read once into one tensor in inventory order. Image
 * sources decode to a uint8 NHWC block, with the pipeline's geometry steps (resize, crops,
 * grayscale) composed into the decode; a tabular CSV reads to a float32 table [n, d] (numeric
 * columns as they are, categorical ones as codes into their category list, missing cells NaN);
 * mixed CSV data (an image column and feature columns) gives both, the block and such a table,
 * one row per inventory item. Files that fail to decode are listed; the data
 * policy (`on-error`) decides what happens next.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BadItem, ImageBlock, Inventory } from '../core/data.js';
import { DataError } from '../core/errors.js';
import type { CsvData, DataSpec, FeatureStep } from '../core/spec.js';
import { decodeImages } from '../data/decode.js';
import { NO_MISSING, readTabular, type MissingPolicy } from '../data/sources/index.js';
import { namedFiles, unreadableText } from '../data/sources/image-folder.js';
import { readTensor, writeTensor } from '../store/tensor-file.js';
import type { StageDef } from './stage.js';

/** Image files are decoded with sharp (all but baseline JPEGs); generated images and tables are not. */
function decodePackages(input: DecodeInput): string[] {
  return input.data.source === 'image-folder' || (input.data.source === 'csv' && input.data.image !== undefined) ? ['sharp'] : [];
}

export interface DecodeInput {
  readonly data: DataSpec;
  /** Absolute data root (image folder, or the CSV file's folder). */
  readonly root: string;
  readonly inventory: Inventory;
  readonly geometry: readonly FeatureStep[];
  readonly seed: number;
  readonly upstream: { readonly ingest: string };
  /** Tabular CSV: the columns that may hold missing values (see {@link missingPolicy}). */
  readonly missing?: MissingPolicy;
}

/** The CSV columns the pipeline's impute steps cover: only those may hold missing values. */
export function missingPolicy(steps: readonly FeatureStep[]): MissingPolicy {
  const impute = steps.flatMap((s) => (s.kind === 'impute' ? [s.columns] : []));
  return {
    numeric: impute.includes('numeric'),
    categorical: impute.includes('categorical'),
    columns: [...new Set(impute.flatMap((c) => (Array.isArray(c) ? c : [])))].sort(),
  };
}

/** A float table [rows, columns.length], row-major, one row per inventory item. */
export interface Table {
  readonly rows: number;
  /** The data columns in order (a table decoded before categorical codes: `name=value` one-hot columns). */
  readonly columns: readonly string[];
  readonly data: Float32Array;
  /** Per column: a categorical column's category list (its values are codes into it), else null. */
  readonly categories?: readonly (readonly string[] | null)[];
}

/** What the decode stage produced: images, or a table (tabular CSV data). */
export type Decoded =
  | { readonly kind: 'images'; readonly block: ImageBlock<Uint8Array> }
  | { readonly kind: 'table'; readonly table: Table }
  | { readonly kind: 'mixed'; readonly block: ImageBlock<Uint8Array>; readonly table: Table };

export interface DecodeOutput {
  readonly decoded: Decoded;
  readonly bad: readonly BadItem[];
  /** Inventory indices that decoded. */
  readonly usable: readonly number[];
}

// NOTE: image entries written before tables existed carry no `kind`; they are images. Keeping
// them readable keeps the stage's version, so image pipelines keep their cache keys.
type DecodeMeta =
  | { readonly kind?: 'images'; readonly shape: number[]; readonly bad: BadItem[] }
  | { readonly kind: 'table'; readonly shape: number[]; readonly columns: string[]; readonly categories?: (string[] | null)[]; readonly bad: BadItem[] }
  | { readonly kind: 'mixed'; readonly shape: number[]; readonly tableShape: number[]; readonly columns: string[]; readonly categories: (string[] | null)[]; readonly bad: BadItem[] };

/** The CSV spec when `data` is a table without an image column (tabular data), else null. */
export function tabularData(data: DataSpec): CsvData | null {
  return data.source === 'csv' && data.image === undefined ? data : null;
}

/** The CSV spec when `data` has an image column and feature columns (mixed data: an image and a row per item), else null. */
export function mixedData(data: DataSpec): CsvData | null {
  return data.source === 'csv' && data.image !== undefined && data.columns.length > 0 ? data : null;
}

/** One-line description for the console, e.g. `300 rows x 5 columns` or `1650 images 64x64x1`. */
export function describeDecoded(decoded: Decoded): string {
  switch (decoded.kind) {
    case 'images': return `${decoded.block.count} images ${decoded.block.height}x${decoded.block.width}x${decoded.block.channels}`;
    case 'table': return `${decoded.table.rows} rows x ${decoded.table.columns.length} columns`;
    case 'mixed': return `${decoded.block.count} images ${decoded.block.height}x${decoded.block.width}x${decoded.block.channels} + ${decoded.table.columns.length} columns`;
    default: return decoded satisfies never;
  }
}

export const decodeStage: StageDef<DecodeInput, DecodeOutput, DecodeMeta> = {
  name: 'decode',
  version: 1,
  packages: decodePackages,
  // NOTE: a table depends only on the CSV's rows and the listed columns, which the ingest key
  // covers (item ids hash each row's feature values; the data params name the columns).
  // NOTE: a table's key (tabular or mixed data) also covers which columns may hold missing values,
  // and its format (`table: 2`: categorical columns as codes), so image pipelines keep their keys.
  fingerprint: (input) => ({
    params: { geometry: input.geometry, ...(tabularData(input.data) || mixedData(input.data) ? { table: 2, missing: input.missing ?? NO_MISSING } : {}) },
    upstream: input.upstream, seed: input.data.source === 'synthetic-cracks' ? input.seed : null,
  }),
  async execute(input, dir, ctx): Promise<DecodeMeta> {
    const csv = tabularData(input.data);
    if (csv) {
      const { x, shape, columns, categories } = await readTabular(csv, input.inventory, { cwd: ctx.cwd, missing: input.missing ?? NO_MISSING });
      ctx.progress.tick(shape[0], shape[0], 'rows');
      await writeTensor(path.join(dir, 'table'), x, shape);
      return { kind: 'table', shape, columns, categories, bad: [] };
    }
    const { block, bad } = await decodeImages(input.data, input.root, input.inventory.items, input.geometry, {
      seed: input.seed,
      progress: (done, total) => ctx.progress.tick(done, total, 'images'),
    });
    const shape = [block.count, block.height, block.width, block.channels];
    await writeTensor(path.join(dir, 'images'), block.data, shape);
    await writeFile(path.join(dir, 'bad.json'), JSON.stringify(bad));
    const mixed = mixedData(input.data);
    if (mixed) {
      // NOTE: a row for every inventory item, like the images (bad images' rows stay, unused).
      const { x, shape: tableShape, columns, categories } = await readTabular(mixed, input.inventory, { cwd: ctx.cwd, missing: input.missing ?? NO_MISSING });
      await writeTensor(path.join(dir, 'table'), x, tableShape);
      return { kind: 'mixed', shape, tableShape, columns, categories, bad };
    }
    return { kind: 'images', shape, bad };
  },
  async load(dir, meta, input) {
    const badRefs = new Set(meta.bad.map((b) => b.ref));
    const usable = input.inventory.items.flatMap((it, i) => (badRefs.has(it.ref) ? [] : [i]));
    switch (meta.kind) {
      case undefined:
      case 'images': {
        const t = await readTensor(path.join(dir, 'images'));
        const [count, height, width, channels] = meta.shape as [number, number, number, number];
        return { decoded: { kind: 'images', block: { count, height, width, channels, data: t.data as Uint8Array } }, bad: meta.bad, usable };
      }
      case 'table': {
        const t = await readTensor(path.join(dir, 'table'));
        if (!(t.data instanceof Float32Array) || t.header.shape.join(',') !== meta.shape.join(',')) {
          throw new Error(`decode cache entry ${dir}: table tensor is ${t.header.dtype} [${t.header.shape.join(', ')}], expected float32 [${meta.shape.join(', ')}]`);
        }
        return { decoded: { kind: 'table', table: { rows: meta.shape[0]!, columns: meta.columns, data: t.data, ...(meta.categories ? { categories: meta.categories } : {}) } }, bad: meta.bad, usable };
      }
      case 'mixed': {
        const images = await readTensor(path.join(dir, 'images'));
        const t = await readTensor(path.join(dir, 'table'));
        const [count, height, width, channels] = meta.shape as [number, number, number, number];
        const table = { rows: meta.tableShape[0]!, columns: meta.columns, data: t.data as Float32Array, categories: meta.categories };
        return { decoded: { kind: 'mixed', block: { count, height, width, channels, data: images.data as Uint8Array }, table }, bad: meta.bad, usable };
      }
      default: return meta satisfies never;
    }
  },
};

/**
 * What the decoded data allows: a class none of whose files decoded is refused (located at
 * `data.classes.<class>`, whatever `on-error` says); then the `on-error` policy: `fail` stops the
 * run before training, naming every bad file, located at its class (or `data.path` for a CSV).
 */
export function enforceBadFilePolicy(data: DataSpec, bad: readonly BadItem[], inventory: Inventory): void {
  if (bad.length === 0) return;
  const labelOf = new Map(inventory.items.map((it) => [it.ref, it.label]));
  const at = (k: number): string => (data.source === 'image-folder' ? `data.classes.${inventory.classes[k]}` : 'data.path');
  const badByClass = inventory.classes.map((_, k) => bad.filter((b) => labelOf.get(b.ref) === k));
  const total = inventory.classes.map((_, k) => inventory.items.filter((it) => it.label === k).length);
  const dead = inventory.classes.flatMap((c, k) => (total[k]! > 0 && badByClass[k]!.length === total[k]
    ? [{ at: at(k), message: `class ${c} has no usable image: ${total[k] === 1 ? 'its one file' : `all ${total[k]} of its files`} could not be decoded: ${namedFiles(badByClass[k]!)}` }]
    : []));
  if (dead.length > 0) throw new DataError('data.empty-class', dead.map((d) => d.message).join('; '), dead.map((d) => d.message), dead);
  if (data.onError === 'skip') return;
  const located = inventory.classes.flatMap((c, k) => (badByClass[k]!.length === 0 ? [] : [{
    at: at(k), message: `${data.source === 'image-folder' ? `class ${c}: ` : ''}${unreadableText(badByClass[k]!, 'could not be decoded')} (set data.on-error: skip to leave them out)`,
  }]));
  throw new DataError(
    'data.unreadable',
    `${bad.length} file${bad.length === 1 ? '' : 's'} could not be decoded (set data.on-error: skip to leave them out):\n${bad.map((b) => `  ${b.ref}: ${b.reason}`).join('\n')}`,
    bad.map((b) => `${b.ref}: ${b.reason}`),
    located,
  );
}
