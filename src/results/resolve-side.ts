/**
 * One side of `assay diff`: a run (id, unique prefix, `latest`, `NAME@latest`, a run folder), a
 * pipeline file at a git revision (`pipelines/x.yaml@HEAD~1`), or a pipeline file as it is in the
 * working tree (`pipelines/x.yaml`). A pipeline text is matched to the latest finished run whose
 * `pipeline.yaml` holds exactly that text.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { git } from '../store/git.js';
import { NotFoundError } from '../core/errors.js';
import { listRuns, resolveRun } from '../store/run-status.js';
import { hasLock, readLock, readRunPipelineText } from '../store/run-folder.js';

/** What a diff argument names, before any file is read. */
export type SideRef =
  | { readonly kind: 'run'; readonly ref: string }
  | { readonly kind: 'revision'; readonly file: string; readonly rev: string }
  | { readonly kind: 'worktree'; readonly file: string };

/** A side resolved to a run folder, with a label saying how it was found. */
export interface ResolvedSide {
  /** e.g. `pipelines/x.yaml@HEAD~1 (abc1234)`, `pipelines/x.yaml (working tree)` or the run ref as given. */
  readonly label: string;
  readonly run: string;
  readonly dir: string;
}

const PIPELINE_FILE = /\.ya?ml$/i;

/** Classify a diff argument. `X.yaml@REV` is a revision; an existing `X.yaml` file is the working tree; anything else is a run. */
export async function parseSide(arg: string, cwd: string): Promise<SideRef> {
  const at = /^(.+\.ya?ml)@(.+)$/i.exec(arg);
  if (at) return { kind: 'revision', file: at[1]!, rev: at[2]! };
  if (PIPELINE_FILE.test(arg)) {
    try {
      if ((await stat(path.resolve(cwd, arg))).isFile()) return { kind: 'worktree', file: arg };
    } catch { /* not a file: treat as a run ref, which reports its own error */ }
  }
  return { kind: 'run', ref: arg };
}

async function gitOut(args: readonly string[], cwd: string): Promise<string> {
  return git(args, cwd, { stripFinalNewline: false });
}

/** The file's text at `rev`, its path from the repository root, and the revision's short hash. Throws NotFoundError. */
export async function pipelineAtRevision(file: string, rev: string, cwd: string): Promise<{ text: string; repoPath: string; short: string }> {
  const abs = path.resolve(cwd, file);
  const dir = path.dirname(abs);
  let prefix: string;
  try {
    prefix = (await gitOut(['rev-parse', '--show-prefix'], dir)).trim();
  } catch {
    throw new NotFoundError(`${file} is not inside a git repository, so ${file}@${rev} has no meaning`);
  }
  const repoPath = `${prefix}${path.basename(abs)}`;
  let short: string;
  try {
    short = (await gitOut(['rev-parse', '--short', '--verify', `${rev}^{commit}`], dir)).trim();
  } catch {
    throw new NotFoundError(`unknown git revision "${rev}" (try \`git log --oneline -- ${file}\`)`);
  }
  try {
    return { text: await gitOut(['show', `${short}:${repoPath}`], dir), repoPath, short };
  } catch {
    throw new NotFoundError(`${file} does not exist at ${rev} (${short}); its history: \`git log --oneline -- ${file}\``);
  }
}

const normalize = (s: string) => s.replace(/\r\n/g, '\n');

/**
 * The latest finished run whose pipeline.yaml equals `text` (line endings aside); runs without
 * `--set` overrides are preferred, since an override changes what the text says. Null when none.
 */
export async function findRunByText(runsDir: string, text: string): Promise<{ id: string; dir: string } | null> {
  const want = normalize(text);
  const matches: { id: string; dir: string; plain: boolean }[] = [];
  for (const r of await listRuns(runsDir)) {
    if (r.status !== 'finished') continue;
    const mine = await readRunPipelineText(r.dir);
    if (typeof mine !== 'string' || normalize(mine) !== want) continue;
    const lock = await readLock(r.dir).catch(() => null);
    matches.push({ id: r.id, dir: r.dir, plain: (lock?.overrides ?? []).length === 0 });
  }
  const best = matches.filter((m) => m.plain).at(-1) ?? matches.at(-1);
  return best ? { id: best.id, dir: best.dir } : null;
}

/** Resolve a diff side to a run folder. Throws NotFoundError saying how to make the missing run. */
export async function resolveSide(side: SideRef, runsDir: string, cwd: string): Promise<ResolvedSide> {
  switch (side.kind) {
    case 'run': {
      // NOTE: a run folder given as a relative path resolves against `cwd`, like everything else here.
      const asFolder = path.resolve(cwd, side.ref);
      const isFolder = await hasLock(asFolder);
      const r = await resolveRun(runsDir, isFolder ? asFolder : side.ref);
      if (r.status !== 'finished') {
        throw new NotFoundError(`run ${r.id} is ${r.status}${r.detail ? ` (${r.detail})` : ''}: only finished runs are compared`);
      }
      return { label: side.ref === r.id ? r.id : `${side.ref} (${r.id})`, run: r.id, dir: r.dir };
    }
    case 'revision': {
      const { text, repoPath, short } = await pipelineAtRevision(side.file, side.rev, cwd);
      const label = `${side.file}@${side.rev} (${short})`;
      const found = await findRunByText(runsDir, text);
      if (found) return { label, run: found.id, dir: found.dir };
      const copy = `${path.basename(side.file).replace(PIPELINE_FILE, '')}-${short}.yaml`;
      throw new NotFoundError(
        `no run of ${side.file} at ${side.rev} (${short}) under ${runsDir}: no finished run has that pipeline text. Make one from this folder with\n` +
        `  git show ${short}:${repoPath} > ${copy} && assay run ${copy} --runs-dir ${runsDir}\n` +
        `(relative data paths resolve against the working folder, as before), or with \`git stash && assay run ${side.file} && git stash pop\` ` +
        `when ${side.rev} is HEAD, or in a second checkout: \`git worktree add ../at-${short} ${short}\` and run it there with --runs-dir ${path.resolve(cwd, runsDir)}`,
      );
    }
    case 'worktree': {
      const text = await readFile(path.resolve(cwd, side.file), 'utf8');
      const found = await findRunByText(runsDir, text);
      if (found) return { label: `${side.file} (working tree)`, run: found.id, dir: found.dir };
      throw new NotFoundError(`no run of ${side.file} as it is in the working tree under ${runsDir}; make one with \`assay run ${side.file} --runs-dir ${runsDir}\``);
    }
  }
  side satisfies never;
  throw new Error('unreachable');
}
