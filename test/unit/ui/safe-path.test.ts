import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentType, runFile, safeSegments } from '../../../src/ui/safe-path.js';

const ID = '20250101-000000-000-aaaa';
let tmp: string, runs: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'assay-ui-path-'));
  runs = path.join(tmp, 'runs');
  await mkdir(path.join(runs, 'p', ID, 'gallery'), { recursive: true });
  await writeFile(path.join(runs, 'p', ID, 'report.html'), '<p>ok</p>');
  await writeFile(path.join(runs, 'p', ID, 'gallery', '1-original.png'), 'png');
  await writeFile(path.join(tmp, 'secret.txt'), 'secret');
  await symlink(path.join(tmp, 'secret.txt'), path.join(runs, 'p', ID, 'link.txt'));
  await symlink(tmp, path.join(runs, 'p', ID, 'up'));
  await mkdir(path.join(runs, 'q'));
  await symlink(path.join(runs, 'p', ID), path.join(runs, 'q', '20250101-000000-000-bbbb'));
});
afterAll(async () => { await rm(tmp, { recursive: true, force: true }); });

describe('safeSegments', () => {
  it('decodes each segment of a plain path', () => {
    expect(safeSegments('/runs/p/x/report%20a.html')).toEqual(['runs', 'p', 'x', 'report a.html']);
  });

  it.each([
    '/runs/../etc/passwd', '/runs/%2e%2e/etc', '/runs/%2E%2E/etc', '/runs/.%2e/x', '/runs/a%2fb', '/runs/a%5cb', '/runs/a%00', '/runs//x', '/runs/./x', '/runs/%zz', 'runs/x',
  ])('refuses %s', (p) => {
    expect(safeSegments(p)).toBeNull();
  });
});

describe('runFile', () => {
  it('finds a regular file inside a run folder', async () => {
    expect(await runFile(runs, 'p', ID, ['report.html'])).toBe(path.join(runs, 'p', ID, 'report.html'));
    expect(await runFile(runs, 'p', ID, ['gallery', '1-original.png'])).toBe(path.join(runs, 'p', ID, 'gallery', '1-original.png'));
  });

  it('refuses symbolic links to a file, through a folder, and as the run folder itself', async () => {
    expect(await runFile(runs, 'p', ID, ['link.txt'])).toBeNull();
    expect(await runFile(runs, 'p', ID, ['up', 'secret.txt'])).toBeNull();
    expect(await runFile(runs, 'q', '20250101-000000-000-bbbb', ['report.html'])).toBeNull();
  });

  it('refuses folders, missing files, hidden names and names that are not run folders', async () => {
    expect(await runFile(runs, 'p', ID, ['gallery'])).toBeNull();
    expect(await runFile(runs, 'p', ID, ['nope.html'])).toBeNull();
    expect(await runFile(runs, 'p', ID, ['.hidden'])).toBeNull();
    expect(await runFile(runs, '.cache', ID, ['report.html'])).toBeNull();
    expect(await runFile(runs, 'p', 'not-a-run-id', ['report.html'])).toBeNull();
    expect(await runFile(runs, 'p', ID, [])).toBeNull();
  });

  it('serves unknown file types as bytes to download', () => {
    expect(contentType('x.bin')).toBe('application/octet-stream');
    expect(contentType('report.html')).toBe('text/html; charset=utf-8');
  });
});
