/**
 * One trial from k fold results: the out-of-fold predictions pooled in fold order, ONE threshold
 * chosen on all of them, mean learning curves, and a failure, pruning or deadline in any fold
 * carried to the trial. Exact values on hand-built fold results.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.js';
import type { ObjectiveSpec } from '../../../src/core/spec.js';
import { chooseThreshold } from '../../../src/evaluate/threshold.js';
import { aggregateFolds, foldSeed, meanCurves, meanProbabilities } from '../../../src/learn/fold-aggregate.js';
import type { EpochRecord, TrialResult } from '../../../src/learn/protocol.js';

const F1: ObjectiveSpec = { metric: 'f1', beta: 1, threshold: { kind: 'tune' }, prevalence: { kind: 'sample' } };

function epoch(e: number, v: number): EpochRecord {
  return { epoch: e, trainLoss: 1 / e, valLoss: 2 / e, trainObjective: v + 0.1, valObjective: v, seconds: e };
}

function fold(over: Partial<TrialResult> & Pick<TrialResult, 'valProbabilities'>): TrialResult {
  return {
    index: 4, family: 'cnn', params: { filters: 8 }, score: 0.5, metric: 'f1', threshold: 0.5, bestEpoch: 2, epochs: 3,
    curves: [epoch(1, 0.2), epoch(2, 0.4), epoch(3, 0.6)], pruned: false, seconds: 1.5, ...over,
  };
}

// Three folds: every validation item once. Fold 0 alone would tune to 0.75 and score f1 1.
const FOLDS: readonly TrialResult[] = [
  fold({ valProbabilities: [0.9, 0.2, 0.6], threshold: 0.75, score: 1, bestEpoch: 3 }),
  fold({ valProbabilities: [0.7, 0.4], curves: [epoch(1, 0.3), epoch(2, 0.5)], epochs: 2, bestEpoch: 1, seconds: 2 }),
  fold({ valProbabilities: [0.1, 0.8], seconds: 0.25 }),
];
const LABELS = [[1, 0, 0], [1, 1], [0, 1]];

describe('aggregateFolds', () => {
  it('pools the out-of-fold predictions in fold order and chooses one threshold on all of them', () => {
    const r = aggregateFolds(FOLDS, LABELS, F1);
    expect(r.valProbabilities).toEqual([0.9, 0.2, 0.6, 0.7, 0.4, 0.1, 0.8]);
    // Pooled, descending: 0.9+ 0.8+ 0.7+ 0.6- 0.4+ 0.2- 0.1-. Cutting between 0.4 and 0.2 gives
    // tp 4, fp 1, fn 0: f1 8/9, the best cut; the threshold sits in the gap, (4 + 1) / (7 + 2)
    // of the way up from 0.2 (4 positives of 7 items).
    expect(r.threshold).toBe(0.2 + (5 / 9) * (0.4 - 0.2));
    expect(r.score).toBe(8 / 9);
    expect(r.metric).toBe('f1');
    expect(r).toMatchObject({ index: 4, family: 'cnn', params: { filters: 8 }, bestEpoch: 3, epochs: 3, seconds: 3.75, pruned: false });
    expect('error' in r).toBe(false);
    expect('stoppedBy' in r).toBe(false);
    // The tie-break between equal scores: the pooled log-loss.
    const probs = [0.9, 0.2, 0.6, 0.7, 0.4, 0.1, 0.8], labels = [1, 0, 0, 1, 1, 0, 1];
    const ll = -probs.reduce((s, p, i) => s + (labels[i] === 1 ? Math.log(p) : Math.log(1 - p)), 0) / probs.length;
    expect(r.valLogLoss).toBeCloseTo(ll, 12);
  });

  it('averages each epoch over the folds that reached it', () => {
    const r = aggregateFolds(FOLDS, LABELS, F1);
    expect(r.curves.map((c) => c.epoch)).toEqual([1, 2, 3]);
    expect(r.curves.map((c) => c.valObjective)).toEqual([(0.2 + 0.3 + 0.2) / 3, (0.4 + 0.5 + 0.4) / 3, (0.6 + 0.6) / 2]);
    expect(r.curves.map((c) => c.seconds)).toEqual([1, 2, 3]);
    expect(r.curves[2]!.trainLoss).toBe(1 / 3);
    expect(meanCurves([])).toEqual([]);
  });

  it('with one fold, keeps the threshold and score that fold chose on its own predictions', () => {
    const probs = [0.8, 0.3, 0.55, 0.1, 0.65];
    const labels = [1, 0, 1, 0, 0];
    const own = chooseThreshold(F1.threshold, 'f1', probs, labels, 1);
    const r = aggregateFolds([fold({ valProbabilities: probs, threshold: own.threshold, score: own.value })], [labels], F1);
    expect([r.threshold, r.score]).toEqual([own.threshold, own.value]);
    expect(r.valProbabilities).toEqual(probs);
  });

  it('uses the objective\'s threshold rule on the pooled predictions (fixed, minimised metrics)', () => {
    const fixed = aggregateFolds(FOLDS, LABELS, { metric: 'fnr', beta: 1, threshold: { kind: 'fixed', value: 0.65 }, prevalence: { kind: 'sample' } });
    // At 0.65: positives 0.9, 0.7, 0.8 caught, 0.4 missed: fnr 1/4.
    expect([fixed.threshold, fixed.score]).toEqual([0.65, 0.25]);
  });

  it('marks the trial pruned when any fold was pruned, and cut by the deadline when any fold was', () => {
    const mixed = [FOLDS[0]!, { ...FOLDS[1]!, pruned: true }, { ...FOLDS[2]!, stoppedBy: 'deadline' as const }];
    const r = aggregateFolds(mixed, LABELS, F1);
    expect(r.pruned).toBe(true);
    expect(r.stoppedBy).toBe('deadline');
    expect(r.score).toBe(8 / 9);
  });

  it('fails the trial when any fold failed, naming the fold, with the worst score and no predictions', () => {
    const failed = [FOLDS[0]!, { ...FOLDS[1]!, valProbabilities: [], error: 'trial worker was killed (SIGKILL; out of memory?)' }, FOLDS[2]!];
    const r = aggregateFolds(failed, LABELS, F1);
    expect(r.error).toBe('fold 2 of 3: trial worker was killed (SIGKILL; out of memory?)');
    expect(r.score).toBe(-Number.MAX_VALUE);
    expect(r.threshold).toBe(0.5);
    expect(r.valProbabilities).toEqual([]);
    expect(r.curves).toHaveLength(3);
    const both = aggregateFolds([{ ...FOLDS[0]!, error: 'a' }, FOLDS[1]!, { ...FOLDS[2]!, error: 'b' }], LABELS, { metric: 'fnr', beta: 1, threshold: { kind: 'fixed', value: 0.3 }, prevalence: { kind: 'sample' } });
    expect(both.error).toBe('fold 1 of 3: a; fold 3 of 3: b');
    expect([both.score, both.threshold]).toEqual([Number.MAX_VALUE, 0.3]);
  });

  it('scores the worst, without an error, when a fold kept no predictions', () => {
    const r = aggregateFolds([FOLDS[0]!, { ...FOLDS[1]!, valProbabilities: [] }, FOLDS[2]!], LABELS, F1);
    expect(r.score).toBe(-Number.MAX_VALUE);
    expect(r.valProbabilities).toEqual([]);
    expect('error' in r).toBe(false);
  });

  it('rejects no folds and a label array count that does not match', () => {
    expect(() => aggregateFolds([], [], F1)).toThrow(RangeError);
    expect(() => aggregateFolds(FOLDS, LABELS.slice(0, 2), F1)).toThrow('aggregateFolds got 3 fold results but 2 label arrays');
  });
});

describe('foldSeed', () => {
  it('keeps the trial seed for fold 0 and derives distinct, stable seeds for the others', () => {
    expect(foldSeed(12345, 0)).toBe(12345);
    expect(foldSeed(12345, 1)).toBe(new Rng(12345).child('fold-1').seed());
    const seeds = [0, 1, 2, 3].map((f) => foldSeed(12345, f));
    expect(new Set(seeds).size).toBe(4);
    expect(foldSeed(12345, 2)).toBe(seeds[2]);
    expect(foldSeed(54321, 2)).not.toBe(seeds[2]);
  });
});

describe('meanProbabilities', () => {
  it('averages the fold models per item, summed in fold order', () => {
    expect(meanProbabilities([[0.1, 0.9], [0.3, 0.6], [0.8, 0.3]])).toEqual([(0.1 + 0.3 + 0.8) / 3, (0.9 + 0.6 + 0.3) / 3]);
  });

  it('returns a single fold\'s values unchanged (float32 included)', () => {
    const p = Float32Array.from([0.123456789, 0.987654321]);
    expect(meanProbabilities([p])).toEqual(Array.from(p));
  });

  it('rejects folds that scored different numbers of items, and no folds', () => {
    expect(() => meanProbabilities([[0.1, 0.2], [0.3]])).toThrow('fold 1 scored 1 items, fold 0 scored 2');
    expect(() => meanProbabilities([])).toThrow(RangeError);
  });
});

describe('aggregateFolds for a multi-class problem', () => {
  const MACRO: ObjectiveSpec = { metric: 'macro-f1', beta: 1, threshold: { kind: 'tune' }, prevalence: { kind: 'sample' } };
  // Two folds of 3 classes; fold 0: items of class 0 and 1 (right), fold 1: class 2 (right), class 0 (called 1).
  const folds = [
    fold({ valProbabilities: [0.8, 0.1, 0.1, 0.2, 0.7, 0.1], metric: 'macro-f1' }),
    fold({ valProbabilities: [0.1, 0.2, 0.7, 0.3, 0.6, 0.1], metric: 'macro-f1' }),
  ];

  it('scores the pooled n x k out-of-fold probabilities against the class indices', () => {
    const r = aggregateFolds(folds, [[0, 1], [2, 0]], MACRO, undefined, ['a', 'b', 'c']);
    // Pooled matrix: class 0 -> 0 once and 1 once; class 1 -> 1; class 2 -> 2. F1: 2/3, 2/3, 1.
    expect(r.score).toBeCloseTo((2 / 3 + 2 / 3 + 1) / 3, 12);
    expect(r.threshold).toBe(0);
    expect(r.valProbabilities).toEqual([...folds[0]!.valProbabilities, ...folds[1]!.valProbabilities]);
    // The tie-break: the mean cross-entropy of the true classes (0.8, 0.7, 0.7, 0.3).
    expect(r.valLogLoss).toBeCloseTo(-(Math.log(0.8) + Math.log(0.7) + Math.log(0.7) + Math.log(0.3)) / 4, 12);
  });

  it('treats a fold without k probabilities per item as incomplete: the worst score, no predictions', () => {
    const short = [folds[0]!, fold({ valProbabilities: [0.1, 0.2], metric: 'macro-f1' })];
    const r = aggregateFolds(short, [[0, 1], [2, 0]], MACRO, undefined, ['a', 'b', 'c']);
    expect(r.score).toBe(-Number.MAX_VALUE);
    expect(r.valProbabilities).toEqual([]);
  });
});
