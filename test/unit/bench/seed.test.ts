/**
 * The seed bench's pure parts: reading the peer's score line and the mean ± spread table.
 */
import { describe, expect, it } from 'vitest';
import { parsePeerLine } from '../../../bench/seed-peer.js';
import { meanSpread, seedTable, type SeedRow } from '../../../bench/seed-table.js';

const LINE = 'holdout: f1=0.9933 mcc=0.9926 fnr=0.0133 tp=74 fn=1 fp=0 tn=750 train_s=731 trials=8 val_f1=1.0000';

describe('parsePeerLine', () => {
  it('reads every field of the named set', () => {
    expect(parsePeerLine(`loading\n${LINE}\ntest: f1=0.5 mcc=0.4 fnr=0.5 tp=1 fn=1 fp=0 tn=3 train_s=1 trials=1 val_f1=1\n`)).toEqual({
      f1: 0.9933, mcc: 0.9926, fnr: 0.0133, tp: 74, fn: 1, fp: 0, tn: 750, trainSeconds: 731, trials: 8, valF1: 1,
    });
    expect(parsePeerLine(`${LINE}\ntest: f1=0.5 mcc=-0.25 fnr=0.5 tp=1 fn=1 fp=0 tn=3 train_s=1 trials=1 val_f1=1`, 'test')).toMatchObject({ f1: 0.5, mcc: -0.25 });
  });

  it('gives null when the line is absent or a field is missing', () => {
    expect(parsePeerLine('Traceback (most recent call last):\n  ...')).toBeNull();
    expect(parsePeerLine(LINE.replace(' mcc=0.9926', ''))).toBeNull();
    expect(parsePeerLine(LINE, 'test')).toBeNull();
  });
});

describe('meanSpread', () => {
  it('is the mean and the sample standard deviation', () => {
    expect(meanSpread([1, 2, 3, 4])).toEqual({ mean: 2.5, sd: Math.sqrt(5 / 3) });
    expect(meanSpread([0.9])).toEqual({ mean: 0.9, sd: 0 });
    expect(Number.isNaN(meanSpread([]).mean)).toBe(true);
  });
});

describe('seedTable', () => {
  const row = (system: string, seed: number, f1: number, fn: number): SeedRow => ({ system, seed, f1, mcc: f1 - 0.01, fnr: fn / 75, fn, fp: 2, positives: 75, n: 825, trials: 6, seconds: 760.4, load: 3.25 });

  it('prints every row, then one mean ± sd row per system in order of appearance', () => {
    const t = seedTable([row('assay', 7, 0.96, 3), row('peer', 7, 0.99, 1), row('assay', 11, 0.98, 1), row('peer', 11, 0.97, 2)]).split('\n');
    expect(t).toHaveLength(2 + 4 + 2);
    expect(t[2]).toBe('| assay | 7 | 0.960 | 0.950 | 0.040 | 3 of 75 | 2 of 750 | 6 | 760 | 3.3 |');
    expect(t[6]).toBe(`| **assay, mean ± sd** | 2 seeds | 0.970 ± 0.014 | 0.960 ± 0.014 | 0.027 ± 0.019 | 2.0 ± 1.4 | 2.0 ± 0.0 | 6.0 ± 0.0 | 760 ± 0 | 3.3 ± 0.0 |`);
    expect(t[7]!.startsWith('| **peer, mean ± sd** | 2 seeds | 0.980 ± 0.014 |')).toBe(true);
  });
});
