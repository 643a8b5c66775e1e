/**
 * The console of a real (tiny) run with stderr piped, as in a CI log: one line per stage and per
 * trial, counters that only go up with parallel trials, reused trials named as such, --quiet.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assay, tempProject, TINY_PIPELINE } from './cli.js';

const PARALLEL = TINY_PIPELINE.replace('search: { strategy: random, trials: 2, parallel: 1 }', 'search: { strategy: random, trials: 3, parallel: 2 }');
const STAGES = ['ingest', 'decode', 'holdout', 'sample', 'split', 'features', 'resample', 'search', 'evaluate'];

describe('assay run, stderr piped', () => {
  let cwd: string;
  let first: { stderr: string; exitCode: number };

  beforeAll(async () => {
    cwd = await tempProject({ 'tiny.yaml': PARALLEL });
    first = await assay(['run', 'tiny.yaml'], { cwd });
  }, 300_000);
  afterAll(async () => rm(cwd, { recursive: true, force: true }));

  it('prints a header, one line per stage and per trial, and the report path; nothing else', () => {
    expect(first.exitCode, first.stderr).toBe(0);
    // the tiny pipeline has one validation warning (patience >= epochs), printed first
    const lines = first.stderr.split('\n').filter((l) => l !== '' && !/ warning\[/.test(l));
    const stageLines = lines.filter((l) => STAGES.some((s) => new RegExp(`^  ${s} +(cached|[\\d.]+s|\\d+m\\d+s) `).test(l)));
    const trialLines = lines.filter((l) => /^ {2}trial \d+ \(\d+\/3 done\)/.test(l));
    expect(stageLines.map((l) => l.trim().split(/\s+/)[0])).toEqual(STAGES);
    expect(trialLines).toHaveLength(3);
    // progress lines: at most one per 10 s of a stage (how many depends on the machine's load),
    // and never a 100% line
    const progress = lines.filter((l) => / \d+\/\d+ \d+%/.test(l));
    expect(progress.filter((l) => l.includes('100%'))).toEqual([]);
    for (const stage of STAGES) {
      const took = stageLines.find((l) => l.trim().startsWith(`${stage} `))!.trim().split(/\s+/)[1]!;
      const seconds = took === 'cached' ? 0 : took.includes('m') ? Number(took.split('m')[0]) * 60 + Number(took.split('m')[1]!.replace('s', '')) : Number(took.replace('s', ''));
      expect(progress.filter((l) => l.trim().startsWith(`${stage} `)).length, stage).toBeLessThanOrEqual(Math.floor(seconds / 10));
    }
    expect(lines.length).toBe(1 + STAGES.length + 3 + 2 + progress.length);
    expect(lines[0]).toMatch(/^ {2}run tiny v1 -> /);
    expect(lines.at(-2)).toMatch(/^report: /);
  });

  it('counts finished trials upwards with two trials at once, with an ETA until the last', () => {
    const trialLines = first.stderr.split('\n').filter((l) => /^ {2}trial \d+ \(/.test(l));
    expect(trialLines.map((l) => Number(/\((\d+)\/3 done\)/.exec(l)![1]))).toEqual([1, 2, 3]);
    expect(trialLines[0]).toMatch(/ETA \S+, ends after 3 trials$/);
    expect(trialLines[2]).not.toMatch(/ETA/);
  });

  it('says "reused" for trials restored from the cache, and --quiet prints only the result', async () => {
    const more = await assay(['run', 'tiny.yaml', '--set', 'search.trials=4'], { cwd });
    expect(more.exitCode, more.stderr).toBe(0);
    const trialLines = more.stderr.split('\n').filter((l) => /^ {2}trial \d+ \(/.test(l));
    expect(trialLines.filter((l) => /\breused\b/.test(l))).toHaveLength(3);
    expect(trialLines.filter((l) => /epochs \d+ +[\d.]+s/.test(l))).toHaveLength(1);

    const quiet = await assay(['run', 'tiny.yaml', '--quiet'], { cwd });
    expect(quiet.exitCode, quiet.stderr).toBe(0);
    expect(quiet.stderr.split('\n').filter(Boolean).map((l) => l.trim().split(':')[0])).toEqual(['tiny.yaml', 'report', 'run']);
    expect(quiet.stderr).toMatch(/warning\[semantic\.early-stopping\]/);
  }, 300_000);
});

describe('command-line help for people', () => {
  let cwd: string;
  beforeAll(async () => { cwd = await tempProject({ 'tiny.yaml': TINY_PIPELINE }); });
  afterAll(async () => rm(cwd, { recursive: true, force: true }));

  it('suggests a close command and --set for an option that names a setting', async () => {
    const typo = await assay(['rn', 'tiny.yaml'], { cwd });
    expect(typo.exitCode).toBe(2);
    expect(typo.stderr).toContain('unknown command "rn" (did you mean "run"?)');
    const trials = await assay(['run', 'tiny.yaml', '--trials', '3'], { cwd });
    expect(trials.exitCode).toBe(2);
    expect(trials.stderr).toContain("Unknown option '--trials' (did you mean --set search.trials=3?)");
  });

  it('lists --json in doctor --help, and prints the schema path for editors', async () => {
    expect((await assay(['doctor', '--help'], { cwd })).stdout).toMatch(/^ {2}--json /m);
    const p = await assay(['schema', '--path', '--from', 'pipelines'], { cwd });
    expect(p.exitCode).toBe(0);
    expect(p.stdout.trim()).toMatch(/\/schemas\/pipeline\.v1\.schema\.json$/);
    expect(p.stdout).not.toContain('\\');
    const schema = JSON.parse((await assay(['schema'], { cwd })).stdout) as { $id: string };
    expect(schema.$id).toBe('urn:assay:schema:pipeline:v1');
  });
});
