/**
 * The one way assay runs git: read-only questions (commit, status, a file at a revision) with
 * the repository's own commands turned off. A repository's config can name commands that git
 * runs on `status` (core.fsmonitor) or on events (hooks); a pipeline's folder is not trusted to
 * run code, so those are disabled, and git is told not to rewrite the index while it looks.
 */
import { execa } from 'execa';

/** `-c` settings given before every git command. */
export const GIT_SAFETY: readonly string[] = ['-c', 'core.fsmonitor=false', '-c', 'core.hooksPath=/dev/null'];

/** Run `git ARGS` in `cwd` and return its stdout (final newline kept when asked). Throws as execa does. */
export async function git(args: readonly string[], cwd: string, opts: { readonly stripFinalNewline?: boolean } = {}): Promise<string> {
  const r = await execa('git', [...GIT_SAFETY, ...args], {
    cwd, stripFinalNewline: opts.stripFinalNewline ?? true, stdin: 'ignore',
    // NOTE: no optional locks: `git status` then leaves .git/index as it found it.
    env: { GIT_OPTIONAL_LOCKS: '0' },
  });
  return r.stdout;
}
