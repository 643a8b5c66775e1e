import type { Diagnostic } from './diagnostics.js';

/** Base of every error assay throws on purpose; `code` is stable and `exitCode` is what the CLI returns. */
export class AssayError extends Error {
  readonly code: string;
  readonly exitCode: number;
  constructor(code: string, message: string, exitCode = 1, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AssayError';
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** The pipeline (or a value given on the command line) is invalid; carries every problem found. */
export class InvalidPipelineError extends AssayError {
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[]) {
    super('pipeline.invalid', `pipeline is invalid (${diagnostics.length} problem${diagnostics.length === 1 ? '' : 's'})`, 2);
    this.diagnostics = diagnostics;
  }
}

/** Wrong command-line usage. */
export class UsageError extends AssayError {
  constructor(message: string) {
    super('usage', message, 2);
  }
}

/** A data problem that belongs to one key of the pipeline, e.g. `data.path` or `data.classes.crack`. */
export interface DataProblem {
  /** The pipeline path the problem is reported at. */
  readonly at: string;
  readonly message: string;
}

/**
 * Input data cannot be used (unreadable files, too few items for the requested counts, ...).
 * With `problems`, each is tied to a key of the pipeline: the run is refused like an invalid
 * pipeline (exit 2, located at those keys) rather than failed.
 */
export class DataError extends AssayError {
  /** Every offending file or class, so the user can fix them all at once. */
  readonly details: readonly string[];
  readonly problems: readonly DataProblem[];
  constructor(code: string, message: string, details: readonly string[] = [], problems: readonly DataProblem[] = []) {
    super(code, message, problems.length > 0 ? 2 : 1);
    this.details = details;
    this.problems = problems;
  }

  /** A data problem with one location: the pipeline key `at` (e.g. `split.folds`) it belongs to. */
  static at(code: string, at: string, message: string, details: readonly string[] = []): DataError {
    return new DataError(code, message, details, [{ at, message }]);
  }
}

/** A stage failed while running; names the stage. */
export class StageError extends AssayError {
  readonly stage: string;
  constructor(stage: string, cause: unknown) {
    const msg = cause instanceof Error ? cause.message : String(cause);
    super('stage.failed', `stage ${stage} failed: ${msg}`, 1, { cause });
    this.stage = stage;
  }
}

/** A cache entry exists but fails its own checks. */
export class CorruptCacheError extends AssayError {
  constructor(message: string) {
    super('cache.corrupt', message, 1);
  }
}

/** A run id, run folder or revision that does not exist. */
export class NotFoundError extends AssayError {
  constructor(message: string) {
    super('not-found', message, 2);
  }
}
