/**
 * `metrics.json`: hold-out and validation metrics and the search's summary.
 *
 * `MetricsRecord` is what this version writes (optional blocks are written only when they apply,
 * so runs without them keep the file they always had); `RunMetrics` is what a reader may find in
 * a metrics.json of any version. Folders written before `search.bestTrial` have `search.best`
 * (the index from 0), and before Wilson intervals at 0 or 1 a bootstrap interval there:
 * results/metrics-compat.ts reads an older file in today's shape (it needs evaluate's Wilson
 * interval, which the store layer does not import).
 */
import path from 'node:path';
import { NotFoundError } from '../../core/errors.js';
import type { MetricName } from '../../core/spec.js';
import { readJson, readTextOrNull, writeJsonAtomic } from './io.js';
import { METRICS_FILE } from './names.js';

export interface IntervalRecord { readonly estimate: number; readonly low: number; readonly high: number; readonly method?: 'wilson' }

/** Binary runs: the threshold rule and, when set, the prevalence the metrics are weighted to. */
export type ObjectiveRecord =
  | {
    readonly metric: MetricName; readonly threshold: number; readonly rule: string;
    readonly prevalence?: { readonly kind: string; readonly share: number | null; readonly negativeWeights: unknown };
  }
  | { readonly metric: MetricName; readonly rule: 'argmax' };

export interface BinaryHoldoutRecord {
  readonly n: number;
  readonly positives: number;
  readonly metrics: Readonly<Partial<Record<MetricName, number>>>;
  readonly intervals: Readonly<Record<string, IntervalRecord>>;
  readonly confusion: { readonly tp: number; readonly fp: number; readonly tn: number; readonly fn: number };
}

export interface MulticlassHoldoutRecord {
  readonly n: number;
  readonly metrics: Readonly<Record<string, number>>;
  readonly intervals: Readonly<Record<string, IntervalRecord>>;
  readonly confusion: { readonly classes: readonly string[]; readonly matrix: readonly (readonly number[])[] };
  readonly perClass: readonly unknown[];
  readonly macro: unknown;
  readonly micro: unknown;
}

export interface MetricsRecord {
  readonly objective: ObjectiveRecord;
  readonly holdout: BinaryHoldoutRecord | MulticlassHoldoutRecord;
  readonly validation: {
    readonly n: number; readonly score: number; readonly bestEpoch: number;
    /** k-fold runs only. */
    readonly folds?: number;
    /** Ensembles only: the ensemble's score, threshold and log-loss on validation. */
    readonly ensemble?: { readonly score: number; readonly threshold: number; readonly logLoss: number | undefined };
  };
  readonly search: {
    readonly strategy: string; readonly trials: number; readonly planned: number; readonly seconds: number;
    readonly budgetSeconds: number | null; readonly stoppedBy: string;
    /** The best trial's number from 1. */
    readonly bestTrial: number;
    readonly family: string; readonly params: Readonly<Record<string, unknown>>;
    readonly pruned: number; readonly failed: number; readonly reused: number;
    readonly ensemble?: { readonly requested: number; readonly trials: readonly number[]; readonly bestThreshold: number };
  };
}

/** metrics.json as read from a run folder of any version: every field may be absent. */
export interface RunMetrics {
  readonly objective?: { readonly metric?: MetricName; readonly threshold?: number; readonly rule?: string };
  readonly holdout?: {
    readonly n?: number;
    readonly positives?: number;
    readonly metrics?: Readonly<Partial<Record<MetricName, number>>>;
    readonly intervals?: Readonly<Record<string, { readonly estimate: number; readonly low: number; readonly high: number }>>;
    /** Some older folders recorded the hold-out fingerprint here. */
    readonly fingerprint?: string;
  };
  readonly validation?: { readonly score?: number };
  readonly search?: {
    readonly bestTrial?: number;
    /** Folders from before `bestTrial`: the best trial's index from 0. */
    readonly best?: number;
    readonly trials?: number; readonly planned?: number; readonly family?: string; readonly stoppedBy?: string;
    readonly ensemble?: { readonly trials?: readonly number[] };
  };
}

/** Write metrics.json (indented, final line break). */
export async function writeMetrics(dir: string, metrics: MetricsRecord): Promise<void> {
  await writeJsonAtomic(path.join(dir, METRICS_FILE), metrics);
}

/** metrics.json, or null when it is missing or unreadable. */
export async function readMetricsOrNull(dir: string): Promise<RunMetrics | null> {
  return readJson<RunMetrics>(path.join(dir, METRICS_FILE));
}

/** metrics.json as plain JSON (for comparing every key), or null when it is missing or unreadable. */
export async function readMetricsJson(dir: string): Promise<Record<string, unknown> | null> {
  return readJson<Record<string, unknown>>(path.join(dir, METRICS_FILE));
}

/** metrics.json's text exactly as written, or null when it is missing or unreadable. */
export async function readMetricsText(dir: string): Promise<string | null> {
  return readTextOrNull(path.join(dir, METRICS_FILE));
}

/** Read `metrics.json`; throws NotFoundError when it is missing (the run did not finish). */
export async function readMetrics(dir: string): Promise<RunMetrics> {
  const metrics = await readMetricsOrNull(dir);
  if (!metrics) throw new NotFoundError(`${dir} has no ${METRICS_FILE} (did the run finish? see \`assay show ${path.basename(dir)}\`)`);
  return metrics;
}
