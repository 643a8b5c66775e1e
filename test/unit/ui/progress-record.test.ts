import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROGRESS_FILE, recordProgress, type ProgressRecord } from '../../../src/run/progress-record.js';
import { consoleProgress, formatSeconds, silentProgress } from '../../../src/stages/progress.js';
import { announceEta, searchEtaTracker } from '../../../src/stages/search-eta.js';
import type { StageRecord } from '../../../src/stages/stage.js';

let dir: string;
beforeEach(async () => { dir = await mkdtemp(path.join(tmpdir(), 'assay-progress-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

const read = async () => JSON.parse(await readFile(path.join(dir, PROGRESS_FILE), 'utf8')) as ProgressRecord;
const stage = (name: string, seconds: number, cached = false) => ({ name, key: 'k', cached, seconds, summary: '' }) as unknown as StageRecord;

describe('progress record', () => {
  it('records stages, finished trials, the best score and the search\'s ETA, then the end state', async () => {
    let t = 1_000_000;
    const seen: string[] = [];
    const inner = { ...silentProgress, stageStart: (n: string) => { seen.push(n); } };
    const rec = recordProgress(inner, { dir, run: 'r1', name: 'p', version: 2, metric: 'f1', now: () => t, throttleMs: 0 });
    rec.progress.stageStart('ingest');
    t += 500;
    rec.progress.stageEnd(stage('ingest', 0.5));
    rec.progress.stageStart('search');
    t += 10_000;
    rec.progress.eta!({ seconds: 30, bound: 'trials' });
    rec.progress.trial!({ index: 0, planned: 4, score: 0.6, best: 0.6 });
    rec.progress.tick(1, 4, 'trial 2/4 epoch 1/5');
    await rec.flush();
    expect(seen).toEqual(['ingest', 'search']);
    const r = await read();
    expect(r).toMatchObject({ run: 'r1', name: 'p', version: 2, state: 'running', stage: 'search', stages: [{ name: 'ingest', cached: false, seconds: 0.5 }] });
    expect(r.trials).toEqual({ done: 1, planned: 4, best: 0.6, metric: 'f1' });
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

  it('holds the ETA the console shows, on the same trial events (parallel trials, a reused one, a time budget)', async () => {
    let t = 5_000_000;
    let out = '';
    const console = consoleProgress({ stream: { write: (text: string) => { out += text; } }, verbosity: 'verbose', clock: () => t / 1000 });
    const rec = recordProgress(console, { dir, run: 'r', name: 'p', version: 1, metric: 'f1', now: () => t, throttleMs: 0 });
    const tracker = searchEtaTracker({ planned: 6, parallel: 2, deadlineMs: t + 600_000, now: () => t });
    rec.progress.stageStart('search');
    const shown: { console: string; json: number | null }[] = [];
    // What the search does on each event: finish, one estimate for the line and the record.
    const event = async (finish: [number, number | null] | null, advanceMs: number) => {
      t += advanceMs;
      if (finish) tracker.finish(...finish);
      const text = announceEta(rec.progress, tracker, 6);
      if (finish) rec.progress.trial!({ index: finish[0] - 1, planned: 6, score: 0.5, best: 0.5 });
      rec.progress.line(`trial ${finish?.[0] ?? '-'}  ${text}`);
      await rec.flush();
      shown.push({ console: out.trim().split('\n').pop()!.trim(), json: (await read()).etaSeconds });
    };
    await event([1, 10.37], 10_370); // 5 left over 2 lanes at 10.37 s: 25.9 s
    await event(null, 4_000); // counting down between finishes
    await event([2, null], 1_000); // reused: no time of its own, 4 left at 10.37 s over 2 lanes
    await event([3, 580], 580_000); // 4.6 s of the 600 s budget left: it ends the search first
    await event([6, 1], 1_000); // nothing left
    expect(shown.map((s) => s.console)).toEqual([
      'trial 1  ETA 25.9s, ends after 6 trials',
      'trial -  ETA 21.9s, ends after 6 trials',
      'trial 2  ETA 20.7s, ends after 6 trials',
      'trial 3  ETA 4.6s, ends at the time budget',
      'trial 6',
    ]);
    expect(shown.map((s) => s.json)).toEqual([25.9, 21.9, 20.7, 4.6, 0]);
    // The record's number, formatted as the console formats it, is the console's text.
    for (const s of shown.slice(0, 4)) expect(s.console).toContain(`ETA ${formatSeconds(s.json!)}`);
  });
});
