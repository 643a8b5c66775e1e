/**
 * An ensemble of the search's best trials (`search.ensemble`) end to end through the CLI: the
 * members are the top trials as the search ranks them, saved as `model/member-<i>/`; the
 * threshold is chosen on the mean of their validation probabilities; evaluate and `assay predict`
 * give the mean of the members' probabilities; `rerun --check` reproduces the run; a k-fold split
 * is refused; `ensemble: 1` is the run without it.
 */
import { existsSync } from 'node:fs';
import { cp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeSyntheticFolder } from '../../src/data/synth.js';
import { chooseThreshold } from '../../src/evaluate/threshold.js';
import type { TrialResult } from '../../src/learn/protocol.js';
import { compareTrials } from '../../src/learn/search/run-search.js';
import { parsePredictionsCsv } from '../../src/results/run-files.js';
import { readTensor } from '../../src/store/tensor-file.js';
import { TINY_PIPELINE, assay, tempProject } from './cli.js';

interface JsonRun { readonly run: string; readonly dir: string; readonly metrics: Record<string, any> }
interface Lock { readonly stages: { name: string; key: string }[]; readonly trialKeys: string[]; readonly data: { classes: string[]; positive: string } }

const cleanup: string[] = [];
afterAll(async () => { for (const d of cleanup) await rm(d, { recursive: true, force: true }); });

const readJson = async <T>(file: string): Promise<T> => JSON.parse(await readFile(file, 'utf8')) as T;
const entry = (cwd: string, lock: Lock, stage: string) => {
  const key = lock.stages.find((s) => s.name === stage)!.key;
  return path.join(cwd, 'runs', '.cache', stage, key.slice(0, 2), key);
};

async function run(cwd: string, file: string): Promise<JsonRun> {
  const r = await assay(['run', file, '--json'], { cwd });
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as JsonRun;
}

/** `assay predict` probabilities of `refs` (relative to imgs/) by run folder `dir`. */
async function predict(cwd: string, dir: string, refs: readonly string[], out: string): Promise<string[][]> {
  const p = await assay(['predict', dir, ...refs.map((r) => path.join('imgs', r)), '--out', out], { cwd });
  expect(p.exitCode, p.stderr).toBe(0);
  return (await readFile(out, 'utf8')).trim().split('\n').slice(1).map((l) => l.split(','));
}

const ENSEMBLE = TINY_PIPELINE
  .replace(/data:\n(  .*\n)+/, 'data:\n  source: image-folder\n  path: imgs\n  classes: { crack: crack, no-crack: no-crack }\n  positive: crack\n')
  .replace('search: { strategy: random, trials: 2, parallel: 1 }', 'search: { strategy: random, trials: 4, parallel: 1, ensemble: 3 }')
  .replace("filters: { choice: [4, 8] }", 'filters: { choice: [4, 8] }\n    dropout: { float: [0.0, 0.4] }');

describe('search.ensemble: 3', () => {
  it('saves the top 3 trials as members, tunes the threshold on their mean, and predicts their mean', async () => {
    const cwd = await tempProject({ 'e.yaml': ENSEMBLE });
    cleanup.push(cwd);
    await writeSyntheticFolder(path.join(cwd, 'imgs'), { counts: { crack: 30, 'no-crack': 40 }, size: 32, seed: 3, hardNegatives: 0.3 });
    const r = await run(cwd, 'e.yaml');
    const lock = await readJson<Lock>(path.join(r.dir, 'lock.json'));
    const trials = (await readFile(path.join(entry(cwd, lock, 'search'), 'trials.jsonl'), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as TrialResult);
    expect(trials).toHaveLength(4);
    const ranked = [...trials].sort((a, b) => compareTrials(a, b, false)).slice(0, 3);
    const members = ranked.map((t) => t.index + 1);
    expect(r.metrics.search.ensemble).toEqual({ requested: 3, trials: members, bestThreshold: ranked[0]!.threshold });
    expect(r.metrics.search.bestTrial).toBe(members[0]);
    expect(r.metrics.validation.score).toBe(ranked[0]!.score);

    // The threshold: chosen on the mean of the members' validation probabilities, never the hold-out.
    const positive = lock.data.classes.indexOf(lock.data.positive);
    const labels = Array.from((await readTensor(path.join(entry(cwd, lock, 'features'), 'fold0', 'val.y'))).data, (c) => (c === positive ? 1 : 0));
    const mean = labels.map((_, i) => ranked.reduce((s, t) => s + t.valProbabilities[i]!, 0) / 3);
    const choice = chooseThreshold({ kind: 'tune' }, 'f1', mean, labels, 1);
    expect(r.metrics.objective.threshold).toBe(choice.threshold);
    expect(r.metrics.validation.ensemble.threshold).toBe(choice.threshold);
    expect(r.metrics.validation.ensemble.score).toBe(choice.value);

    // The run folder: model/member-<i>/, best first, recorded in preprocess.json.
    expect((await readdir(path.join(r.dir, 'model'))).sort()).toEqual(['member-0', 'member-1', 'member-2', 'preprocess.json']);
    const pre = await readJson<Record<string, any>>(path.join(r.dir, 'model', 'preprocess.json'));
    expect(pre.ensemble).toEqual({ trials: members });
    expect(pre.threshold).toBe(choice.threshold);

    // predict reproduces the hold-out's predictions.csv, and each probability is the mean of
    // what each member alone predicts (a copy of the run with that member as its only model).
    const csv = parsePredictionsCsv(await readFile(path.join(r.dir, 'predictions.csv'), 'utf8'));
    const refs = csv.map((row) => row.ref);
    const together = await predict(cwd, r.dir, refs, path.join(cwd, 'all.csv'));
    expect(together.map((x) => x[1])).toEqual(csv.map((row) => row.probabilityText));
    expect(together.map((x) => x[2])).toEqual(csv.map((row) => row.prediction));
    const alone: number[][] = [];
    for (let i = 0; i < 3; i++) {
      const single = path.join(cwd, 'single', path.basename(r.dir));
      await rm(path.join(cwd, 'single'), { recursive: true, force: true });
      await cp(r.dir, single, { recursive: true });
      await rm(path.join(single, 'model'), { recursive: true });
      await cp(path.join(r.dir, 'model', `member-${i}`), path.join(single, 'model'), { recursive: true });
      const { ensemble: _, ...one } = pre;
      await writeFile(path.join(single, 'model', 'preprocess.json'), JSON.stringify(one));
      alone.push((await predict(cwd, single, refs, path.join(cwd, `m${i}.csv`))).map((x) => Number(x[1])));
    }
    expect(new Set(alone.map((a) => a.join())).size).toBe(3);
    together.forEach((x, k) => expect(Number(x[1])).toBeCloseTo((alone[0]![k]! + alone[1]![k]! + alone[2]![k]!) / 3, 6));

    const rerun = await assay(['rerun', r.run, '--check'], { cwd });
    expect(rerun.exitCode, rerun.stdout + rerun.stderr).toBe(0);
    expect(rerun.stdout).toMatch(/^identical: /m);

    const report = await readFile(path.join(r.dir, 'report.md'), 'utf8');
    expect(report).toContain(`ensemble of the top 3 trials: ${members.map((m) => `#${m}`).join(', ')}`);
  }, 180_000);

  it('is refused with a k-fold split, located at search.ensemble (exit 2)', async () => {
    const cwd = await tempProject({ 'k.yaml': TINY_PIPELINE.replace('split: { validation: 0.3 }', 'split: { folds: 3 }').replace('parallel: 1 }', 'parallel: 1, ensemble: 2 }') });
    cleanup.push(cwd);
    const r = await assay(['run', 'k.yaml'], { cwd });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/k\.yaml:\d+:\d+ error\[semantic\.ensemble\]/);
    expect(r.stderr).toMatch(/validation split/);
    expect(existsSync(path.join(cwd, 'runs', 'tiny'))).toBe(false);
  }, 30_000);

  it('ensemble: 1 is the run without it: the same keys, metrics and model', async () => {
    const cwd = await tempProject({ 'a.yaml': TINY_PIPELINE, 'b.yaml': TINY_PIPELINE.replace('parallel: 1 }', 'parallel: 1, ensemble: 1 }') });
    cleanup.push(cwd);
    const a = await run(cwd, 'a.yaml');
    const b = await run(cwd, 'b.yaml');
    const la = await readJson<Lock & { pipeline: unknown }>(path.join(a.dir, 'lock.json'));
    const lb = await readJson<Lock & { pipeline: unknown }>(path.join(b.dir, 'lock.json'));
    expect(lb.stages.map((s) => s.key)).toEqual(la.stages.map((s) => s.key));
    expect(lb.pipeline).toEqual(la.pipeline);
    expect(b.metrics).toEqual(a.metrics);
    for (const f of ['model.json', 'weights.bin', 'preprocess.json']) expect(await readFile(path.join(b.dir, 'model', f))).toEqual(await readFile(path.join(a.dir, 'model', f)));
  }, 60_000);
});
