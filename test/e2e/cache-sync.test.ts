/**
 * `assay cache push` then `pull` into a fresh clone of the experiment repository (only the files
 * git would carry): `predict` and `rerun --check` work there on the run made elsewhere.
 */
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assay, tempProject, TINY_PIPELINE } from './cli.js';

describe('a run pushed to the store and pulled into a fresh clone', () => {
  let here: string;
  let clone: string;
  let store: string;
  let run: { run: string; dir: string };
  beforeAll(async () => {
    here = await tempProject({ 'tiny.yaml': TINY_PIPELINE });
    clone = await tempProject({ 'tiny.yaml': TINY_PIPELINE });
    store = pathToFileURL(path.join(here, 'team-store')).href;
    const r = await assay(['run', 'tiny.yaml', '--json'], { cwd: here });
    expect(r.exitCode, r.stderr).toBe(0);
    run = JSON.parse(r.stdout) as { run: string; dir: string };
  }, 120_000);
  afterAll(async () => {
    await rm(here, { recursive: true, force: true });
    await rm(clone, { recursive: true, force: true });
  });

  it('refuses without a store, and names a run the store lacks', async () => {
    const none = await assay(['cache', 'pull', run.run], { cwd: clone });
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toMatch(/--store URL/);
    const missing = await assay(['cache', 'pull', '20000101-000000-000-abcd', '--store', store], { cwd: clone });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('run 20000101-000000-000-abcd is not in the store');
  });

  it('pushes, pulls byte for byte beside the committed files, then predicts and reruns identically', async () => {
    const pushed = await assay(['cache', 'push', 'latest', '--store', store], { cwd: here });
    expect(pushed.exitCode, pushed.stderr).toBe(0);
    expect(pushed.stdout).toMatch(new RegExp(`pushed ${run.run}: \\d+ files`));
    // The clone holds what git carries: the small text records, not model/ or predictions.csv.
    const rel = path.relative(path.join(here, 'runs'), run.dir);
    await mkdir(path.join(clone, 'runs', rel), { recursive: true });
    for (const f of ['pipeline.yaml', 'lock.json', 'metrics.json', 'report.md']) await cp(path.join(run.dir, f), path.join(clone, 'runs', rel, f));
    const pulled = await assay(['cache', 'pull', run.run, '--store', store, '--json'], { cwd: clone });
    expect(pulled.exitCode, pulled.stderr).toBe(0);
    const [p] = JSON.parse(pulled.stdout) as { files: number; moved: number }[];
    expect(p!.moved).toBe(p!.files - 4);
    for (const f of ['model/weights.bin', 'model/model.json', 'model/preprocess.json', 'predictions.csv']) {
      expect((await readFile(path.join(clone, 'runs', rel, f))).equals(await readFile(path.join(run.dir, f))), f).toBe(true);
    }
    // A changed local file is reported and left alone.
    await writeFile(path.join(clone, 'runs', rel, 'report.md'), 'edited\n');
    const conflict = await assay(['cache', 'pull', run.run, '--store', store], { cwd: clone });
    expect(conflict.exitCode).toBe(1);
    expect(conflict.stderr).toContain('report.md');
    expect(await readFile(path.join(clone, 'runs', rel, 'report.md'), 'utf8')).toBe('edited\n');
    await cp(path.join(run.dir, 'report.md'), path.join(clone, 'runs', rel, 'report.md'));

    const images = path.join(clone, 'images');
    expect((await assay(['synth', '--out', images, '--crack', '2', '--no-crack', '2', '--size', '32'], { cwd: clone })).exitCode).toBe(0);
    const predicted = await assay(['predict', run.run, images], { cwd: clone });
    expect(predicted.exitCode, predicted.stderr).toBe(0);
    expect(predicted.stdout.trim().split('\n')).toHaveLength(5);
    const rerun = await assay(['rerun', run.run, '--check'], { cwd: clone });
    expect(rerun.exitCode, rerun.stderr).toBe(0);
    expect(`${rerun.stdout}${rerun.stderr}`).toMatch(/identical/);
  }, 120_000);
});
