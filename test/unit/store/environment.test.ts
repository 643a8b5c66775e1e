import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitState } from '../../../src/store/environment.js';
import { pipelineAtRevision } from '../../../src/results/resolve-side.js';

describe('gitState', () => {
  it('records the commit, and calls the tree dirty only when a tracked file changed', async () => {
    const repo = await mkdtemp(path.join(tmpdir(), 'assay-git-'));
    const git = (...args: string[]) => execa('git', args, { cwd: repo });
    await git('init', '-q');
    await git('config', 'user.email', 't@example.invalid');
    await git('config', 'user.name', 't');
    const file = path.join(repo, 'p.yaml');
    await writeFile(file, 'a: 1\n');
    await git('add', 'p.yaml');
    await git('commit', '-qm', 'one');
    const head = (await git('rev-parse', 'HEAD')).stdout.trim();
    await writeFile(path.join(repo, 'untracked-run-output.json'), '{}');
    expect(await gitState(file)).toEqual({ commit: head, dirty: false, pipelinePath: 'p.yaml' });
    await writeFile(file, 'a: 2\n');
    expect((await gitState(file)).dirty).toBe(true);
    await rm(repo, { recursive: true, force: true });
  });

  it('runs none of the repository\'s own commands (fsmonitor, hooks) and leaves its index alone', async () => {
    const repo = await mkdtemp(path.join(tmpdir(), 'assay-git-'));
    const git = (...args: string[]) => execa('git', args, { cwd: repo });
    await git('init', '-q');
    await git('config', 'user.email', 't@example.invalid');
    await git('config', 'user.name', 't');
    const file = path.join(repo, 'p.yaml');
    await writeFile(file, 'a: 1\n');
    await git('add', 'p.yaml');
    await git('commit', '-qm', 'one');
    const marker = path.join(repo, 'fsmonitor-ran');
    // A repository-local fsmonitor command: plain `git status` runs it (and it writes the marker).
    await git('config', 'core.fsmonitor', `touch '${marker}'; false`);
    await git('config', 'core.hooksPath', path.join(repo, 'hooks'));
    await execa('git', ['status', '--porcelain'], { cwd: repo });
    expect(existsSync(marker)).toBe(true);
    await rm(marker);
    // Touch the file without changing it, so a status that refreshes the index would rewrite it.
    await writeFile(file, 'a: 1\n');
    const index = await readFile(path.join(repo, '.git', 'index'));
    expect((await gitState(file)).commit).toMatch(/^[0-9a-f]{40}$/);
    expect((await pipelineAtRevision('p.yaml', 'HEAD', repo)).text).toBe('a: 1\n');
    expect(existsSync(marker)).toBe(false);
    expect(await readFile(path.join(repo, '.git', 'index'))).toEqual(index);
    await rm(repo, { recursive: true, force: true });
  });

  it('says nothing (nulls) outside a git repository', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'assay-nogit-'));
    expect(await gitState(path.join(dir, 'p.yaml'))).toEqual({ commit: null, dirty: null, pipelinePath: null });
    await rm(dir, { recursive: true, force: true });
  });
});
