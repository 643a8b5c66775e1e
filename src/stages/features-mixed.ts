/**
 * Features of mixed data (an image and a table row per item): image steps (geometry ran while
 * decoding; normalize, identity, edges here) are fitted on the training images, table steps
 * (impute, one-hot, standardize, log1p, clip; a categorical column no one-hot names is one-hot
 * coded all the same, see withImplicitOneHot) on the training rows, each on the training items
 * only. An example is then one packed vector: the transformed image's values, then the
 * transformed row's (see core/data.ts MixedLayout; its `columns` is the row's width after the
 * table steps), so resampling, training and scoring treat it as one row.
 */
import { mixedSize, type ImageBlock, type MixedLayout } from '../core/data.js';
import type { FeatureStep } from '../core/spec.js';
import { applyPixelSteps, applyTable, fitPixelSteps, fitTabular, tableContext, toFloat, type FittedPixelSteps } from '../features/index.js';
import type { FitContext } from '../features/kinds/kind.js';
import { needsTable } from '../features/kinds/registry.js';
import type { Table } from './decode.js';

type MixedDecoded = { readonly block: ImageBlock<Uint8Array>; readonly table: Table };

export interface MixedRows {
  readonly data: Float32Array;
  readonly exampleShape: readonly number[];
  readonly layout: MixedLayout;
}

function gather(decoded: MixedDecoded, rows: readonly number[]): { images: ImageBlock<Float32Array>; table: Float32Array } {
  const { block, table } = decoded;
  const size = block.height * block.width * block.channels, d = table.columns.length;
  const bytes = new Uint8Array(rows.length * size);
  const t = new Float32Array(rows.length * d);
  rows.forEach((r, i) => {
    bytes.set(block.data.subarray(r * size, (r + 1) * size), i * size);
    t.set(table.data.subarray(r * d, (r + 1) * d), i * d);
  });
  return { images: toFloat({ count: rows.length, height: block.height, width: block.width, channels: block.channels, data: bytes }), table: t };
}

/** Transformed images and rows -> packed examples. */
function pack(images: ImageBlock<Float32Array>, table: Float32Array, d: number): MixedRows {
  const layout: MixedLayout = { image: [images.height, images.width, images.channels], columns: d };
  const size = mixedSize(layout), pixels = size - d;
  const data = new Float32Array(images.count * size);
  for (let i = 0; i < images.count; i++) {
    data.set(images.data.subarray(i * pixels, (i + 1) * pixels), i * size);
    data.set(table.subarray(i * d, (i + 1) * d), i * size + pixels);
  }
  return { data, exampleShape: [size], layout };
}

/** Fit the image steps on the training images and the table steps on the training rows `rows`; the packed training examples. */
export function fitMixedRows(decoded: MixedDecoded, rows: readonly number[], steps: readonly FeatureStep[], dataColumns?: readonly string[]): { readonly fitted: FittedPixelSteps; readonly train: MixedRows } {
  const { columns, categories } = decoded.table;
  const d = columns.length;
  const raw = gather(decoded, rows);
  const image = fitPixelSteps(steps.filter((s) => !needsTable(s)), raw.images);
  const table = fitTabular(steps.filter(needsTable), raw.table, d, columns, dataColumns, categories);
  const fitted: FittedPixelSteps = { steps: image.steps, table };
  return { fitted, train: transformMixed(fitted, raw.images, raw.table, d, tableContext(columns, dataColumns, categories)) };
}

/** Decoded rows -> packed examples, with already-fitted steps. */
export function transformMixedRows(decoded: MixedDecoded, rows: readonly number[], fitted: FittedPixelSteps, dataColumns?: readonly string[]): MixedRows {
  const raw = gather(decoded, rows);
  const { columns, categories } = decoded.table;
  return transformMixed(fitted, raw.images, raw.table, columns.length, tableContext(columns, dataColumns, categories));
}

/**
 * Float images and rows of the same items ([n, d], the data columns as decoded: categories as
 * codes, missing cells NaN; `context` says which) -> packed examples through `fitted` (also
 * `assay predict`'s path).
 */
export function transformMixed(fitted: FittedPixelSteps, images: ImageBlock<Float32Array>, table: Float32Array, d: number, context?: FitContext): MixedRows {
  const x = applyPixelSteps({ steps: fitted.steps }, images);
  const row = applyTable(fitted.table ?? { steps: [] }, table, d, context);
  return pack(x, row.data, row.d);
}
