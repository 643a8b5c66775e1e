/**
 * `assay diff`: what changed between two runs. Parameters (the resolved pipelines flattened to
 * dotted keys, plus `--set` overrides), stage cache keys, and the hold-out metrics, with a paired
 * bootstrap saying whether a change is larger than resampling noise when both runs scored the
 * same hold-out items. Pure computation over run folders: no tfjs.
 */
import path from 'node:path';
import { UsageError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import type { MetricName } from '../core/spec.js';
import { ALL_METRIC_NAMES } from '../evaluate/metric-kinds/registry.js';
import { pairedBootstrapDelta } from '../evaluate/bootstrap.js';
import { isMinimized } from '../evaluate/metrics.js';
import { explainDifference } from '../store/fingerprint.js';
import { changedKeys, type ValueChange } from './flatten.js';
import { pipelineChanges } from './align-steps.js';
import { parseSide, resolveSide, type ResolvedSide } from './resolve-side.js';
import { listRuns } from '../store/run-status.js';
import { ledgerCounts } from './runs-table.js';
import { HOLDOUT_FILE, PREDICTIONS_FILE, readHoldoutIds, readLock, readMetrics, readPredictions, type PredictionRow, type RunLock, type RunMetrics } from '../store/run-folder.js';

/** Bootstrap resamples for the noise estimate unless the caller says otherwise. */
export const DIFF_RESAMPLES = 1000;

export interface StageDiff {
  readonly stage: string;
  readonly before: string | null;
  readonly after: string | null;
  readonly status: 'same' | 'changed' | 'added' | 'removed';
  /** The fingerprint parts that differ (see `explainDifference`); empty unless `changed`. */
  readonly reasons: readonly string[];
}

/** How a metric's change compares with resampling noise. */
export type MetricNoise =
  /** Same hold-out: 95% paired bootstrap interval of (new - old); `within` when it contains 0. */
  | { readonly kind: 'paired'; readonly low: number; readonly high: number; readonly within: boolean }
  /** Different hold-outs: whether the runs' own 95% intervals (metrics.json) overlap; a coarse signal. */
  | { readonly kind: 'intervals'; readonly overlap: boolean };

export interface MetricDiff {
  readonly metric: MetricName;
  readonly before: number | null;
  readonly after: number | null;
  /** after - before, or null when either is missing. */
  readonly change: number | null;
  /** Whether the change is an improvement (fnr, fpr and log-loss improve downwards); null for no change. */
  readonly better: boolean | null;
  readonly noise: MetricNoise | null;
}

export interface RunDiff {
  readonly a: ResolvedSide;
  readonly b: ResolvedSide;
  readonly parameters: readonly ValueChange[];
  readonly stages: readonly StageDiff[];
  readonly metrics: readonly MetricDiff[];
  /** Whether the metrics are compared on the same hold-out items, and why (not). */
  readonly pairing: { readonly paired: boolean; readonly reason: string; readonly n: number | null; readonly resamples: number | null };
  /** The hold-out ledger: finished runs of each side's experiment that scored that side's hold-out (null: unknown). */
  readonly ledger: { readonly a: number | null; readonly b: number | null };
}

/** How many finished runs of `dir`'s pipeline, in its runs folder, scored its hold-out. */
async function ledgerOf(dir: string): Promise<number | null> {
  const runsDir = path.dirname(path.dirname(path.resolve(dir)));
  const runs = await listRuns(runsDir);
  return ledgerCounts(runs).get(path.resolve(dir)) ?? null;
}

export interface DiffOptions {
  /** First argument: a run ref, `PIPELINE.yaml@REV`, or `PIPELINE.yaml` (working tree). */
  readonly a: string;
  /** Second argument; when absent, `a` must be a pipeline file and HEAD's version is compared with the working tree's. */
  readonly b?: string;
  readonly runsDir?: string;
  readonly cwd?: string;
  readonly resamples?: number;
}

/** Resolve both sides (see resolve-side.ts) and diff them. Throws UsageError / NotFoundError (exit 2). */
export async function diffRuns(opts: DiffOptions): Promise<RunDiff> {
  const cwd = path.resolve(opts.cwd ?? process.cwd());
  const runsDir = path.resolve(cwd, opts.runsDir ?? 'runs');
  let sa = await parseSide(opts.a, cwd);
  let sb;
  if (opts.b === undefined) {
    if (sa.kind !== 'worktree') throw new UsageError(`with one argument, give a pipeline file (compares its HEAD version with the working tree): got "${opts.a}"`);
    sb = sa;
    sa = { kind: 'revision', file: sa.file, rev: 'HEAD' };
  } else sb = await parseSide(opts.b, cwd);
  const a = await resolveSide(sa, runsDir, cwd);
  const b = await resolveSide(sb, runsDir, cwd);
  return diffRunDirs(a, b, { resamples: opts.resamples });
}

/** Diff two resolved run folders. */
export async function diffRunDirs(a: ResolvedSide, b: ResolvedSide, opts: { resamples?: number } = {}): Promise<RunDiff> {
  const [la, lb] = [await readLock(a.dir), await readLock(b.dir)];
  const [ma, mb] = [await readMetrics(a.dir), await readMetrics(b.dir)];
  const pairing = await pairPredictions(a.dir, b.dir, la, lb);
  const resamples = opts.resamples ?? DIFF_RESAMPLES;
  const beta = numberAt(lb.pipeline, ['objective', 'beta']) ?? 1;
  const betaA = numberAt(la.pipeline, ['objective', 'beta']) ?? 1;
  // NOTE: with beta 1 on both sides fbeta is f1 again: one row says it.
  const metrics = metricDiffs(ma, mb, pairing.paired ? { ...pairing.paired, resamples, beta } : null).filter((m) => m.metric !== 'fbeta' || beta !== 1 || betaA !== 1);
  return {
    a, b,
    parameters: [...pipelineChanges(la.pipeline, lb.pipeline), ...changedKeys(overrideMap(la.overrides), overrideMap(lb.overrides))],
    stages: stageDiffs(la, lb),
    metrics,
    pairing: { paired: pairing.paired !== null, reason: pairing.reason, n: pairing.paired?.labels01.length ?? null, resamples: pairing.paired ? resamples : null },
    ledger: { a: await ledgerOf(a.dir), b: await ledgerOf(b.dir) },
  };
}

/** `--set` overrides as `--set path` -> value, so an added or dropped override reads as one changed key. */
function overrideMap(overrides: readonly string[] | undefined): Record<string, string> {
  return Object.fromEntries((overrides ?? []).map((o) => {
    const eq = o.indexOf('=');
    return eq < 0 ? [`--set ${o}`, ''] : [`--set ${o.slice(0, eq)}`, o.slice(eq + 1)];
  }));
}

function numberAt(v: unknown, keys: readonly string[]): number | null {
  let cur = v;
  for (const k of keys) cur = typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>)[k] : undefined;
  return typeof cur === 'number' ? cur : null;
}

function stageDiffs(la: RunLock, lb: RunLock): StageDiff[] {
  const sa = la.stages ?? [], sb = lb.stages ?? [];
  const names = [...new Set([...sa.map((s) => s.name), ...sb.map((s) => s.name)])];
  return names.map((stage) => {
    const x = sa.find((s) => s.name === stage), y = sb.find((s) => s.name === stage);
    const status = !x ? 'added' : !y ? 'removed' : x.key === y.key ? 'same' : 'changed';
    const reasons = status === 'changed' ? explainDifference(x!.fingerprint ?? null, y!.fingerprint ?? null) : [];
    return { stage, before: x?.key ?? null, after: y?.key ?? null, status, reasons };
  });
}

interface Paired {
  readonly probsA: Float64Array;
  readonly probsB: Float64Array;
  readonly labels01: Uint8Array;
  readonly thresholdA: number;
  readonly thresholdB: number;
}

/** Align the two runs' hold-out predictions by content id when both runs held out exactly the same items. */
async function pairPredictions(dirA: string, dirB: string, la: RunLock, lb: RunLock): Promise<{ paired: Paired | null; reason: string }> {
  const [ia, ib] = [await readHoldoutIds(dirA), await readHoldoutIds(dirB)];
  if (!ia || !ib) return { paired: null, reason: `unpaired: ${HOLDOUT_FILE} is missing in ${!ia ? dirA : dirB}` };
  const key = (ids: readonly string[]) => [...ids].sort().join('\n');
  if (key(ia) !== key(ib)) return { paired: null, reason: `unpaired: the runs held out different items (${ia.length} and ${ib.length}), so the change mixes model and sample` };
  const [ma0, mb0] = [await readMetrics(dirA), await readMetrics(dirB)];
  if (ma0.objective?.rule === 'argmax' || mb0.objective?.rule === 'argmax') {
    return { paired: null, reason: 'same hold-out, but a multi-class run decides by arg-max: paired noise is estimated for binary runs only; intervals compared instead' };
  }
  const [pa, pb] = [await readPredictions(dirA), await readPredictions(dirB)];
  if (!pa || !pb) return { paired: null, reason: `same hold-out, but ${PREDICTIONS_FILE} is missing in ${!pa ? dirA : dirB}: noise not estimated` };
  const [ma, mb] = [await readMetrics(dirA), await readMetrics(dirB)];
  const ta = ma.objective?.threshold, tb = mb.objective?.threshold;
  if (typeof ta !== 'number' || typeof tb !== 'number') return { paired: null, reason: 'same hold-out, but a metrics.json has no objective.threshold: noise not estimated' };
  const ga = groupById(pa), gb = groupById(pb);
  const probsA: number[] = [], probsB: number[] = [], labels: number[] = [];
  for (const [id, rowsA] of ga) {
    const rowsB = gb.get(id) ?? [];
    if (rowsB.length !== rowsA.length) return { paired: null, reason: `same hold-out, but ${PREDICTIONS_FILE} lists item ${id} ${rowsA.length} and ${rowsB.length} times: noise not estimated` };
    for (let k = 0; k < rowsA.length; k++) {
      const pos = (row: PredictionRow, lock: RunLock) => (row.label === lock.data?.positive ? 1 : 0);
      if (pos(rowsA[k]!, la) !== pos(rowsB[k]!, lb)) return { paired: null, reason: `same hold-out, but item ${rowsA[k]!.ref} is labelled differently: noise not estimated` };
      probsA.push(rowsA[k]!.probability);
      probsB.push(rowsB[k]!.probability);
      labels.push(pos(rowsA[k]!, la));
    }
  }
  return {
    paired: { probsA: Float64Array.from(probsA), probsB: Float64Array.from(probsB), labels01: Uint8Array.from(labels), thresholdA: ta, thresholdB: tb },
    reason: `paired: both runs scored the same ${labels.length} hold-out items`,
  };
}

/** Rows by content id, each group in ref order (identical images may appear more than once). */
function groupById(rows: readonly PredictionRow[]): Map<string, PredictionRow[]> {
  const m = new Map<string, PredictionRow[]>();
  for (const r of rows) m.set(r.id, [...(m.get(r.id) ?? []), r]);
  for (const g of m.values()) g.sort((x, y) => (x.ref < y.ref ? -1 : x.ref > y.ref ? 1 : 0));
  return new Map([...m.entries()].sort(([x], [y]) => (x < y ? -1 : 1)));
}

function metricDiffs(ma: RunMetrics, mb: RunMetrics, paired: (Paired & { resamples: number; beta: number }) | null): MetricDiff[] {
  const va = ma.holdout?.metrics ?? {}, vb = mb.holdout?.metrics ?? {};
  // NOTE: every name: a binary run has no multi-class metrics and the reverse, so each lists its own.
  return ALL_METRIC_NAMES.flatMap((metric): MetricDiff[] => {
    const before = va[metric] ?? null, after = vb[metric] ?? null;
    if (before === null && after === null) return [];
    const change = before !== null && after !== null ? after - before : null;
    const better = change === null || change === 0 ? null : isMinimized(metric) ? change < 0 : change > 0;
    let noise: MetricNoise | null = null;
    if (paired && change !== null) {
      // NOTE: one child stream per metric, so a metric's interval does not depend on which others are listed.
      const d = pairedBootstrapDelta(
        { probs: paired.probsA, threshold: paired.thresholdA }, { probs: paired.probsB, threshold: paired.thresholdB },
        paired.labels01, metric, { resamples: paired.resamples, rng: new Rng('assay-diff').child(metric), beta: paired.beta },
      );
      noise = { kind: 'paired', low: d.low, high: d.high, within: d.low <= 0 && d.high >= 0 };
    } else if (!paired) {
      const ia = ma.holdout?.intervals?.[metric], ib = mb.holdout?.intervals?.[metric];
      if (ia && ib) noise = { kind: 'intervals', overlap: ia.low <= ib.high && ib.low <= ia.high };
    }
    return [{ metric, before, after, change, better, noise }];
  });
}
