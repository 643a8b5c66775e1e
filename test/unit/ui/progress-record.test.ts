import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROGRESS_FILE, recordProgress, type ProgressRecord } from '../../../src/run/progress-record.js';
import { silentProgress } from '../../../src/stages/progress.js';
import type { StageRecord } from '../../../src/stages/stage.js';

let dir: string;
beforeEach(async () => { dir = await mkdtemp(path.join(tmpdir(), 'assay-progress-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

const read = async () => JSON.parse(await readFile(path.join(dir, PROGRESS_FILE), 'utf8')) as ProgressRecord;
const stage = (name: string, seconds: number, cached = false) => ({ name, key: 'k', cached, seconds, summary: '' }) as unknown as StageRecord;

describe('progress record', () => {
  it('records stages, finished trials, the best score and an ETA from the mean trial time, then the end state', async () => {
    let t = 1_000_000;
    const seen: string[] = [];
    const inner = { ...silentProgress, stageStart: (n: string) => { seen.push(n); } };
    const rec = recordProgress(inner, { dir, run: 'r1', name: 'p', version: 2, metric: 'f1', now: () => t, throttleMs: 0 });
    rec.progress.stageStart('ingest');
    t += 500;
    rec.progress.stageEnd(stage('ingest', 0.5));
    rec.progress.stageStart('search');
    t += 10_000;
    rec.progress.trial!({ index: 0, planned: 4, score: 0.6, best: 0.6 });
    rec.progress.tick(1, 4, 'trial 2/4 epoch 1/5');
    await rec.flush();
    expect(seen).toEqual(['ingest', 'search']);
    const r = await read();
    expect(r).toMatchObject({ run: 'r1', name: 'p', version: 2, state: 'running', stage: 'search', stages: [{ name: 'ingest', cached: false, seconds: 0.5 }] });
    expect(r.trials).toEqual({ done: 1, planned: 4, best: 0.6, metric: 'f1' });
    // 10 s for one trial, 3 to go.
    expect(r.etaSeconds).toBe(30);
    expect(r.work).toEqual({ done: 1, total: 4, detail: 'trial 2/4 epoch 1/5' });
    expect(r.pid).toBe(process.pid);
  });

  it('ends as failed with the stage and message, and ignores later updates', async () => {
    const rec = recordProgress(silentProgress, { dir, run: 'r', name: 'p', version: 1, metric: 'f1', throttleMs: 0 });
    rec.progress.stageStart('decode');
    await rec.end('failed', { stage: 'decode', message: 'bad image' });
    rec.progress.stageStart('holdout');
    await rec.end('finished');
    const r = await read();
    expect(r).toMatchObject({ state: 'failed', stage: null, error: { stage: 'decode', message: 'bad image' } });
  });

  it('throttles tick writes but never stage events', async () => {
    let t = 0;
    const rec = recordProgress(silentProgress, { dir, run: 'r', name: 'p', version: 1, metric: 'f1', now: () => t, throttleMs: 1000 });
    rec.progress.stageStart('decode');
    t += 10;
    rec.progress.tick(5, 10);
    await rec.end('finished');
    const r = await read();
    expect(r.state).toBe('finished');
    expect(r.stage).toBeNull();
  });
});
