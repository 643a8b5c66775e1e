/** A small factory for located diagnostics, shared by the semantic and data-dependent checks. */
import type { Diagnostic } from '../core/diagnostics.js';
import type { DataProblem } from '../core/errors.js';
import type { Locator } from './locator.js';
import type { Position } from './yaml-source.js';
import { formatPath, type Segment } from './path.js';

export interface Reporter {
  /** Report at the key holding `at` (or the list item). */
  key(code: string, at: readonly Segment[], message: string, hint?: string): void;
  /** Report at the value of `at`. */
  value(code: string, at: readonly Segment[], message: string, hint?: string): void;
  /** Like `key`, as a warning. */
  warn(code: string, at: readonly Segment[], message: string, hint?: string): void;
  readonly diagnostics: Diagnostic[];
}

export function createReporter(locator: Locator): Reporter {
  const diagnostics: Diagnostic[] = [];
  const add = (severity: 'error' | 'warning', kind: 'key' | 'value') => (code: string, at: readonly Segment[], message: string, hint?: string): void => {
    const p = kind === 'key' ? locator.key(at) : locator.value(at);
    diagnostics.push({ code, severity, path: formatPath(at), file: p.file, line: p.line, col: p.col, message, ...(hint ? { hint } : {}) });
  };
  return { key: add('error', 'key'), value: add('error', 'value'), warn: add('warning', 'key'), diagnostics };
}

/**
 * Data problems found while reading the data (or checking its paths), as diagnostics located at
 * the key each names (`data.path`, `data.classes.crack`) through `locate` (LoadOk.locate).
 */
export function locateDataProblems(code: string, problems: readonly DataProblem[], locate: (path: string) => Position): Diagnostic[] {
  return problems.map((p) => {
    const at = locate(p.at);
    return { code, severity: 'error', path: p.at, file: at.file, line: at.line, col: at.col, message: p.message };
  });
}
