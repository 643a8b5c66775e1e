/**
 * Run folders: `runs/<name>/<run-id>/`. Run ids sort by time and are unique
 * (`YYYYMMDD-HHMMSS-mmm-xxxx`, UTC to the millisecond, with a random suffix); they never shape a result.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { NotFoundError } from '../core/errors.js';

export type RunId = string & { readonly __brand: 'RunId' };

/** The shape of a run id. */
export const RUN_ID = /^\d{8}-\d{6}-\d{3}-[0-9a-f]{4}$/;

/** Files every finished run folder holds. */
export const RUN_FILES = ['pipeline.yaml', 'lock.json', 'metrics.json', 'trials.jsonl', 'predictions.csv', 'report.md', 'report.html', 'model'] as const;

export function newRunId(now: Date = new Date()): RunId {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const stamp = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}-${p(now.getUTCMilliseconds(), 3)}`;
  return `${stamp}-${randomBytes(2).toString('hex')}` as RunId;
}

/** Create `runs/<name>/<id>/` (and a `runs/.gitignore` keeping the cache and models out of git). */
export async function createRunFolder(runsDir: string, name: string, id: RunId): Promise<string> {
  const dir = path.join(runsDir, name, id);
  await mkdir(dir, { recursive: true });
  const ignore = path.join(runsDir, '.gitignore');
  try {
    await stat(ignore);
  } catch {
    // NOTE: the small text records (pipeline, lock, metrics, report.md) may be committed by users;
    // the cache, models and bulky files stay out of git.
    await writeFile(ignore, '# written by assay: large artifacts stay out of git\n.cache/\n*/*/model/\n*/*/gallery/\n*/*/predictions.csv\n*/*/report.html\n*.partial/\n');
  }
  return dir;
}

/** Write a file atomically (temp + rename in the same folder). */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}

export interface RunSummary {
  readonly id: string;
  readonly dir: string;
  readonly name: string;
  readonly version: number | null;
  readonly status: 'finished' | 'failed' | 'incomplete';
  readonly objective: { readonly metric: string; readonly holdout: number | null } | null;
  readonly createdAt: string | null;
}

/** Every run under `runsDir`, oldest first. */
export async function listRuns(runsDir: string): Promise<RunSummary[]> {
  const out: RunSummary[] = [];
  for (const name of await safeReaddir(runsDir)) {
    if (name.startsWith('.')) continue;
    for (const id of await safeReaddir(path.join(runsDir, name))) {
      const dir = path.join(runsDir, name, id);
      if (!RUN_ID.test(id)) continue;
      out.push(await summarize(dir, name, id));
    }
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

async function summarize(dir: string, name: string, id: string): Promise<RunSummary> {
  const lock = await readJson<{ pipeline?: { version?: number }; createdAt?: string; status?: string; error?: unknown }>(path.join(dir, 'lock.json'));
  const metrics = await readJson<{ objective?: { metric: string }; holdout?: { metrics?: Record<string, number> } }>(path.join(dir, 'metrics.json'));
  const status = metrics ? 'finished' : lock?.status === 'failed' ? 'failed' : 'incomplete';
  const metric = metrics?.objective?.metric;
  return {
    id, dir, name,
    version: lock?.pipeline?.version ?? null,
    status,
    objective: metric ? { metric, holdout: metrics?.holdout?.metrics?.[metric] ?? null } : null,
    createdAt: lock?.createdAt ?? null,
  };
}

/**
 * Find a run by id (or a unique prefix of one), by folder path, or `latest` / `<name>@latest`.
 */
export async function resolveRun(runsDir: string, ref: string): Promise<RunSummary> {
  const asPath = path.resolve(ref);
  try {
    if ((await stat(path.join(asPath, 'lock.json'))).isFile()) {
      return summarize(asPath, path.basename(path.dirname(asPath)), path.basename(asPath));
    }
  } catch { /* not a folder path */ }
  const runs = await listRuns(runsDir);
  if (ref === 'latest' || ref.endsWith('@latest')) {
    const name = ref === 'latest' ? null : ref.slice(0, -'@latest'.length);
    const found = runs.filter((r) => name === null || r.name === name).at(-1);
    if (!found) throw new NotFoundError(`no runs${name ? ` of ${name}` : ''} under ${runsDir}`);
    return found;
  }
  const matches = runs.filter((r) => r.id === ref || r.id.startsWith(ref) || `${r.name}/${r.id}` === ref);
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) throw new NotFoundError(`run "${ref}" is ambiguous: ${matches.map((m) => m.id).join(', ')}`);
  throw new NotFoundError(`no run "${ref}" under ${runsDir} (try \`assay runs\`)`);
}

export async function readJson<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

async function safeReaddir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}
