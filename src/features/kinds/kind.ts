/**
 * What one feature-step kind is, in one place: its schema fragment, defaults, YAML reading, where
 * it runs, which data it takes, and its effect (geometry on the decode canvas, or fit/apply on
 * float tensors). Each kind lives in its own module beside this one; `registry.ts` lists them.
 */
import type { ImageBlock } from '../../core/data.js';
import type { FeatureKind, FeatureStep } from '../../core/spec.js';
import type { Canvas } from './canvas.js';

/** The typed step of kind K. */
export type StepOf<K extends FeatureKind> = Extract<FeatureStep, { kind: K }>;

/**
 * Where a step runs: `geometry` is composed into image decoding (a photo is shrunk on load),
 * `pixel` runs on float tensors fitted on the training part only, `training` runs per epoch
 * inside training on the training part only.
 */
export type StepPlace = 'geometry' | 'pixel' | 'training';

/** Which data a step takes: images [n, h, w, c], tables [n, d] (columns as channels), or both. */
export type StepData = 'image' | 'table' | 'both';

/** A map in the YAML-language form (kebab-case keys). */
export type YamlMap = Record<string, unknown>;

/** A JSON Schema node, as published in schemas/pipeline.v1.schema.json. */
export type SchemaNode = Readonly<Record<string, unknown>>;

/** An image size in pixels. */
export interface Size {
  readonly w: number;
  readonly h: number;
}

/** Image data on float tensors (a table [n, d] is a block of n 1x1 images with d channels). */
export type FloatBlock = ImageBlock<Float32Array>;

/**
 * What a table step needs besides the values: the table's column names, which are numeric data
 * columns, and per column the category list of a categorical column (its values are codes into
 * that list, NaN where missing; null for every other column). Missing numeric values are NaN.
 */
export interface FitContext {
  readonly columns?: readonly string[];
  readonly numeric: readonly boolean[];
  readonly categories?: readonly (readonly string[] | null)[];
}

interface Common<K extends FeatureKind> {
  readonly kind: K;
  readonly data: StepData;
  /** The schema node at `$defs.featureStep.properties[kind]` (test/unit/config/drift.test.ts compares). */
  readonly schema: SchemaNode;
  /** `$defs` entries this kind owns, by name (the schema file holds them verbatim). */
  readonly defs?: Readonly<Record<string, SchemaNode>>;
  /** Defaults filled in before reading (YAML form); `{}` or null parameters become these. */
  readonly defaults: YamlMap;
  /** The defaults-filled YAML parameters -> the typed step. */
  fromYaml(p: YamlMap): StepOf<K>;
}

/** A step composed into decoding. */
export interface GeometryKind<K extends FeatureKind> extends Common<K> {
  readonly place: 'geometry';
  /**
   * Validation: the image size after this step given the size before it (null: unknown, e.g. a
   * folder of photos before any resize). `outside` reports a box that does not fit.
   */
  size(step: StepOf<K>, before: Size | null, outside: (message: string) => void): Size | null;
  /** The decode canvas after this step; throws DataError `data.geometry` for an impossible step (`where` names it). */
  geometry(step: StepOf<K>, canvas: Canvas, where: string): Canvas;
}

/** A step fitted on the training block and applied to every block. F: what it learned (plain JSON). */
export interface PixelKind<K extends FeatureKind, F extends { readonly kind: K }> extends Common<K> {
  readonly place: 'pixel';
  /** Fit on the training block as transformed by the steps before it (`context`: table column names). */
  fit(step: StepOf<K>, block: FloatBlock, context?: FitContext): F;
  /** Apply what was fitted; returns a new block or the input itself when nothing changes (`context`: the table's columns as this step sees them). */
  apply(fitted: F, block: FloatBlock, context?: FitContext): FloatBlock;
  /** Table steps that add or replace columns: the columns after this step (absent: unchanged). */
  columnsAfter?(fitted: F, context: FitContext): FitContext;
}

/** A step run inside training on the training part only. */
export interface TrainingKind<K extends FeatureKind> extends Common<K> {
  readonly place: 'training';
}

export type StepKind<K extends FeatureKind, F extends { readonly kind: K } = { readonly kind: K }> =
  GeometryKind<K> | PixelKind<K, F> | TrainingKind<K>;
