/**
 * The data plane's shared shapes: what a source lists, what decoding produces, what models train on.
 */

/** `positive` of a multi-class problem: no class is singled out; the decision is the arg-max. */
export const NO_POSITIVE = -1;

/** True when `positive` says the problem is multi-class. */
export function isMulticlass(positive: number): boolean {
  return positive < 0;
}

/** One example known to the pipeline. */
export interface Item {
  /** sha256 (hex) of the file's bytes, or of the generated image for synthetic data: the example's identity. */
  readonly id: string;
  /** Where it came from: a path relative to the data root (`Positive/00004.jpg`), `synthetic:17`, or `row:12`. */
  readonly ref: string;
  /** Index into the inventory's class list. */
  readonly label: number;
}

/** A file that could not be read or decoded. */
export interface BadItem {
  readonly ref: string;
  readonly reason: string;
}

/** Everything a source offers, in a deterministic order (class order, then sorted ref). */
export interface Inventory {
  readonly classes: readonly string[];
  /** Index of the positive class in `classes`; NO_POSITIVE for a multi-class problem (arg-max decision). */
  readonly positive: number;
  readonly items: readonly Item[];
  /** Files left out (only with `on-error: skip`; with `fail` a DataError is thrown instead). */
  readonly skipped: readonly BadItem[];
}

/** A dense block of images, NHWC, row-major. */
export interface ImageBlock<T extends Uint8Array | Float32Array = Uint8Array> {
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly data: T;
}

/** Model-ready examples: `x` holds `shape[0]` rows; `shape` is [n, h, w, c] for images or [n, d] for tables. */
export interface Examples {
  readonly x: Float32Array;
  readonly shape: readonly number[];
  /** Class index per row. */
  readonly y: Uint8Array;
}

/**
 * How one packed example of mixed data (an image and a table row per item) is laid out: the
 * image's `h * w * c` values (NHWC order) first, then the row's `columns` values. Models take
 * the packed vector and split it (see learn/families/two-branch.ts).
 */
export interface MixedLayout {
  readonly image: readonly [number, number, number];
  readonly columns: number;
}

/** Values per packed example of `layout`. */
export function mixedSize(layout: MixedLayout): number {
  return layout.image[0] * layout.image[1] * layout.image[2] + layout.columns;
}
