/**
 * A run folder's life: `runs/<name>/<run-id>/` is created with `running.json` (the in-progress
 * mark), gets `pipeline.yaml` and `note.md` first, and loses the mark once the lock is written
 * (lock.ts). Also the runs folder's `.gitignore`, kept in step with `RUN_FILES`.
 */
import { hostname } from 'node:os';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { readPipelineText as readPipelineFile } from '../../data/read-file-bounded.js';
import type { RunId } from './ids.js';
import { readJson, readTextOrNull, writeFileAtomic } from './io.js';
import { isAssayGitignore, NOTE_FILE, PIPELINE_FILE, RUNNING_FILE, runsGitignore } from './names.js';

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
  if (current === null || (isAssayGitignore(current) && current !== runsGitignore())) await writeFileAtomic(ignore, runsGitignore());
  const mark: RunningMark = { pid: process.pid, host: hostname(), startedAt: opts.startedAt ?? new Date().toISOString(), ...(opts.label ? { label: opts.label } : {}), ...(opts.pipeline !== undefined ? { pipeline: opts.pipeline } : {}) };
  await writeFileAtomic(path.join(dir, RUNNING_FILE), `${JSON.stringify(mark)}\n`);
  return dir;
}

/** The in-progress mark, or null when there is none (or it is unreadable). */
export async function readRunningMark(dir: string): Promise<RunningMark | null> {
  return readJson<RunningMark>(path.join(dir, RUNNING_FILE));
}

/** Remove the in-progress mark once the lock is written. */
export async function clearRunningMark(dir: string): Promise<void> {
  await rm(path.join(dir, RUNNING_FILE), { force: true });
}

/** The path of a run's `pipeline.yaml` (what `assay rerun` runs again). */
export function pipelineFile(dir: string): string {
  return path.join(dir, PIPELINE_FILE);
}

/** Write `pipeline.yaml`: the pipeline exactly as given. */
export async function writePipelineText(dir: string, text: string): Promise<void> {
  await writeFileAtomic(pipelineFile(dir), text);
}

/** A run's `pipeline.yaml` text, or why it cannot be read (no such file, not a regular file, too large). */
export async function readRunPipelineText(dir: string): Promise<string | { readonly reason: string }> {
  return readPipelineFile(pipelineFile(dir));
}

/** Write `note.md`: the note's text, trimmed, with a final line break. */
export async function writeNote(dir: string, text: string): Promise<void> {
  await writeFileAtomic(path.join(dir, NOTE_FILE), `${text.trim()}\n`);
}

/** Set (or with empty text, remove) a run's note. */
export async function writeRunNote(dir: string, text: string): Promise<void> {
  if (text.trim() === '') await rm(path.join(dir, NOTE_FILE), { force: true });
  else await writeNote(dir, text);
}

/** A run's note, trimmed; null when it has none (no file, or only white space). */
export async function readNote(dir: string): Promise<string | null> {
  return ((await readTextOrNull(path.join(dir, NOTE_FILE))) ?? '').trim() || null;
}
