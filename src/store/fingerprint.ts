/**
 * The only place cache keys are made. A key is the sha256 of the canonical JSON of a named
 * record `{format, stage, codeVersion, versions, params, upstream, inputs, seed}`; the record itself is
 * stored next to the artifact as `fingerprint.json`, so "why did this rerun?" has an answer
 * (see `explainDifference`). Leave out of a record anything that cannot change the result
 * (descriptions, display names, parallelism that does not shape proposals, paths of caches).
 */
import { createHash } from 'node:crypto';

export type CacheKey = string & { readonly __brand: 'CacheKey' };

/** Bumped only when the record layout itself changes (it invalidates every key). */
export const FINGERPRINT_FORMAT = 2;

export interface FingerprintRecord {
  readonly format: number;
  readonly stage: string;
  /** The stage's code version: bump it when the stage's output changes for the same inputs. */
  readonly codeVersion: number;
  /**
   * Versions of the code that shapes the stage's numbers: assay's own, and each package the stage
   * computes with (sharp for decoding image files; tfjs-core and the backend package for training
   * and scoring), by package name. Upgrading any of them misses the cache.
   */
  readonly versions: Readonly<Record<string, string>>;
  readonly params: unknown;
  /** Keys of the stages this one reads, by name. */
  readonly upstream: Readonly<Record<string, string>>;
  /** Content hashes of external inputs (data fingerprints), by name. */
  readonly inputs: Readonly<Record<string, string>>;
  readonly seed: number | string | null;
}

/**
 * Canonical JSON: object keys sorted, no whitespace, `undefined` members dropped, non-finite
 * numbers rejected (they have no JSON form and would silently become null).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`canonicalJson: non-finite number ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new Error(`canonicalJson: cannot encode ${typeof value}`);
}

export function sha256(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Build the record for a stage (filling `format`). */
export function fingerprintRecord(parts: Omit<FingerprintRecord, 'format'>): FingerprintRecord {
  return { format: FINGERPRINT_FORMAT, ...parts };
}

export function cacheKey(record: FingerprintRecord): CacheKey {
  return sha256(canonicalJson(record)) as CacheKey;
}

/**
 * Which named parts of two records differ, as dotted paths with old and new values
 * (e.g. `params.features[1].kind: "grayscale" -> "edges"`). Used by `assay explain`.
 */
export function explainDifference(before: unknown, after: unknown, path = ''): string[] {
  if (canonicalJson(before ?? null) === canonicalJson(after ?? null)) return [];
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((b, i) => explainDifference(b, after[i], `${path}[${i}]`));
  }
  if (isObj(before) && isObj(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => explainDifference(before[k], after[k], path ? `${path}.${k}` : k));
  }
  const show = (v: unknown) => (v === undefined ? '(absent)' : short(canonicalJson(v)));
  return [`${path || '(record)'}: ${show(before)} -> ${show(after)}`];
}

function short(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
