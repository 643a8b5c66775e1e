/**
 * Each run-folder record through store/run-folder.ts: what is written reads back as the same
 * value, a missing or corrupt file gives the documented result (null, an empty list, or an error
 * naming the file), and a file in an older layout still reads.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../src/core/errors.js';
import { currentMetricsShape } from '../../../src/results/metrics-compat.js';
import {
  clearRunningMark, createRunFolder, hasLock, hasModel, modelSubfolders, newRunId, parseTrialLines, presentReports, readHoldoutIds, readHoldoutRecord,
  readLock, readLockOrNull, readMetrics, readMetricsJson, readMetricsOrNull, readMetricsText, readModelFile, readModelJson, readNote,
  readPredictions, readPreprocessOrNull, readProgress, readReport, readRunningMark, readRunPipelineText, readTrials, writeHoldout, writeLock,
  writeMetrics, writeModel, writeNote, writePipelineText, writePredictions, writeProgress, writeReportFiles, writeRunNote, writeTrials,
  LOCK_VERSION, type FinishedLock, type MetricsRecord, type PreprocessRecord, type ProgressRecord,
} from '../../../src/store/run-folder.js';

const roots: string[] = [];
afterAll(async () => { for (const r of roots) await rm(r, { recursive: true, force: true }); });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'assay-run-folder-'));
  roots.push(dir);
});

const text = (f: string) => readFile(path.join(dir, f), 'utf8');

const FINGERPRINT = { format: 1, stage: 'ingest', codeVersion: 1, params: {}, upstream: {}, inputs: {}, seed: 7 };
const LOCK: FinishedLock = {
  lockVersion: LOCK_VERSION, run: '20261130-010203-004-abcd', label: 'base', createdAt: '2026-11-30T01:02:03.004Z', file: 'tiny.yaml',
  overrides: ['seed=8'], pipeline: { name: 'tiny', version: 1 },
  stages: [{ name: 'ingest', key: 'ab'.repeat(32), cached: false, seconds: 0.125, summary: '120 items', fingerprint: FINGERPRINT as never }],
  backend: { name: 'wasm', reason: 'using wasm (SIMD)', versions: { '@tensorflow/tfjs': '4.22.0' } },
  environment: { assay: '0.1.0', node: 'v20.20.2', platform: 'linux', arch: 'x64', cpus: 2, cpuModel: 'cpu', memoryGiB: 24, packages: { sharp: '0.35.0' } },
  git: { commit: null, dirty: null, pipelinePath: null },
  status: 'finished', trialKeys: ['cd'.repeat(32)],
  data: { source: 'synthetic-cracks', root: '/data', fingerprint: 'ef'.repeat(32), items: 120, classes: ['crack', 'no-crack'], positive: 'crack', skipped: [], holdout: { count: 30, file: 'holdout.json' } },
};

describe('lock.json', () => {
  it('reads back what was written, indented with a final line break', async () => {
    await writeLock(dir, LOCK);
    expect(await readLock(dir)).toEqual(LOCK);
    expect(await text('lock.json')).toBe(`${JSON.stringify(LOCK, null, 2)}\n`);
    expect(await hasLock(dir)).toBe(true);
  });

  it('missing or corrupt: readLock throws NotFoundError naming lock.json; readLockOrNull gives null', async () => {
    await expect(readLock(dir)).rejects.toThrow(NotFoundError);
    await expect(readLock(dir)).rejects.toThrow(`${dir} is not a run folder (no readable lock.json)`);
    expect(await hasLock(dir)).toBe(false);
    await writeFile(path.join(dir, 'lock.json'), '{"status": "fini');
    expect(await readLockOrNull(dir)).toBeNull();
    await expect(readLock(dir)).rejects.toThrow('no readable lock.json');
    expect(await hasLock(dir)).toBe(true);
  });

  it('a lock from before lockVersion and `interrupted` still reads', async () => {
    const old = { run: 'x', createdAt: '2026-01-01T00:00:00.000Z', status: 'failed', error: { stage: 'search', message: 'interrupted by SIGINT' }, stages: [{ name: 'ingest', key: 'k' }] };
    await writeFile(path.join(dir, 'lock.json'), JSON.stringify(old));
    const lock = await readLock(dir);
    expect(lock.lockVersion).toBeUndefined();
    expect(lock.error?.message).toBe('interrupted by SIGINT');
    expect(lock.stages?.[0]?.seconds).toBeUndefined();
  });
});

const METRICS: MetricsRecord = {
  objective: { metric: 'f1', threshold: 0.42, rule: 'tune' },
  holdout: { n: 30, positives: 10, metrics: { f1: 0.8, recall: 1 }, intervals: { f1: { estimate: 0.8, low: 0.6, high: 0.9 }, recall: { estimate: 1, low: 0.72, high: 1, method: 'wilson' } }, confusion: { tp: 10, fp: 5, tn: 15, fn: 0 } },
  validation: { n: 27, score: 0.75, bestEpoch: 3 },
  search: { strategy: 'random', trials: 2, planned: 2, seconds: 3.5, budgetSeconds: null, stoppedBy: 'trials', bestTrial: 2, family: 'cnn', params: { filters: 8 }, pruned: 0, failed: 0, reused: 0 },
};

describe('metrics.json', () => {
  it('reads back what was written; the text is as written', async () => {
    await writeMetrics(dir, METRICS);
    expect(await readMetrics(dir)).toEqual(METRICS);
    expect(await readMetricsJson(dir)).toEqual(METRICS);
    expect(await readMetricsText(dir)).toBe(`${JSON.stringify(METRICS, null, 2)}\n`);
  });

  it('missing: readMetrics throws NotFoundError naming metrics.json and how to see why; the others give null', async () => {
    await expect(readMetrics(dir)).rejects.toThrow(`${dir} has no metrics.json (did the run finish? see \`assay show ${path.basename(dir)}\`)`);
    expect(await readMetricsOrNull(dir)).toBeNull();
    expect(await readMetricsText(dir)).toBeNull();
  });

  it('corrupt: null from the JSON readers, the text as it is', async () => {
    await writeFile(path.join(dir, 'metrics.json'), '{"holdout":');
    expect(await readMetricsOrNull(dir)).toBeNull();
    expect(await readMetricsJson(dir)).toBeNull();
    expect(await readMetricsText(dir)).toBe('{"holdout":');
  });

  it('an older metrics.json (search.best from 0, a bootstrap interval at 1) reads, and reads in today\'s shape through metrics-compat', async () => {
    const old = { ...METRICS, search: { ...METRICS.search, bestTrial: undefined, best: 1 }, holdout: { ...METRICS.holdout, intervals: { recall: { estimate: 1, low: 1, high: 1 } } } };
    await writeFile(path.join(dir, 'metrics.json'), JSON.stringify(old));
    expect((await readMetrics(dir)).search?.best).toBe(1);
    const now = currentMetricsShape((await readMetricsJson(dir))!) as unknown as typeof METRICS;
    expect(now.search.bestTrial).toBe(2);
    expect(now.holdout.intervals.recall!.method).toBe('wilson');
  });
});

describe('trials.jsonl', () => {
  const trials = [
    { index: 0, family: 'cnn', params: { filters: 4 }, score: 0.5, valProbabilities: [0.1, 0.9], curves: [{ epoch: 1, trainLoss: 0.7 }] },
    { index: 1, family: 'cnn', params: { filters: 8 }, score: 0.6, valProbabilities: [0.2, 0.8], error: 'out of memory' },
  ];

  it('one compact line per trial, without the validation probabilities, reading back the same', async () => {
    await writeTrials(dir, trials);
    const strip = ({ valProbabilities: _v, ...t }: (typeof trials)[number]) => t;
    expect(await text('trials.jsonl')).toBe(`${trials.map((t) => JSON.stringify(strip(t))).join('\n')}\n`);
    expect(await readTrials(dir)).toEqual(trials.map(strip));
  });

  it('missing: no trials; a malformed line (or one that is not an object) is skipped', async () => {
    expect(await readTrials(dir)).toEqual([]);
    await writeFile(path.join(dir, 'trials.jsonl'), '{"index":0}\n{"index":\nnull\n[1]\n\n{"index":2}\n');
    expect(await readTrials(dir)).toEqual([{ index: 0 }, { index: 2 }]);
    expect(parseTrialLines('')).toEqual([]);
  });
});

describe('holdout.json', () => {
  it('one line of count and ids, reading back the ids', async () => {
    await writeHoldout(dir, ['b1', 'a2']);
    expect(await text('holdout.json')).toBe('{"count":2,"ids":["b1","a2"]}\n');
    expect(await readHoldoutIds(dir)).toEqual(['b1', 'a2']);
  });

  it('missing or corrupt: null; ids that are not all strings: null ids, the raw record still readable', async () => {
    expect(await readHoldoutIds(dir)).toBeNull();
    expect(await readHoldoutRecord(dir)).toBeNull();
    await writeFile(path.join(dir, 'holdout.json'), '{"ids": [1, "a"]}');
    expect(await readHoldoutIds(dir)).toBeNull();
    expect(await readHoldoutRecord(dir)).toEqual({ ids: [1, 'a'] });
    await writeFile(path.join(dir, 'holdout.json'), 'not json');
    expect(await readHoldoutRecord(dir)).toBeNull();
  });
});

describe('predictions.csv', () => {
  it('binary: 9 significant digits, quoted cells and formula-like refs read back as written', async () => {
    await writePredictions(dir, [
      { ref: 'crack/a,1.jpg', id: 'aa', label: 'crack', probability: 0.123456789012, prediction: 'crack' },
      { ref: '=cmd.jpg', id: 'bb', label: 'no-crack', probability: 1 / 3, prediction: 'no-crack' },
    ]);
    const csv = await text('predictions.csv');
    expect(csv.split('\n')[0]).toBe('ref,id,label,probability,prediction');
    expect(csv).toContain('"crack/a,1.jpg",aa,crack,0.123456789,crack');
    const rows = (await readPredictions(dir))!;
    expect(rows.map((r) => [r.ref, r.id, r.label, r.probabilityText, r.prediction])).toEqual([
      ['crack/a,1.jpg', 'aa', 'crack', '0.123456789', 'crack'], ['=cmd.jpg', 'bb', 'no-crack', '0.333333333', 'no-crack'],
    ]);
    expect(rows[0]!.classProbabilityTexts).toBeUndefined();
  });

  it('multi-class: a probability column per class, read back in order', async () => {
    await writePredictions(dir, [{ ref: 'x.png', id: 'cc', label: 'b', probability: 0.5, prediction: 'b', classProbabilities: [0.25, 0.5, 0.25] }], ['a', 'b', 'c']);
    expect(await text('predictions.csv')).toBe('ref,id,label,probability,prediction,probability[a],probability[b],probability[c]\nx.png,cc,b,0.500000000,b,0.250000000,0.500000000,0.250000000\n');
    expect((await readPredictions(dir))![0]!.classProbabilityTexts).toEqual(['0.250000000', '0.500000000', '0.250000000']);
  });

  it('missing: null; a malformed row: an error naming predictions.csv and the line', async () => {
    expect(await readPredictions(dir)).toBeNull();
    await writeFile(path.join(dir, 'predictions.csv'), 'ref,id,label,probability,prediction\na,1,x,0.5,x\nb,2,x,oops,x\n');
    await expect(readPredictions(dir)).rejects.toThrow('predictions.csv line 3 is malformed: probability "oops"');
    await writeFile(path.join(dir, 'predictions.csv'), 'ref,id,label\n');
    await expect(readPredictions(dir)).rejects.toThrow('predictions.csv has no "probability" column');
  });
});

const PRE: PreprocessRecord = {
  classes: ['crack', 'no-crack'], positive: 0, threshold: 0.4, geometry: [], fitted: { steps: [] }, exampleShape: [24, 24, 1],
  family: 'cnn', params: { filters: 8 }, backend: 'wasm',
};

async function savedModel(name: string): Promise<string> {
  const d = path.join(dir, 'saved', name);
  await mkdir(d, { recursive: true });
  await writeFile(path.join(d, 'model.json'), JSON.stringify({ modelTopology: { name } }));
  await writeFile(path.join(d, 'weights.bin'), Buffer.from(name));
  return d;
}

describe('model/ and preprocess.json', () => {
  it('one model: model.json, weights.bin and preprocess.json in model/, built aside and renamed into place', async () => {
    await mkdir(path.join(dir, 'model', 'stale'), { recursive: true });
    await writeModel(dir, { kind: 'single', dir: await savedModel('one') }, PRE);
    expect((await readdir(path.join(dir, 'model'))).sort()).toEqual(['model.json', 'preprocess.json', 'weights.bin']);
    expect(existsSync(path.join(dir, 'model.partial'))).toBe(false);
    expect(await text('model/preprocess.json')).toBe(`${JSON.stringify(PRE, null, 2)}\n`);
    expect(await readPreprocessOrNull(dir)).toEqual(PRE);
    expect(modelSubfolders(PRE)).toEqual(['model']);
    expect(await readModelJson(dir, 'model')).toEqual({ modelTopology: { name: 'one' } });
    expect((await readModelFile(dir, 'model', 'weights.bin'))!.toString()).toBe('one');
    expect(await hasModel(dir)).toBe(true);
  });

  it('k folds: model/fold-<f>/; an ensemble: model/member-<i>/', async () => {
    const folds = { ...PRE, folds: [{ fitted: 1 }, { fitted: 2 }] };
    await writeModel(dir, { kind: 'folds', dirs: [await savedModel('f0'), await savedModel('f1')] }, folds);
    expect(modelSubfolders(await readPreprocessOrNull(dir))).toEqual(['model/fold-0', 'model/fold-1']);
    expect(await readModelJson(dir, 'model/fold-1')).toEqual({ modelTopology: { name: 'f1' } });
    const members = { ...PRE, ensemble: { trials: [3, 1] } };
    await writeModel(dir, { kind: 'members', dirs: [await savedModel('m0'), await savedModel('m1')] }, members);
    expect(modelSubfolders(await readPreprocessOrNull(dir))).toEqual(['model/member-0', 'model/member-1']);
    expect(existsSync(path.join(dir, 'model', 'fold-0'))).toBe(false);
  });

  it('missing: null and no model; a table run from before `columns` still reads', async () => {
    expect(await readPreprocessOrNull(dir)).toBeNull();
    expect(await hasModel(dir)).toBe(false);
    expect(await readModelJson(dir, 'model')).toBeNull();
    expect(await readModelFile(dir, 'model', 'weights.bin')).toBeNull();
    expect(modelSubfolders(null)).toEqual(['model']);
    await mkdir(path.join(dir, 'model'));
    await writeFile(path.join(dir, 'model', 'preprocess.json'), JSON.stringify({ ...PRE, input: 'table' }));
    const pre = (await readPreprocessOrNull(dir))!;
    expect(pre.input).toBe('table');
    expect(pre.columns).toBeUndefined();
    await writeFile(path.join(dir, 'model', 'preprocess.json'), '{');
    expect(await readPreprocessOrNull(dir)).toBeNull();
  });
});

describe('progress.json', () => {
  const rec: ProgressRecord = {
    progressVersion: 1, run: 'r', name: 'tiny', version: 1, pid: 1, state: 'running', startedAt: 't0', updatedAt: 't1', stage: 'search',
    work: { done: 1, total: 2, detail: null }, stages: [{ name: 'ingest', cached: true, seconds: 0.1 }], trials: { done: 1, planned: 2, best: 0.5, metric: 'f1' },
    etaSeconds: 3, error: null,
  };

  it('reads back what was written; missing or corrupt gives null', async () => {
    expect(await readProgress(dir)).toBeNull();
    await writeProgress(dir, rec);
    expect(await readProgress(dir)).toEqual(rec);
    expect(await text('progress.json')).toBe(`${JSON.stringify(rec, null, 2)}\n`);
    await writeFile(path.join(dir, 'progress.json'), '{"state"');
    expect(await readProgress(dir)).toBeNull();
  });
});

describe('running.json, pipeline.yaml, note.md and the reports', () => {
  it('the in-progress mark is written on creation and cleared', async () => {
    const run = await createRunFolder(dir, 'tiny', newRunId(), { label: 'x', startedAt: '2026-11-30T00:00:00.000Z', pipeline: { name: 'tiny' } });
    expect(await readRunningMark(run)).toEqual({ pid: process.pid, host: expect.any(String), startedAt: '2026-11-30T00:00:00.000Z', label: 'x', pipeline: { name: 'tiny' } });
    await clearRunningMark(run);
    expect(await readRunningMark(run)).toBeNull();
  });

  it('pipeline.yaml reads back exactly; a missing one says why', async () => {
    expect(await readRunPipelineText(dir)).toEqual({ reason: 'no such file' });
    await writePipelineText(dir, 'assay: 1\r\nname: x\n');
    expect(await readRunPipelineText(dir)).toBe('assay: 1\r\nname: x\n');
  });

  it('note.md is trimmed with a final line break; empty text removes it; none reads as null', async () => {
    expect(await readNote(dir)).toBeNull();
    await writeNote(dir, '  first try \n\n');
    expect(await text('note.md')).toBe('first try\n');
    expect(await readNote(dir)).toBe('first try');
    await writeRunNote(dir, '   ');
    expect(existsSync(path.join(dir, 'note.md'))).toBe(false);
    await writeFile(path.join(dir, 'note.md'), ' \n');
    expect(await readNote(dir)).toBeNull();
  });

  it('the reports and the files they link are written in place and read back', async () => {
    expect(await presentReports(dir)).toEqual([]);
    expect(await readReport(dir, 'md')).toBeNull();
    await writeReportFiles(dir, { assets: [{ path: 'charts/pr.svg', data: '<svg/>' }], html: '<html></html>', md: '# report\n' });
    expect(await text('charts/pr.svg')).toBe('<svg/>');
    expect(await readReport(dir, 'html')).toBe('<html></html>');
    expect(await readReport(dir, 'md')).toBe('# report\n');
    expect(await presentReports(dir)).toEqual(['html', 'md']);
  });
});
