/**
 * The compare view's data: the first run is the baseline, every other run is diffed against it
 * with `assay diff`'s own computation (results/diff-runs.ts), so the metric table and its noise
 * marking are the numbers `assay diff --json` prints. Feature steps are compared as a sequence,
 * so inserting one step reads as one insertion rather than every later step "changed".
 */
import { diffRunDirs, type RunDiff } from '../results/diff-runs.js';
import { readLock } from '../store/run-folder.js';

/** One edit of the feature-step list. */
export type StepEdit =
  | { readonly kind: 'same'; readonly step: string }
  | { readonly kind: 'inserted'; readonly step: string; readonly at: number }
  | { readonly kind: 'removed'; readonly step: string; readonly at: number };

export interface PairComparison {
  /** The other run's key (`name/id`). */
  readonly key: string;
  readonly steps: readonly StepEdit[];
  /** Changed parameters other than `features[...]` (those are in `steps`). */
  readonly parameters: RunDiff['parameters'];
  readonly metrics: RunDiff['metrics'];
  readonly stages: RunDiff['stages'];
  readonly pairing: RunDiff['pairing'];
}

export interface Comparison {
  readonly base: string;
  readonly others: readonly PairComparison[];
}

/** One line per step: `kind {params}`, for showing and matching. */
function stepText(step: unknown): string {
  if (typeof step !== 'object' || step === null) return JSON.stringify(step);
  const obj = step as Record<string, unknown>;
  // The resolved pipeline writes a step as `{ <kind>: {params} }`; a `kind` member is accepted too.
  const entries = Object.entries(obj);
  if (!('kind' in obj) && entries.length === 1) return `${entries[0]![0]} ${JSON.stringify(entries[0]![1])}`;
  const { kind, ...rest } = obj;
  return Object.keys(rest).length ? `${String(kind)} ${JSON.stringify(rest)}` : String(kind);
}

/** Longest-common-subsequence edit script of two step lists. */
export function stepEdits(a: readonly unknown[], b: readonly unknown[]): StepEdit[] {
  const x = a.map(stepText), y = b.map(stepText);
  const L = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
  for (let i = x.length - 1; i >= 0; i--) for (let j = y.length - 1; j >= 0; j--) L[i]![j] = x[i] === y[j] ? L[i + 1]![j + 1]! + 1 : Math.max(L[i + 1]![j]!, L[i]![j + 1]!);
  const out: StepEdit[] = [];
  let i = 0, j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) { out.push({ kind: 'same', step: x[i]! }); i++; j++; }
    else if (j < y.length && (i === x.length || L[i]![j + 1]! >= L[i + 1]![j]!)) { out.push({ kind: 'inserted', step: y[j]!, at: j }); j++; }
    else { out.push({ kind: 'removed', step: x[i]!, at: i }); i++; }
  }
  return out;
}

function features(pipeline: unknown): unknown[] {
  const f = (pipeline as { features?: unknown } | null)?.features;
  return Array.isArray(f) ? f : [];
}

/** Compare run folders: `runs[0]` is the baseline. */
export async function compareRunFolders(runs: readonly { key: string; dir: string }[]): Promise<Comparison> {
  const [base, ...rest] = runs;
  if (!base || rest.length === 0) throw new Error('compare needs at least two runs');
  const baseLock = await readLock(base.dir);
  const others: PairComparison[] = [];
  for (const r of rest) {
    const diff = await diffRunDirs({ label: base.key, run: base.key, dir: base.dir }, { label: r.key, run: r.key, dir: r.dir });
    const lock = await readLock(r.dir);
    others.push({
      key: r.key,
      steps: stepEdits(features(baseLock.pipeline), features(lock.pipeline)),
      parameters: diff.parameters.filter((p) => !/^features(\[|$)/.test(p.key)),
      metrics: diff.metrics, stages: diff.stages, pairing: diff.pairing,
    });
  }
  return { base: base.key, others };
}
