/**
 * The one entry point from pipeline text to PipelineSpec: YAML parse (with locations) -> `--set`
 * overrides -> JSON Schema -> defaults and to-spec -> semantic checks. Every problem found is
 * returned at once as a located Diagnostic; nothing here throws for bad input.
 */
import type { Diagnostic } from '../core/diagnostics.js';
import type { PipelineSpec } from '../core/spec.js';
import { readPipelineText } from '../data/read-file-bounded.js';
import { withDefaults } from './defaults.js';
import { createLocator, locatePath } from './locator.js';
import { applyOverrides, OVERRIDE_FILE } from './overrides.js';
import { schemaDiagnostics } from './schema-diagnostics.js';
import { semanticDiagnostics } from './semantic.js';
import { semanticOnValidParts } from './semantic-partial.js';
import { specFromResolved } from './to-spec.js';
import { parseYamlSource, type Position } from './yaml-source.js';

/** A position for a path; `file` is the pipeline file, or `--set <arg>` for a value an override set. */
export type Location = Position;

export interface LoadOk {
  readonly ok: true;
  readonly spec: PipelineSpec;
  /** The pipeline file's text, as read. */
  readonly text: string;
  /** Plain JS after overrides, before defaults. */
  readonly document: unknown;
  /** YAML-language form with every default filled in, for the run's lock. */
  readonly resolved: unknown;
  /** Where a path (e.g. `sampling.counts.crack`) is written: its key, or the nearest existing ancestor's. */
  readonly locate: (path: string) => Location;
  readonly warnings: readonly Diagnostic[];
}

export interface LoadFailed {
  readonly ok: false;
  /** Errors and warnings, sorted: the file by line and column, then overrides. */
  readonly diagnostics: readonly Diagnostic[];
}

export type LoadResult = LoadOk | LoadFailed;

export interface LoadOptions {
  /** `path=value` overrides, applied in order (the CLI's `--set`). */
  readonly overrides?: readonly string[];
  /** The pipeline text, when already in memory (the file is then not read). */
  readonly text?: string;
}

/** Read and validate a pipeline file. An unreadable file is a `file.read` diagnostic. */
export async function loadPipeline(file: string, opts: LoadOptions = {}): Promise<LoadResult> {
  let text = opts.text;
  if (text === undefined) {
    const read = await readPipelineText(file);
    if (typeof read !== 'string') return { ok: false, diagnostics: [{ code: 'file.read', severity: 'error', path: '', file, line: 1, col: 1, message: `cannot read the pipeline: ${read.reason}` }] };
    text = read;
  }
  return validatePipelineText(text, file, opts.overrides);
}

/** Validate pipeline text (no disk read); `file` names it in diagnostics. Synchronous. */
export function validatePipelineText(text: string, file: string, overrides: readonly string[] = []): LoadResult {
  const source = parseYamlSource(text, file);
  if (source.diagnostics.some(isError)) return { ok: false, diagnostics: sortDiagnostics(source.diagnostics, file, overrides) };
  const applied = applyOverrides(source.value, overrides);
  const locator = createLocator(source, applied.applied);
  const schema = schemaDiagnostics(applied.document, locator);
  const early = [...source.diagnostics, ...applied.diagnostics, ...schema];
  // NOTE: the parts that passed the schema are still checked, so one pass reports all it can.
  if (early.some(isError)) return { ok: false, diagnostics: sortDiagnostics([...early, ...semanticOnValidParts(applied.document, locator)], file, overrides) };
  const resolved = withDefaults(applied.document);
  const spec = specFromResolved(resolved);
  const all = [...early, ...semanticDiagnostics(spec, applied.document, locator)];
  if (all.some(isError)) return { ok: false, diagnostics: sortDiagnostics(all, file, overrides) };
  return { ok: true, spec, text, document: applied.document, resolved, locate: (path) => locatePath(locator, path), warnings: sortDiagnostics(all, file, overrides) };
}

function isError(d: Diagnostic): boolean {
  return d.severity === 'error';
}

/** The pipeline file first (by line, column), then values set by overrides (in argument order), then override syntax. */
export function sortDiagnostics(ds: readonly Diagnostic[], file: string, overrides: readonly string[] = []): Diagnostic[] {
  const rank = (d: Diagnostic): number => {
    if (d.file === file) return 0;
    const i = overrides.findIndex((o) => d.file === `--set ${o}`);
    return i >= 0 ? 1 + i : 1 + overrides.length;
  };
  // NOTE: sort is stable; override syntax problems keep their argument order.
  return [...ds].sort((a, b) => rank(a) - rank(b) || (a.file === OVERRIDE_FILE ? 0 : a.line - b.line || a.col - b.col));
}
