import { printable } from './printable.js';

/** A problem found in a pipeline, located in its source file. Validation returns these; only the CLI renders them. */
export interface Diagnostic {
  /** Stable code, e.g. `yaml.syntax`, `schema.enum`, `schema.required`, `semantic.unknown-class`. */
  readonly code: string;
  readonly severity: 'error' | 'warning';
  /** JSON-pointer-like path inside the pipeline, e.g. `features[2].kind`. Empty for the document. */
  readonly path: string;
  readonly file: string;
  /** 1-based line and column of the offending key or value (1:1 when unknown). */
  readonly line: number;
  readonly col: number;
  readonly message: string;
  /** A short suggestion, e.g. `did you mean "center-crop"?` */
  readonly hint?: string;
}

/** `FILE:LINE:COL error[CODE] message (hint)`: the one rendering of a diagnostic. */
export function formatDiagnostic(d: Diagnostic): string {
  const hint = d.hint ? ` (${d.hint})` : '';
  // NOTE: one line, whatever the file name or a quoted value holds (see printable).
  return printable(`${d.file}:${d.line}:${d.col} ${d.severity}[${d.code}] ${d.message}${hint}`);
}

/** How many diagnostics a command prints before it only counts the rest. */
export const SHOWN_DIAGNOSTICS = 100;

/**
 * The lines a command prints for `diagnostics`: the first `max` formatted, then one line counting
 * the rest (a file with 16,000 unknown keys should not bury the first problem).
 */
export function formatDiagnostics(diagnostics: readonly Diagnostic[], max = SHOWN_DIAGNOSTICS): string[] {
  const lines = diagnostics.slice(0, max).map(formatDiagnostic);
  const rest = diagnostics.length - lines.length;
  if (rest > 0) lines.push(`... and ${rest} more problem${rest === 1 ? '' : 's'} not shown (the first ${max} are above)`);
  return lines;
}
