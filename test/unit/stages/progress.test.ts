import { describe, expect, it } from 'vitest';
import { consoleProgress, formatSeconds, type Verbosity } from '../../../src/stages/progress.js';
import type { StageRecord } from '../../../src/stages/stage.js';
import { estimateSearchEnd, formatEta } from '../../../src/stages/search-eta.js';

/** A fake stderr and clock: what a piped (or terminal) run writes, line by line. */
function harness(opts: { tty?: boolean; verbosity?: Verbosity } = {}) {
  const chunks: string[] = [];
  let now = 1000;
  const progress = consoleProgress({
    stream: { write: (t: string) => chunks.push(t), isTTY: opts.tty ?? false, columns: 200 },
    clock: () => now,
    ...(opts.verbosity ? { verbosity: opts.verbosity } : {}),
  });
  return {
    progress,
    advance: (s: number) => { now += s; },
    lines: () => chunks.join('').split('\n').filter(Boolean),
    raw: () => chunks.join(''),
  };
}

const record = (name: StageRecord['name'], seconds: number, cached = false): StageRecord =>
  ({ name, key: 'k' as StageRecord['key'], cached, stored: true, seconds, fingerprint: {} as StageRecord['fingerprint'], summary: 'ok' });

describe('console progress, piped', () => {
  it('prints one line per stage and at most one progress line per 10 s of a stage, never a 100% line', () => {
    const h = harness();
    h.progress.stageStart('decode');
    // 16,500 images over 35 s, a tick every 10 ms of fake time
    for (let done = 1; done <= 3500; done++) {
      h.advance(0.01);
      h.progress.tick(done, 3500, 'images');
    }
    h.progress.stageEnd(record('decode', 35));
    const lines = h.lines();
    // 35 s: progress at 10, 20, 30 s, and the stage line; no "100%" line
    expect(lines.filter((l) => l.includes('%'))).toHaveLength(3);
    expect(lines.some((l) => l.includes('100%'))).toBe(false);
    expect(lines.at(-1)).toMatch(/^ {2}decode +35\.0s {2}ok$/);
    expect(lines).toHaveLength(4);
  });

  it('a short stage prints its finished line only', () => {
    const h = harness();
    h.progress.stageStart('ingest');
    for (let done = 1; done <= 100; done++) { h.advance(0.05); h.progress.tick(done, 100, 'files'); }
    h.progress.stageEnd(record('ingest', 5));
    expect(h.lines()).toEqual(['  ingest       5.0s  ok']);
  });

  it('labels progress before the stage begins with the stage (listing files under ingest)', () => {
    const h = harness({ verbosity: 'verbose' });
    h.progress.stageStart('ingest');
    h.progress.tick(5, 10, 'files');
    h.progress.stageStart('ingest'); // runStage starts it again: no reset, no duplicate
    h.progress.tick(10, 10, 'files');
    expect(h.lines()[0]).toMatch(/^ {2}ingest +5\/10 50% {2}files$/);
  });

  it('the counter never goes backwards when parallel trials report out of order', () => {
    const h = harness({ verbosity: 'verbose' });
    h.progress.stageStart('search');
    h.progress.tick(5, 6, 'trial 6 epoch 1/20');
    h.progress.tick(4, 6, 'trial 5 epoch 9/20');
    const counts = h.lines().map((l) => /(\d+)\/6/.exec(l)![1]);
    expect(counts).toEqual(['5', '5']);
  });

  it('--quiet prints warnings and failures only; --verbose prints detail lines', () => {
    const q = harness({ verbosity: 'quiet' });
    q.progress.stageStart('search');
    q.advance(60);
    q.progress.tick(1, 2);
    q.progress.line('trial 1 done');
    q.progress.line('writing report', 'detail');
    q.progress.line('warning: x', 'warning');
    q.progress.stageEnd(record('search', 60));
    q.progress.stageFailed('evaluate', new Error('boom'));
    expect(q.lines()).toEqual(['  warning: x', '  evaluate   failed: boom']);

    const n = harness();
    n.progress.line('writing report', 'detail');
    expect(n.lines()).toEqual([]);
    const v = harness({ verbosity: 'verbose' });
    v.progress.line('writing report', 'detail');
    expect(v.lines()).toEqual(['  writing report']);
  });
});

describe('console progress, on a terminal', () => {
  it('updates one live line and clears it before a stage line', () => {
    const h = harness({ tty: true });
    h.progress.stageStart('decode');
    h.advance(1);
    h.progress.tick(1, 2, 'images');
    h.progress.stageEnd(record('decode', 1));
    expect(h.raw()).toBe('\r\x1b[2K  decode    1/2 50%  images\r\x1b[2K  decode       1.0s  ok\n');
  });
});

describe('search ETA', () => {
  it('estimates from trained trials and names the trial count as the bound when it ends first', () => {
    const eta = estimateSearchEnd({ planned: 12, done: 2, trainedSeconds: [150, 150], parallel: 2, timeLeft: null });
    expect(eta).toEqual({ seconds: 750, bound: 'trials' });
    expect(formatEta(eta, 12)).toBe('ETA 12m30s, ends after 12 trials');
  });

  it('names the time budget when it ends the search first', () => {
    const eta = estimateSearchEnd({ planned: 12, done: 2, trainedSeconds: [150, 150], parallel: 2, timeLeft: 713 });
    expect(eta).toEqual({ seconds: 713, bound: 'time' });
    expect(formatEta(eta, 12)).toBe('ETA 11m53s, ends at the time budget');
  });

  it('says nothing before a trial has trained (reused trials took no time)', () => {
    expect(formatEta(estimateSearchEnd({ planned: 4, done: 3, trainedSeconds: [], parallel: 1, timeLeft: null }), 4)).toBe('');
  });

  it('counts down between finishes, never to 0 while trials are left', () => {
    const base = { planned: 12, done: 2, trainedSeconds: [150, 150], parallel: 2, timeLeft: null };
    expect(estimateSearchEnd({ ...base, sinceLastFinish: 50 }).seconds).toBe(700);
    expect(estimateSearchEnd({ ...base, sinceLastFinish: 5000 }).seconds).toBe(1);
  });

  it('does not count more lanes than trials left', () => {
    expect(estimateSearchEnd({ planned: 5, done: 4, trainedSeconds: [100], parallel: 4, timeLeft: null }).seconds).toBe(100);
  });

  it('formats seconds for people', () => {
    expect([formatSeconds(4.23), formatSeconds(125), formatSeconds(4330)]).toEqual(['4.2s', '2m05s', '1h12m']);
  });
});
