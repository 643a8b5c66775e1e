/**
 * Run ids and run names. Run ids sort by time and are unique (`YYYYMMDD-HHMMSS-mmm-xxxx`, UTC to
 * the millisecond, with a random suffix); they never shape a result.
 */
import { randomBytes } from 'node:crypto';

export type RunId = string & { readonly __brand: 'RunId' };

/** The shape of a run id. */
export const RUN_ID = /^\d{8}-\d{6}-\d{3}-[0-9a-f]{4}$/;

export function newRunId(now: Date = new Date()): RunId {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const stamp = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}-${p(now.getUTCMilliseconds(), 3)}`;
  return `${stamp}-${randomBytes(2).toString('hex')}` as RunId;
}

/**
 * Why a run's own name (`assay run --name`) cannot be used, or null when it can: it must not be
 * mistaken for `latest`, a run id or its prefix, or a path.
 */
export function labelProblem(label: string): string | null {
  if (label.trim() === '' || label !== label.trim()) return 'must be non-empty, without leading or trailing spaces';
  if (label === 'latest' || label.endsWith('@latest')) return 'must not be "latest" (that names the latest finished run)';
  if (/^[\d-]+$/.test(label)) return 'must not look like a run id or its prefix (digits and dashes only)';
  if (/[/\\\r\n]/.test(label)) return 'must not contain slashes or line breaks';
  return null;
}
