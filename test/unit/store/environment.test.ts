import { execa } from 'execa';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitState } from '../../../src/store/environment.js';

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

  it('says nothing (nulls) outside a git repository', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'assay-nogit-'));
    expect(await gitState(path.join(dir, 'p.yaml'))).toEqual({ commit: null, dirty: null, pipelinePath: null });
    await rm(dir, { recursive: true, force: true });
  });
});
