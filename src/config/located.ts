/** A small factory for located diagnostics, shared by the semantic and data-dependent checks. */
import type { Diagnostic } from '../core/diagnostics.js';
import type { Locator } from './locator.js';
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
