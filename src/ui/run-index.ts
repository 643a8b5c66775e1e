/**
 * The runs table's data: one row per run folder under the runs folder, read as it is on disk (no
 * database to keep in sync). Rows are cached by the modification times of the files they come
 * from, so a page load over 1,000 unchanged runs re-reads nothing, and a new or finished run is
 * noticed on the next load.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { RUN_ID, readJson } from '../store/run-folder.js';
import { flatten } from '../results/flatten.js';
import type { RunLock, RunMetrics } from '../results/run-files.js';
import { PROGRESS_FILE, type ProgressRecord } from '../run/progress-record.js';

/** The hold-out metrics the table shows as columns (when present). */
export const KEY_METRICS = ['f1', 'mcc', 'recall', 'precision', 'fnr', 'pr-auc', 'roc-auc'] as const;

export type RunStatus = 'running' | 'finished' | 'failed' | 'interrupted' | 'incomplete';

/** One row of the runs table; plain JSON. */
export interface RunRow {
  /** `<name>/<run-id>`: the run's key in URLs. */
  readonly key: string;
  readonly name: string;
  readonly id: string;
  readonly version: number | null;
  readonly description: string | null;
  readonly status: RunStatus;
  /** Stage that failed or was interrupted, and the message. */
  readonly error: { readonly stage: string | null; readonly message: string } | null;
  readonly createdAt: string | null;
  /** Sum of the stage times (seconds), or the time since the start for a running run. */
  readonly seconds: number | null;
  readonly git: { readonly commit: string | null; readonly dirty: boolean | null } | null;
  readonly overrides: readonly string[];
  readonly objective: { readonly metric: string; readonly holdout: number | null; readonly validation: number | null } | null;
  readonly metrics: Readonly<Record<string, number>>;
  readonly intervals: Readonly<Record<string, { readonly low: number; readonly high: number }>>;
  readonly n: number | null;
  /** The resolved pipeline flattened to dotted keys (for the differing-parameter columns). */
  readonly params: Readonly<Record<string, string>>;
  readonly trials: { readonly done: number; readonly planned: number | null } | null;
  /** Whether the run folder has a report.html. */
  readonly report: boolean;
}

interface LockExtra extends RunLock {
  readonly git?: { readonly commit?: string | null; readonly dirty?: boolean | null };
  readonly error?: { readonly stage?: string | null; readonly message?: string };
  readonly stages?: readonly { readonly name: string; readonly key: string; readonly seconds?: number }[];
}

interface MetricsExtra extends RunMetrics {
  readonly validation?: { readonly score?: number };
  readonly search?: { readonly trials?: number; readonly planned?: number };
}

/** Whether process `pid` is alive on this machine (a running run whose process died was interrupted). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Build the row of one run folder from its lock, metrics and progress record. */
export function runRow(name: string, id: string, lock: LockExtra | null, metrics: MetricsExtra | null, progress: ProgressRecord | null, hasReport: boolean): RunRow {
  const pipeline = (lock?.pipeline ?? null) as { version?: number; description?: string } | null;
  let status: RunStatus;
  let error: RunRow['error'] = null;
  // NOTE: the lock is written last: a run with metrics.json but no final lock is still writing
  // its folder while its process lives. Folders without a progress record or a lock status
  // (older runs) are finished when they have metrics.
  if (lock?.status === 'finished') status = 'finished';
  else if (lock?.status === 'failed') {
    error = { stage: lock.error?.stage ?? null, message: lock.error?.message ?? '' };
    status = /^interrupted/.test(error.message) ? 'interrupted' : 'failed';
  } else if (progress?.state === 'running') status = processAlive(progress.pid) ? 'running' : 'interrupted';
  else if (metrics && !progress) status = 'finished';
  else if (progress?.state === 'failed') {
    // The record says how it ended before the lock does (or when the lock could not be written).
    error = progress.error ?? { stage: null, message: '' };
    status = /^interrupted/.test(error.message) ? 'interrupted' : 'failed';
  } else status = 'incomplete';
  if (status === 'interrupted' && !error && progress) error = { stage: progress.stage, message: 'the process ended without recording an outcome' };
  const metric = metrics?.objective?.metric ?? progress?.trials.metric ?? null;
  const values = metrics?.holdout?.metrics ?? {};
  const intervals: Record<string, { low: number; high: number }> = {};
  for (const [k, v] of Object.entries(metrics?.holdout?.intervals ?? {})) intervals[k] = { low: v.low, high: v.high };
  const stageSeconds = (lock?.stages ?? []).reduce((a, s) => a + (s.seconds ?? 0), 0);
  const running = status === 'running' && progress ? (Date.parse(progress.updatedAt) - Date.parse(progress.startedAt)) / 1000 : null;
  return {
    key: `${name}/${id}`, name, id,
    version: pipeline?.version ?? progress?.version ?? null,
    description: typeof pipeline?.description === 'string' ? pipeline.description : null,
    status, error,
    createdAt: lock?.createdAt ?? progress?.startedAt ?? null,
    seconds: running ?? (lock?.stages ? Math.round(stageSeconds * 10) / 10 : null),
    git: lock?.git ? { commit: lock.git.commit ?? null, dirty: lock.git.dirty ?? null } : null,
    overrides: lock?.overrides ?? [],
    objective: metric ? { metric, holdout: values[metric as keyof typeof values] ?? null, validation: metrics?.validation?.score ?? progress?.trials.best ?? null } : null,
    metrics: values as Record<string, number>,
    intervals,
    n: metrics?.holdout?.n ?? null,
    params: lock?.pipeline ? Object.fromEntries(flatten(lock.pipeline)) : {},
    trials: metrics?.search ? { done: metrics.search.trials ?? 0, planned: metrics.search.planned ?? null } : progress ? { done: progress.trials.done, planned: progress.trials.planned } : null,
    report: hasReport,
  };
}

interface Cached { readonly stamp: string; readonly row: RunRow }

/** Reads the runs folder into rows, re-reading only run folders whose files changed. */
export class RunIndex {
  private readonly cache = new Map<string, Cached>();
  constructor(readonly runsDir: string) {}

  /** Every run, newest first. */
  async rows(): Promise<RunRow[]> {
    const found: { name: string; id: string }[] = [];
    for (const name of await listDir(this.runsDir)) {
      if (name.startsWith('.')) continue;
      for (const id of await listDir(path.join(this.runsDir, name))) if (RUN_ID.test(id)) found.push({ name, id });
    }
    const rows = await mapLimit(found, 32, ({ name, id }) => this.row(name, id));
    const live = new Set(found.map((f) => `${f.name}/${f.id}`));
    for (const k of this.cache.keys()) if (!live.has(k)) this.cache.delete(k);
    return rows.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  }

  /** One run's row (fresh or cached), or null when `name/id` is not a run folder. */
  async row(name: string, id: string): Promise<RunRow> {
    const dir = path.join(this.runsDir, name, id);
    const key = `${name}/${id}`;
    const hit = this.cache.get(key);
    // NOTE: a finished or failed run's folder no longer changes but by adding or removing files,
    // which moves the folder's mtime: one stat per run then tells whether to re-read it.
    const dirStamp = await stat(dir).then((s) => String(s.mtimeMs), () => '-');
    if (hit && hit.stamp.startsWith(`${dirStamp}|`) && (hit.row.status === 'finished' || hit.row.status === 'failed')) return hit.row;
    const files = ['lock.json', 'metrics.json', PROGRESS_FILE, 'report.html'];
    const stamps = await Promise.all(files.map((f) => stat(path.join(dir, f)).then((s) => `${s.mtimeMs}:${s.size}`, () => '-')));
    const stamp = [dirStamp, ...stamps].join('|');
    // A running row is rebuilt each time: whether its process is alive is not in the stamp.
    if (hit && hit.stamp === stamp && hit.row.status !== 'running') return hit.row;
    const [lock, metrics, progress] = await Promise.all([
      stamps[0] === '-' ? null : readJson<LockExtra>(path.join(dir, 'lock.json')),
      stamps[1] === '-' ? null : readJson<MetricsExtra>(path.join(dir, 'metrics.json')),
      stamps[2] === '-' ? null : readJson<ProgressRecord>(path.join(dir, PROGRESS_FILE)),
    ]);
    const row = runRow(name, id, lock, metrics, progress, stamps[3] !== '-');
    this.cache.set(key, { stamp, row });
    return row;
  }
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  } catch {
    return [];
  }
}

/** Map with at most `limit` calls in flight, keeping the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
