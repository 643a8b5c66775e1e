/**
 * What a run folder says about its run, read from the files alone (a fresh clone's committed
 * records suffice): its status, label, note, hold-out metrics and hold-out fingerprint.
 *
 * Status, from lock.json (written last, atomically):
 * - `finished`: the lock says so; every file was written before it.
 * - `failed` / `interrupted`: the lock records the stage and the error or signal.
 * - `running`: no lock yet, and the process named in running.json is alive on this machine.
 * - `incomplete`: no lock and no live process: killed (kill -9, power loss) or out of disk; the
 *   files it did write may look finished but are not to be trusted.
 */
import { hostname } from 'node:os';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { NotFoundError } from '../core/errors.js';
import { sha256 } from './fingerprint.js';
import {
  hasLock, LOCK_FILE, readHoldoutRecord, readLockOrNull, readMetricsOrNull, readNote, readRunningMark, RUN_FILES, RUN_ID, RUNNING_FILE,
  safeReaddir, type RunningMark,
} from './run-folder.js';

export type RunStatus = 'finished' | 'failed' | 'interrupted' | 'running' | 'incomplete';

export interface RunSummary {
  readonly id: string;
  readonly dir: string;
  /** The pipeline's name (the folder under runs/). */
  readonly name: string;
  readonly version: number | null;
  readonly status: RunStatus;
  /** Why the status is what it is, for anything but `finished` (e.g. `stage search: out of memory`). */
  readonly detail: string | null;
  /** The run's own name (`assay run --name`), null when none was given. */
  readonly label: string | null;
  /** The run's note (note.md), null when it has none. */
  readonly note: string | null;
  readonly objective: { readonly metric: string; readonly holdout: number | null } | null;
  /** Hold-out metrics of a finished run (empty otherwise). */
  readonly metrics: Readonly<Record<string, number>>;
  /** sha256 of the hold-out's sorted content ids: runs with equal fingerprints scored the same items. */
  readonly holdoutFingerprint: string | null;
  /** The resolved pipeline from the lock (null without a lock). */
  readonly pipeline: unknown;
  readonly createdAt: string | null;
}

/** The hold-out fingerprint of a list of content ids (order does not matter). */
export function holdoutFingerprint(ids: readonly string[]): string {
  return sha256([...ids].sort().join('\n'));
}

function alive(mark: RunningMark | null): boolean {
  if (!mark || mark.host !== hostname() || !Number.isInteger(mark.pid)) return false;
  try {
    process.kill(mark.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function present(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const f of RUN_FILES) {
    if (f.path === RUNNING_FILE) continue;
    if (await stat(path.join(dir, f.path)).then(() => true, () => false)) out.push(f.path.replace(/\/$/, ''));
  }
  return out;
}

/** Read one run folder's summary. */
export async function summarizeRun(dir: string, name: string, id: string): Promise<RunSummary> {
  const lock = await readLockOrNull(dir);
  const running = lock ? null : await readRunningMark(dir);
  const legacyInterrupt = lock?.status === 'failed' && /^interrupted by /.test(lock.error?.message ?? '');
  let status: RunStatus;
  let detail: string | null = null;
  if (lock?.status === 'finished') status = 'finished';
  else if (lock?.status === 'interrupted' || legacyInterrupt) {
    status = 'interrupted';
    detail = lock?.error?.message ?? 'interrupted';
  } else if (lock?.status === 'failed') {
    status = 'failed';
    detail = lock.error ? `${lock.error.stage ? `stage ${lock.error.stage}: ` : ''}${lock.error.message ?? 'no message'}` : null;
  } else if (alive(running)) {
    status = 'running';
    detail = `process ${running!.pid} since ${running!.startedAt}`;
  } else {
    status = 'incomplete';
    const files = await present(dir);
    detail = `no finished ${LOCK_FILE}: the run was killed or ran out of disk${files.length ? `; it had written ${files.join(', ')}` : ''}`;
  }
  const metrics = status === 'finished' ? await readMetricsOrNull(dir) : null;
  const metric = metrics?.objective?.metric;
  let fingerprint = metrics?.holdout?.fingerprint ?? null;
  if (status === 'finished' && fingerprint === null) {
    const h = await readHoldoutRecord(dir);
    if (h && Array.isArray(h.ids)) fingerprint = holdoutFingerprint(h.ids.map(String));
  }
  const note = await readNote(dir);
  const pipeline = lock?.pipeline ?? running?.pipeline ?? null;
  const version = (pipeline as { version?: unknown } | null)?.version;
  return {
    id, dir, name,
    version: typeof version === 'number' ? version : null,
    status, detail,
    label: lock?.label ?? running?.label ?? null,
    note,
    objective: metric ? { metric, holdout: metrics?.holdout?.metrics?.[metric] ?? null } : null,
    metrics: metrics?.holdout?.metrics ?? {},
    holdoutFingerprint: fingerprint,
    pipeline,
    createdAt: lock?.createdAt ?? running?.startedAt ?? null,
  };
}

/** Every run under `runsDir`, oldest first, whatever its status. */
export async function listRuns(runsDir: string): Promise<RunSummary[]> {
  const out: RunSummary[] = [];
  for (const name of await safeReaddir(runsDir)) {
    if (name.startsWith('.')) continue;
    for (const id of await safeReaddir(path.join(runsDir, name))) {
      if (!RUN_ID.test(id)) continue;
      const dir = path.join(runsDir, name, id);
      if (!(await stat(dir).then((s) => s.isDirectory(), () => false))) continue;
      out.push(await summarizeRun(dir, name, id));
    }
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Find a run by id (or a unique prefix of one), `NAME/ID`, its `--name` label, a run folder path,
 * or `latest` / `NAME@latest`: the latest FINISHED run (of that pipeline).
 */
export async function resolveRun(runsDir: string, ref: string): Promise<RunSummary> {
  const asPath = path.resolve(ref);
  if (RUN_ID.test(path.basename(asPath)) && (await stat(asPath).then((s) => s.isDirectory(), () => false))) {
    return summarizeRun(asPath, path.basename(path.dirname(asPath)), path.basename(asPath));
  }
  if (await hasLock(asPath)) return summarizeRun(asPath, path.basename(path.dirname(asPath)), path.basename(asPath));
  const runs = await listRuns(runsDir);
  if (ref === 'latest' || ref.endsWith('@latest')) {
    const name = ref === 'latest' ? null : ref.slice(0, -'@latest'.length);
    const mine = runs.filter((r) => name === null || r.name === name);
    const found = mine.filter((r) => r.status === 'finished').at(-1);
    if (!found) {
      const others = mine.length ? ` (${mine.length} run${mine.length === 1 ? '' : 's'} without a finished lock; see \`assay runs\`)` : '';
      throw new NotFoundError(`no finished runs${name ? ` of ${name}` : ''} under ${runsDir}${others}`);
    }
    return found;
  }
  const byLabel = runs.filter((r) => r.label === ref);
  if (byLabel.length >= 1) return byLabel.at(-1)!;
  const matches = runs.filter((r) => r.id === ref || r.id.startsWith(ref) || `${r.name}/${r.id}` === ref);
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) throw new NotFoundError(`run "${ref}" is ambiguous: ${matches.map((m) => m.id).join(', ')}`);
  throw new NotFoundError(`no run "${ref}" under ${runsDir} (try \`assay runs\`)`);
}
