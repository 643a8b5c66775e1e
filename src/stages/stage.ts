/**
 * The stage contract and the one function that runs a stage through the cache.
 *
 * A stage declares what its output depends on (`fingerprint`), how to compute its artifact into a
 * folder (`execute`), and how to read it back (`load`). `runStage` makes the key, restores a hit
 * or computes a miss atomically, and records what happened for the lock file and the console.
 */
import type { StageCache } from '../store/cache.js';
import { cacheKey, fingerprintRecord, type CacheKey, type FingerprintRecord } from '../store/fingerprint.js';
import { StageError } from '../core/errors.js';
import type { Progress } from './progress.js';
import { KERNELS_PACKAGE } from '../learn/backend/simd.js';

export type StageName = 'ingest' | 'decode' | 'holdout' | 'sample' | 'split' | 'features' | 'resample' | 'search' | 'evaluate';

export interface StageFingerprint {
  readonly params: unknown;
  readonly upstream: Readonly<Record<string, string>>;
  readonly inputs?: Readonly<Record<string, string>>;
  readonly seed: number | string | null;
}

export interface StageDef<In, Out, Meta = unknown> {
  readonly name: StageName;
  /** Bump when the stage's output changes for the same inputs. */
  readonly version: number;
  fingerprint(input: In): StageFingerprint;
  /**
   * Packages whose versions shape this stage's output (besides assay's own, which every stage
   * records); their versions enter the key, so upgrading one misses the cache.
   */
  packages?(input: In): readonly string[];
  /**
   * Whether a computed result is a function of its key alone. False (a search cut short by its
   * time budget) keeps the result for this run only: it is never stored, and neither is any
   * stage that reads it.
   */
  complete?(meta: Meta): boolean;
  /** Compute the artifact into `dir` (a fresh folder) and return small metadata to keep. */
  execute(input: In, dir: string, ctx: StageContext): Promise<Meta>;
  /** Read the artifact back from a (verified) cache entry. */
  load(dir: string, meta: Meta, input: In, ctx: StageContext): Promise<Out>;
}

export interface StageContext {
  readonly cache: StageCache;
  /** Recompute every stage, ignoring (and replacing) cache entries. */
  readonly noCache: boolean;
  readonly progress: Progress;
  readonly cwd: string;
  /** The installed version of a package (`assay` for assay itself), `absent` when not installed. */
  readonly packageVersion: (name: string) => string;
  /** Keys of results kept for this run only (see `StageDef.complete`); stages reading them are not stored. */
  readonly transient: Set<string>;
}

/** The `versions` part of a key record: assay's own version and each named package's. */
export function keyVersions(ctx: Pick<StageContext, 'packageVersion'>, packages: readonly string[]): Record<string, string> {
  return Object.fromEntries(['assay', ...packages].map((p) => [p, ctx.packageVersion(p)]));
}

/**
 * The packages that compute on tensors with `backend`: tfjs-core and the backend's own package;
 * on wasm also assay's SIMD kernels, by the digest of their binary.
 */
export function tensorPackages(backend: string): string[] {
  const own: Record<string, readonly string[]> = {
    wasm: ['@tensorflow/tfjs-backend-wasm', KERNELS_PACKAGE], cpu: ['@tensorflow/tfjs-backend-cpu'],
    tensorflow: ['@tensorflow/tfjs-node'], 'tensorflow-gpu': ['@tensorflow/tfjs-node-gpu'],
  };
  return ['@tensorflow/tfjs-core', ...(own[backend] ?? [])];
}

export interface StageRecord {
  readonly name: StageName;
  readonly key: CacheKey;
  readonly cached: boolean;
  /** False when the result was kept for this run only (see `StageDef.complete`). */
  readonly stored: boolean;
  readonly seconds: number;
  readonly fingerprint: FingerprintRecord;
  /** One-line summary for the console and the report (e.g. `1650 items`). */
  readonly summary: string;
}

export interface StageOutcome<Out> {
  readonly output: Out;
  readonly record: StageRecord;
  readonly dir: string;
}

/** Run one stage through the cache. Errors are wrapped in a StageError naming the stage. */
export async function runStage<In, Out, Meta>(
  def: StageDef<In, Out, Meta>,
  input: In,
  ctx: StageContext,
  summarize: (out: Out, meta: Meta) => string = () => '',
): Promise<StageOutcome<Out>> {
  const fp = def.fingerprint(input);
  const versions = keyVersions(ctx, def.packages?.(input) ?? []);
  const record = fingerprintRecord({ stage: def.name, codeVersion: def.version, versions, params: fp.params, upstream: fp.upstream, inputs: fp.inputs ?? {}, seed: fp.seed });
  const key = cacheKey(record);
  const started = performance.now();
  ctx.progress.stageStart(def.name);
  // NOTE: a stage reading a result kept for this run only is itself such a result: its key names
  // an upstream key whose stored meaning (a complete result) this run's upstream does not have.
  const upstreamTransient = Object.values(fp.upstream).some((k) => ctx.transient.has(k));
  try {
    const hit = ctx.noCache || upstreamTransient ? null : await ctx.cache.lookup<Meta>(def.name, key);
    let entry = hit;
    if (!entry) {
      if (ctx.noCache) await ctx.cache.remove(def.name, key);
      const publish = (meta: Meta) => !upstreamTransient && (def.complete?.(meta) ?? true);
      entry = await ctx.cache.store(def.name, key, record, (dir) => def.execute(input, dir, ctx), { publish });
    }
    if (!entry.stored) ctx.transient.add(key);
    const output = await def.load(entry.dir, entry.meta, input, ctx);
    const seconds = (performance.now() - started) / 1000;
    const out: StageRecord = { name: def.name, key, cached: hit !== null, stored: entry.stored, seconds, fingerprint: record, summary: summarize(output, entry.meta) };
    ctx.progress.stageEnd(out);
    return { output, record: out, dir: entry.dir };
  } catch (err) {
    ctx.progress.stageFailed(def.name, err);
    if (err instanceof StageError) throw err;
    if (err instanceof Error && 'exitCode' in err) {
      // AssayError subclasses keep their own message, code and exit code; they learn the stage.
      if (!('stage' in err)) Object.assign(err, { stage: def.name });
      throw err;
    }
    throw new StageError(def.name, err);
  }
}
