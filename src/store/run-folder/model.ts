/**
 * The run folder's `model/`: the saved model(s) and `preprocess.json`, everything `assay predict`
 * needs to apply exactly the run's transform. One model: `model.json` + `weights.bin` in `model/`
 * itself; a k-fold run: `model/fold-<f>/` each (preprocess.json `folds`); an ensemble:
 * `model/member-<i>/` each, best first (preprocess.json `ensemble`). The folder is built in
 * `model.partial/` and renamed into place whole. Kept out of git (runs/.gitignore).
 */
import { cp, mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { MixedLayout } from '../../core/data.js';
import type { PipelineSpec } from '../../core/spec.js';
import { exists, isDirectory, readJson, writeJsonAtomic } from './io.js';
import { MODEL_DIR, MODEL_JSON, MODEL_STAGING_DIR, PREPROCESS_FILE } from './names.js';
import { readFileBounded } from '../../data/read-file-bounded.js';

/**
 * What `assay predict` reads from `model/preprocess.json`. `Fitted` is the fitted transform's
 * record (features/pixel-steps.ts `FittedPixelSteps`; plain JSON here, so the store layer needs
 * no feature code).
 */
export interface PreprocessRecord<Fitted = unknown> {
  /**
   * `table` when the model takes table rows (tabular CSV data), with `columns` the data columns in
   * order (the fitted steps, one-hot among them, make the model input from them; runs from before
   * one-hot was a step list `name=value` input columns); `mixed` when it takes an image and a row
   * per item (packed as `layout` says, `columns` as for `table`). Absent for images.
   */
  readonly input?: 'table' | 'mixed';
  /** Absent in table runs from before it was recorded (the lock's pipeline names the columns). */
  readonly columns?: readonly string[];
  /** `mixed` only: how a packed example holds the image (after the fitted steps) and the row. */
  readonly layout?: MixedLayout;
  readonly classes: readonly string[];
  readonly positive: number;
  readonly threshold: number;
  readonly geometry: PipelineSpec['features'];
  /** The transform fitted on the training part (fold 0's for k-fold runs). */
  readonly fitted: Fitted;
  /**
   * k-fold runs only: each fold's fitted transform, in fold order; the model is the mean of the
   * `model/fold-<f>/` models, each applied through `folds[f].fitted`. Absent for one fold (the
   * model is `model/` itself).
   */
  readonly folds?: readonly { readonly fitted: Fitted }[];
  /**
   * Runs with `search.ensemble` > 1 only: the model is the mean of the `model/member-<i>/` models,
   * best first, each applied through `fitted`; `trials` numbers the trial each one is (from 1).
   */
  readonly ensemble?: { readonly trials: readonly number[] };
  readonly exampleShape: readonly number[];
  readonly family: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly backend: string;
}

/** The saved models a run's model folder is made of (each a folder with model.json + weights.bin). */
export type ModelSource =
  | { readonly kind: 'single'; readonly dir: string }
  | { readonly kind: 'folds'; readonly dirs: readonly string[] }
  | { readonly kind: 'members'; readonly dirs: readonly string[] };

/** The run's model folder. */
export function modelDir(dir: string): string {
  return path.join(dir, MODEL_DIR);
}

/** The model folders relative to the run folder (`model`, `model/fold-<f>` or `model/member-<i>`), from any parsed preprocess.json. */
export function modelSubfolders(pre: unknown): string[] {
  const p = pre as { folds?: unknown; ensemble?: { trials?: unknown } } | null;
  const members = Array.isArray(p?.ensemble?.trials) ? p.ensemble.trials.length : 0;
  if (members > 0) return Array.from({ length: members }, (_, i) => `${MODEL_DIR}/member-${i}`);
  const k = Array.isArray(p?.folds) ? p.folds.length : 0;
  return k <= 1 ? [MODEL_DIR] : Array.from({ length: k }, (_, f) => `${MODEL_DIR}/fold-${f}`);
}

/**
 * Write `model/`: copy the saved model(s) and write preprocess.json in `model.partial/`, then
 * replace `model/` with it, so a reader never sees half a model folder.
 */
export async function writeModel(dir: string, source: ModelSource, preprocess: PreprocessRecord): Promise<void> {
  const staging = path.join(dir, MODEL_STAGING_DIR);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  if (source.kind === 'members') for (const [i, mdir] of source.dirs.entries()) await cp(mdir, path.join(staging, `member-${i}`), { recursive: true });
  else if (source.kind === 'single') await cp(source.dir, staging, { recursive: true });
  else for (const [f, mdir] of source.dirs.entries()) await cp(mdir, path.join(staging, `fold-${f}`), { recursive: true });
  await writeJsonAtomic(path.join(staging, PREPROCESS_FILE), preprocess);
  await rm(modelDir(dir), { recursive: true, force: true });
  await rename(staging, modelDir(dir));
}

/** Whether the run folder has its model folder (a fresh clone has the records without it). */
export async function hasModel(dir: string): Promise<boolean> {
  return isDirectory(modelDir(dir));
}

/**
 * `model/preprocess.json`, or null when it is missing or unreadable. The shape is not checked:
 * older runs lack `columns` (tables) or `input`; readers handle both.
 */
export async function readPreprocessOrNull<Fitted = unknown>(dir: string): Promise<PreprocessRecord<Fitted> | null> {
  return readJson<PreprocessRecord<Fitted>>(path.join(modelDir(dir), PREPROCESS_FILE));
}

/** What reading `model/preprocess.json` found: the record, no model folder at all, or a damaged one. */
export type PreprocessRead<Fitted = unknown> =
  | { readonly kind: 'record'; readonly record: PreprocessRecord<Fitted> }
  | { readonly kind: 'no-model' }
  | { readonly kind: 'damaged'; readonly file: string; readonly reason: string };

/**
 * `model/preprocess.json`, telling a run without a model folder (a fresh clone, an unfinished
 * run) from one whose folder is damaged: preprocess.json missing, unreadable, not JSON, or
 * without the fields every run has written (older runs lack `columns` and `input`, which stay
 * optional).
 */
export async function readPreprocessChecked<Fitted = unknown>(dir: string): Promise<PreprocessRead<Fitted>> {
  const folder = modelDir(dir);
  if (!(await exists(folder))) return { kind: 'no-model' };
  const file = path.join(folder, PREPROCESS_FILE);
  if (!(await isDirectory(folder))) return { kind: 'damaged', file: folder, reason: 'it is a file, not a folder' };
  let text: string;
  try {
    text = (await readFileBounded(file)).toString('utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { kind: 'damaged', file, reason: code === 'ENOENT' ? 'it is missing' : `it cannot be read (${(e as Error).message})` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { kind: 'damaged', file, reason: `it is not JSON (${(e as Error).message})` };
  }
  const problem = preprocessShapeProblem(json);
  return problem ? { kind: 'damaged', file, reason: problem } : { kind: 'record', record: json as PreprocessRecord<Fitted> };
}

function jsonKind(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** What is wrong with the shape of a parsed preprocess.json (the fields every run writes), or null. */
function preprocessShapeProblem(json: unknown): string | null {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return `it is not a JSON object (found ${jsonKind(json)})`;
  const p = json as Record<string, unknown>;
  const field = (key: string, ok: (v: unknown) => boolean, what: string): string | null =>
    ok(p[key]) ? null : `"${key}" is ${p[key] === undefined ? 'missing' : `not ${what} (found ${jsonKind(p[key])})`}`;
  const isList = (v: unknown): v is unknown[] => Array.isArray(v);
  return field('classes', (v) => isList(v) && v.length >= 2 && v.every((c) => typeof c === 'string'), 'a list of class names')
    ?? field('positive', (v) => Number.isInteger(v), 'a class index')
    ?? field('threshold', (v) => typeof v === 'number', 'a number')
    ?? field('geometry', isList, 'a list of feature steps')
    ?? field('fitted', (v) => v !== null && typeof v === 'object' && !Array.isArray(v), 'an object')
    ?? field('exampleShape', (v) => isList(v) && v.length > 0 && v.every((n) => Number.isInteger(n) && (n as number) > 0), 'a list of sizes')
    ?? field('family', (v) => typeof v === 'string', 'a model family name');
}

/** A saved model's model.json (`folder` relative to the run folder, e.g. `model/fold-1`), or null when missing or unreadable. */
export async function readModelJson<T>(dir: string, folder: string): Promise<T | null> {
  return readJson<T>(path.join(dir, folder, MODEL_JSON));
}

/**
 * The bytes of a file of a saved model (`folder` relative to the run folder), or null when missing
 * or not a regular file. Bounded like every data file (ASSAY_MAX_FILE_BYTES, see
 * read-file-bounded.ts): a damaged folder's weights.bin may be a link to /dev/zero.
 */
export async function readModelFile(dir: string, folder: string, file: string): Promise<Buffer | null> {
  return readFileBounded(path.join(dir, folder, file)).catch(() => null);
}
