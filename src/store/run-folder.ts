/**
 * Run folders: `runs/<name>/<run-id>/`. Run ids sort by time and are unique
 * (`YYYYMMDD-HHMMSS-mmm-xxxx`, UTC to the millisecond, with a random suffix); they never shape a result.
 *
 * `RUN_FILES` is the one list of what a run folder holds and which of it is a small text record
 * that users commit; `runs/.gitignore` is written from it. Every file is written atomically (temp
 * + rename) and lock.json last: a folder whose lock says `finished` is complete (run-status.ts).
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readFileBounded } from '../data/read-file-bounded.js';

export type RunId = string & { readonly __brand: 'RunId' };

/** The shape of a run id. */
export const RUN_ID = /^\d{8}-\d{6}-\d{3}-[0-9a-f]{4}$/;

/** One file (or folder, ending in `/`) of a run folder, and whether it belongs in git. */
export interface RunFile {
  readonly path: string;
  /** Small text that users commit: `show`, `runs` and a paired `diff` work from these alone. */
  readonly committed: boolean;
  readonly what: string;
}

export const RUN_FILES: readonly RunFile[] = [
  { path: 'pipeline.yaml', committed: true, what: 'the pipeline exactly as given' },
  { path: 'lock.json', committed: true, what: 'resolved pipeline, stage keys, versions, status; written last' },
  { path: 'metrics.json', committed: true, what: 'hold-out and validation metrics, search summary' },
  { path: 'trials.jsonl', committed: true, what: 'one line per trial' },
  { path: 'predictions.csv', committed: true, what: 'every hold-out prediction (the paired diff reads it)' },
  { path: 'holdout.json', committed: true, what: 'content ids of the hold-out items (the hold-out ledger and the paired diff read it)' },
  { path: 'report.md', committed: true, what: 'the report; links only committed files' },
  { path: 'charts/', committed: true, what: 'SVG charts report.md shows' },
  { path: 'note.md', committed: true, what: 'the run\'s note (`assay run --note`, `assay runs note`)' },
  { path: 'report.html', committed: false, what: 'self-contained report with the error gallery' },
  { path: 'model/', committed: false, what: 'the model and its fitted transform (`assay predict`)' },
  { path: 'running.json', committed: false, what: 'present while the run is in progress' },
  { path: 'progress.json', committed: false, what: 'the run\'s progress as it goes (stage, trials, best so far; run/progress-record.ts)' },
];

/** Shorthands for the names code refers to. */
export const LOCK_FILE = 'lock.json';
export const RUNNING_FILE = 'running.json';
export const NOTE_FILE = 'note.md';

const GITIGNORE_HEAD = '# written by assay: run folders commit their small text records; large artifacts stay out of git';

/** The `runs/.gitignore` assay writes: the cache, and every run file that is not committed. */
export function runsGitignore(): string {
  const ignored = RUN_FILES.filter((f) => !f.committed).map((f) => `*/*/${f.path}`);
  return `${GITIGNORE_HEAD}\n.cache/\n${ignored.join('\n')}\n*/*/gallery/\n*/*/*.tmp\n*.partial/\n`;
}

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

/** What `running.json` holds while a run is in progress. */
export interface RunningMark {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
  readonly label?: string;
  /** The resolved pipeline, so that a run that never wrote its lock still says what it ran. */
  readonly pipeline?: unknown;
}

/**
 * Create `runs/<name>/<id>/` with its `running.json`, and keep `runs/.gitignore` (written when
 * absent, and brought up to date when assay wrote it).
 */
export async function createRunFolder(runsDir: string, name: string, id: RunId, opts: { label?: string; startedAt?: string; pipeline?: unknown } = {}): Promise<string> {
  const dir = path.join(runsDir, name, id);
  await mkdir(dir, { recursive: true });
  const ignore = path.join(runsDir, '.gitignore');
  const current = await readFile(ignore, 'utf8').catch(() => null);
  if (current === null || (current.startsWith('# written by assay') && current !== runsGitignore())) await writeFileAtomic(ignore, runsGitignore());
  const mark: RunningMark = { pid: process.pid, host: hostname(), startedAt: opts.startedAt ?? new Date().toISOString(), ...(opts.label ? { label: opts.label } : {}), ...(opts.pipeline !== undefined ? { pipeline: opts.pipeline } : {}) };
  await writeFileAtomic(path.join(dir, RUNNING_FILE), `${JSON.stringify(mark)}\n`);
  return dir;
}

/** Remove the in-progress mark once the lock is written. */
export async function clearRunningMark(dir: string): Promise<void> {
  await rm(path.join(dir, RUNNING_FILE), { force: true });
}

/** Write a file atomically (temp + rename in the same folder): a reader sees the old file or the whole new one. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}

export async function readJson<T>(file: string): Promise<T | null> {
  try {
    // NOTE: a run folder may come from someone else's repository: read only a regular, bounded file.
    return JSON.parse((await readFileBounded(file)).toString('utf8')) as T;
  } catch {
    return null;
  }
}

export async function safeReaddir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

/** Set (or with empty text, remove) a run's note. */
export async function writeRunNote(dir: string, text: string): Promise<void> {
  if (text.trim() === '') await rm(path.join(dir, NOTE_FILE), { force: true });
  else await writeFileAtomic(path.join(dir, NOTE_FILE), `${text.trim()}\n`);
}
