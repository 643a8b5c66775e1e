/**
 * The runs table's data: one row per run folder under the runs folder, read as it is on disk (no
 * database to keep in sync). Rows are cached by the modification times of the files they come
 * from, so a page load over 1,000 unchanged runs re-reads nothing, and a new or finished run is
 * noticed on the next load.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  LOCK_FILE, METRICS_FILE, NOTE_FILE, PROGRESS_FILE, readLockOrNull, readMetricsOrNull, readProgress, REPORT_HTML_FILE, RUN_ID, RUNNING_FILE,
  type ProgressRecord, type RunLock, type RunMetrics,
} from '../store/run-folder.js';
import { summarizeRun, type RunStatus, type RunSummary } from '../store/run-status.js';
import { flatten } from '../results/flatten.js';

/** The hold-out metrics the table shows as columns (when present). */
export const KEY_METRICS = ['f1', 'mcc', 'recall', 'precision', 'fnr', 'pr-auc', 'roc-auc'] as const;

export type { RunStatus };

/** One row of the runs table; plain JSON. */
export interface RunRow {
  /** `<name>/<run-id>`: the run's key in URLs. */
  readonly key: string;
  readonly name: string;
  readonly id: string;
  readonly version: number | null;
  /** The run's own name (`assay run --name`). */
  readonly label: string | null;
  /** The run's note (note.md). */
  readonly note: string | null;
  readonly description: string | null;
  /** Status as `assay runs` says it (store/run-status.ts). */
  readonly status: RunStatus;
  /** Stage that failed or was interrupted (or where an incomplete run stopped), and why. */
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

/**
 * Build the row of one run folder: status, label, note and version from the run-folder reader
 * (`summarizeRun`), the rest from the lock, metrics.json (finished runs only: another status's
 * metrics are not to be trusted) and the progress record.
 */
export function runRow(summary: RunSummary, lock: RunLock | null, metrics: RunMetrics | null, progress: ProgressRecord | null, hasReport: boolean): RunRow {
  const { name, id, status } = summary;
  const finished = status === 'finished' ? metrics : null;
  const pipeline = (summary.pipeline ?? null) as { description?: string } | null;
  let error: RunRow['error'] = null;
  if (status === 'failed' || status === 'interrupted') error = { stage: lock?.error?.stage ?? progress?.error?.stage ?? null, message: lock?.error?.message ?? summary.detail ?? '' };
  else if (status === 'incomplete') error = { stage: progress?.stage ?? null, message: summary.detail ?? `no finished ${LOCK_FILE}` };
  const metric = finished?.objective?.metric ?? progress?.trials.metric ?? null;
  const values = finished?.holdout?.metrics ?? {};
  const intervals: Record<string, { low: number; high: number }> = {};
  for (const [k, v] of Object.entries(finished?.holdout?.intervals ?? {})) intervals[k] = { low: v.low, high: v.high };
  const stageSeconds = (lock?.stages ?? []).reduce((a, st) => a + (st.seconds ?? 0), 0);
  const running = status === 'running' && progress ? (Date.parse(progress.updatedAt) - Date.parse(progress.startedAt)) / 1000 : null;
  return {
    key: `${name}/${id}`, name, id,
    version: summary.version ?? progress?.version ?? null,
    label: summary.label, note: summary.note,
    description: typeof pipeline?.description === 'string' ? pipeline.description : null,
    status, error,
    createdAt: summary.createdAt ?? progress?.startedAt ?? null,
    seconds: running ?? (lock?.stages ? Math.round(stageSeconds * 10) / 10 : null),
    git: lock?.git ? { commit: lock.git.commit ?? null, dirty: lock.git.dirty ?? null } : null,
    overrides: lock?.overrides ?? [],
    objective: metric ? { metric, holdout: values[metric as keyof typeof values] ?? null, validation: finished?.validation?.score ?? progress?.trials.best ?? null } : null,
    metrics: values as Record<string, number>,
    intervals,
    n: finished?.holdout?.n ?? null,
    params: summary.pipeline ? Object.fromEntries(flatten(summary.pipeline)) : {},
    trials: finished?.search ? { done: finished.search.trials ?? 0, planned: finished.search.planned ?? null } : progress ? { done: progress.trials.done, planned: progress.trials.planned } : null,
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

  /** One run's row (fresh or cached). */
  async row(name: string, id: string): Promise<RunRow> {
    const dir = path.join(this.runsDir, name, id);
    const key = `${name}/${id}`;
    const hit = this.cache.get(key);
    // NOTE: a finished, failed or interrupted run's folder changes only by adding, replacing
    // (files are written by rename) or removing files, which moves the folder's mtime: one stat
    // per run then tells whether to re-read it.
    const dirStamp = await stat(dir).then((st) => String(st.mtimeMs), () => '-');
    if (hit && hit.stamp.startsWith(`${dirStamp}|`) && FINAL.has(hit.row.status)) return hit.row;
    const files = [LOCK_FILE, METRICS_FILE, PROGRESS_FILE, REPORT_HTML_FILE, RUNNING_FILE, NOTE_FILE];
    const stamps = await Promise.all(files.map((f) => stat(path.join(dir, f)).then((st) => `${st.mtimeMs}:${st.size}`, () => '-')));
    const stamp = [dirStamp, ...stamps].join('|');
    // A running row is rebuilt each time: whether its process is alive is not in the stamp.
    if (hit && hit.stamp === stamp && hit.row.status !== 'running') return hit.row;
    const summary = await summarizeRun(dir, name, id);
    const [lock, metrics, progress] = await Promise.all([
      stamps[0] === '-' ? null : readLockOrNull(dir),
      stamps[1] === '-' || summary.status !== 'finished' ? null : readMetricsOrNull(dir),
      stamps[2] === '-' ? null : readProgress(dir),
    ]);
    const row = runRow(summary, lock, metrics, progress, stamps[3] !== '-');
    this.cache.set(key, { stamp, row });
    return row;
  }
}

const FINAL = new Set<RunStatus>(['finished', 'failed', 'interrupted']);

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
