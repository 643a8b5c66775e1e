/**
 * `assay validate`: the pipeline checks of loadPipeline, then (unless turned off) the quick data
 * check: the data paths exist and are a folder of class folders or a CSV file. No image is read.
 */
import path from 'node:path';
import { loadPipeline, locateDataProblems, sortDiagnostics, type LoadResult } from '../config/index.js';
import { checkDataPaths } from '../data/sources/check-paths.js';

export interface ValidateOptions {
  /** `path=value` overrides, as for a run. */
  readonly overrides?: readonly string[];
  /** Check that the data paths exist (default true). */
  readonly data?: boolean;
  /** Folder relative data paths resolve against, as `assay run` resolves them (default: the current folder). */
  readonly cwd?: string;
}

/** Validate a pipeline file and, unless `data: false`, its data paths (`data.missing` at data.path / data.classes.X). */
export async function validatePipeline(file: string, opts: ValidateOptions = {}): Promise<LoadResult> {
  const overrides = opts.overrides ?? [];
  const loaded = await loadPipeline(file, { overrides });
  if (!loaded.ok || opts.data === false) return loaded;
  const problems = await checkDataPaths(loaded.spec.data, path.resolve(opts.cwd ?? process.cwd()));
  if (problems.length === 0) return loaded;
  return { ok: false, diagnostics: sortDiagnostics([...loaded.warnings, ...locateDataProblems('data.missing', problems, loaded.locate)], file, overrides) };
}
