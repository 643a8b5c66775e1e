import { describe, expect, it } from 'vitest';
import { Budget, DurationError, formatDuration, parseDuration } from '../../../../src/learn/search/budget.js';

describe('parseDuration', () => {
  it.each([
    ['90s', 90], ['12m', 720], ['1h30m', 5400], ['1.5h', 5400], ['2m30s', 150], ['1d', 86400],
    ['0.5s', 0.5], [' 10M ', 600], ['1h0m5s', 3605], ['.5m', 30], ['1h 30m', 5400],
  ])('%s -> %d seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each([
    ['', 'it is empty'],
    ['600', 'a unit is missing'],
    ['10x', 'unknown unit "x"'],
    ['5 min', 'unknown unit "min"'],
    ['30m1h', 'largest first'],
    ['1h1h', 'largest first'],
    ['0s', 'longer than zero'],
    ['-5m', 'cannot read "-5m"'],
    ['1h30', 'cannot read "30"'],
    ['m', 'cannot read "m"'],
  ])('rejects %j with a reason', (text, reason) => {
    let err: unknown;
    try { parseDuration(text); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(DurationError);
    const d = err as DurationError;
    expect(d.code).toBe('search.duration');
    expect(d.input).toBe(text);
    expect(d.message).toContain(reason);
    expect(d.message).toContain(`"${text}"`);
  });

  it('reads back what formatDuration writes', () => {
    for (const s of [45, 90, 600, 5400, 3605, 1.5]) expect(parseDuration(formatDuration(s))).toBe(s);
    expect(formatDuration(5400)).toBe('1h30m');
  });
});

describe('Budget', () => {
  it('tracks trials and seconds on an injected clock', () => {
    let now = 100;
    const b = new Budget({ trials: 5, seconds: 60, clock: () => now });
    expect(b.elapsed()).toBe(0);
    b.start();
    now = 130;
    b.addTrials(2);
    expect(b.used()).toEqual({ trials: 2, seconds: 30 });
    expect(b.trialsLeft()).toBe(3);
    expect(b.timeUp()).toBe(false);
    now = 160;
    expect(b.timeUp()).toBe(true);
    b.start(); // the first start counts
    expect(b.elapsed()).toBe(60);
    expect(b.planned()).toEqual({ trials: 5, seconds: 60 });
  });

  it('has no time limit when seconds is null', () => {
    let now = 0;
    const b = new Budget({ trials: 1, seconds: null, clock: () => now });
    b.start();
    now = 1e9;
    expect(b.timeUp()).toBe(false);
  });

  it('rejects impossible budgets', () => {
    expect(() => new Budget({ trials: 0, seconds: null })).toThrow(/trials must be a whole number >= 1, got 0/);
    expect(() => new Budget({ trials: 2.5, seconds: null })).toThrow(/got 2.5/);
    expect(() => new Budget({ trials: 1, seconds: 0 })).toThrow(/time budget must be > 0 seconds/);
  });
});
