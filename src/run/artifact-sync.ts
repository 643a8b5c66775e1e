/**
 * `assay cache push|pull`: a run folder (model, predictions, gallery, reports, lock) to and from
 * the artifact store, so a teammate with a fresh clone of the experiment repository can
 * `predict`, `diff` and `rerun --check` a run made elsewhere. Each file travels by sha256; the
 * run's manifest (path, size, hash of every file) is the reference `runs/<run-id>.json`.
 * A pull verifies every file, and never overwrites a local file that differs.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { AssayError, NotFoundError } from '../core/errors.js';
import { isHash, openArtifactStore, sha256Bytes } from '../store/artifact-store.js';
import { RUN_ID, writeFileAtomic } from '../store/run-folder.js';
import { resolveRun } from '../store/run-status.js';

export interface RunManifest {
  readonly format: 1;
  readonly run: string;
  /** The pipeline's name: the run lives at `runs/<name>/<run>/`. */
  readonly name: string;
  readonly files: readonly { readonly path: string; readonly size: number; readonly sha256: string }[];
}

export interface SyncedRun {
  readonly run: string;
  readonly dir: string;
  readonly files: number;
  readonly bytes: number;
  /** Files that crossed (pushed new to the store, or written locally on pull). */
  readonly moved: number;
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...await listFiles(path.join(dir, e.name), rel));
    else if (e.isFile() && !e.name.endsWith('.tmp')) out.push(rel);
  }
  return out;
}

/** Push each run (`latest`, an id or prefix, a folder) to the store. */
export async function pushRuns(opts: { runsDir: string; refs: readonly string[]; store: string }): Promise<SyncedRun[]> {
  const store = await openArtifactStore(opts.store);
  const out: SyncedRun[] = [];
  for (const ref of opts.refs) {
    const run = await resolveRun(opts.runsDir, ref);
    if (run.status !== 'finished') throw new AssayError('push.unfinished', `run ${run.id} is ${run.status}: only finished runs are pushed`);
    const files: { path: string; size: number; sha256: string }[] = [];
    let moved = 0;
    for (const rel of await listFiles(run.dir)) {
      const bytes = await readFile(path.join(run.dir, rel));
      const sha256 = sha256Bytes(bytes);
      if (!(await store.has(sha256))) { await store.put(bytes); moved++; }
      files.push({ path: rel, size: bytes.length, sha256 });
    }
    const manifest: RunManifest = { format: 1, run: run.id, name: run.name, files };
    await store.putRef(`runs/${run.id}.json`, Buffer.from(`${JSON.stringify(manifest, null, 1)}\n`));
    out.push({ run: run.id, dir: run.dir, files: files.length, bytes: files.reduce((a, f) => a + f.size, 0), moved });
  }
  return out;
}

function parseManifest(bytes: Buffer, id: string, shown: string): RunManifest {
  const bad = (what: string): never => { throw new AssayError('pull.manifest', `the store ${shown} holds a malformed manifest for run ${id}: ${what}`, 2); };
  let m: RunManifest;
  try {
    m = JSON.parse(bytes.toString('utf8')) as RunManifest;
  } catch {
    return bad('not JSON');
  }
  if (m?.format !== 1 || m.run !== id || typeof m.name !== 'string' || !/^[\w.-]+$/.test(m.name) || m.name.startsWith('.') || !Array.isArray(m.files)) bad('header');
  for (const f of m.files) {
    const parts = typeof f?.path === 'string' ? f.path.split('/') : [];
    if (parts.length === 0 || parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\\')) || !isHash(f.sha256)) bad(`file ${JSON.stringify(f?.path)}`);
  }
  return m;
}

/**
 * Pull each run into `runsDir/<name>/<id>/`. A ref is a run id, or anything `resolveRun` finds
 * locally (a clone may already hold the run's committed lock).
 * @throws NotFoundError when the store has no such run; AssayError `pull.conflict` when a local
 *   file differs from the pushed one; `artifact.missing` / `artifact.corrupt` naming the hash.
 */
export async function pullRuns(opts: { runsDir: string; refs: readonly string[]; store: string }): Promise<SyncedRun[]> {
  const store = await openArtifactStore(opts.store);
  const out: SyncedRun[] = [];
  for (const ref of opts.refs) {
    const id = RUN_ID.test(ref) ? ref : (await resolveRun(opts.runsDir, ref).catch(() => { throw new NotFoundError(`no run "${ref}": give a run id (YYYYMMDD-HHMMSS-mmm-xxxx) to pull`); })).id;
    const raw = await store.getRef(`runs/${id}.json`);
    if (raw === null) throw new NotFoundError(`run ${id} is not in the store ${store.shown} (push it with \`assay cache push ${id}\`)`);
    const m = parseManifest(raw, id, store.shown);
    const dir = path.join(opts.runsDir, m.name, m.run);
    let moved = 0;
    const conflicts: string[] = [];
    for (const f of m.files) {
      const dest = path.join(dir, ...f.path.split('/'));
      const local = await readFile(dest).catch(() => null);
      if (local !== null) {
        if (sha256Bytes(local) !== f.sha256) conflicts.push(f.path);
        continue;
      }
      const bytes = await store.get(f.sha256);
      await mkdir(path.dirname(dest), { recursive: true });
      await writeFileAtomic(dest, bytes);
      moved++;
    }
    if (conflicts.length > 0) throw new AssayError('pull.conflict', `run ${id}: ${conflicts.length} local file(s) differ from the pushed run and were left as they are: ${conflicts.slice(0, 5).join(', ')}`);
    out.push({ run: id, dir, files: m.files.length, bytes: m.files.reduce((a, f) => a + f.size, 0), moved });
  }
  return out;
}
