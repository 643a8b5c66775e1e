/**
 * The ensemble of the best trials, the pure part: members ranked exactly as the search ranks its
 * best (score, then validation log-loss, then index), failed trials and trials without
 * predictions left out, fewer members when fewer finished; the threshold chosen on the mean of
 * the members' validation probabilities with the trials' own rule and weights.
 */
import { describe, expect, it } from 'vitest';
import type { ObjectiveSpec } from '../../../../src/core/spec.js';
import { metricValue } from '../../../../src/evaluate/metrics.js';
import { scoreMulticlass } from '../../../../src/evaluate/multiclass-score.js';
import { prevalenceWeights } from '../../../../src/evaluate/prevalence.js';
import { chooseThreshold } from '../../../../src/evaluate/threshold.js';
import type { TrialResult } from '../../../../src/learn/protocol.js';
import { describeEnsemble, ensembleMembers, scoreEnsemble } from '../../../../src/learn/search/ensemble.js';
import { bestTrial } from '../../../../src/learn/search/run-search.js';

const F1: ObjectiveSpec = { metric: 'f1', beta: 1, threshold: { kind: 'tune' }, prevalence: { kind: 'sample' } };

function trial(index: number, score: number, over: Partial<TrialResult> = {}): TrialResult {
  return {
    index, family: 'cnn', params: {}, score, metric: 'f1', threshold: 0.5, bestEpoch: 1, epochs: 1, curves: [], pruned: false, seconds: 1,
    valProbabilities: [0.9, 0.2, 0.6, 0.4], valLogLoss: 0.3, ...over,
  };
}

describe('ensembleMembers', () => {
  const trials = [
    trial(0, 0.8),
    trial(1, 1, { valLogLoss: 0.2 }),
    trial(2, 1, { valLogLoss: 0.1 }),
    trial(3, 0.9),
    trial(4, 1, { valLogLoss: 0.2 }),
    trial(5, 1.5, { error: 'out of memory' }),
    trial(6, Number.NaN),
    trial(7, 2, { valProbabilities: [] }),
    trial(8, 1, { valLogLoss: undefined }),
  ];

  it('ranks as the search ranks its best: score, then lower log-loss, then lower index; the first is the best trial', () => {
    expect(ensembleMembers(trials, 5, false, 4).map((t) => t.index)).toEqual([2, 1, 4, 8, 3]);
    expect(ensembleMembers(trials, 1, false, 4)[0]).toBe(bestTrial(trials.filter((t) => t.valProbabilities.length > 0), false));
    // Minimised objective: the order turns, ties still by log-loss then index.
    expect(ensembleMembers(trials, 3, true, 4).map((t) => t.index)).toEqual([0, 3, 2]);
  });

  it('leaves out failed trials, non-finite scores and trials without validation predictions', () => {
    const all = ensembleMembers(trials, 10, false, 4).map((t) => t.index);
    expect(all).toEqual([2, 1, 4, 8, 3, 0]);
    expect(all).not.toContain(5);
    expect(all).not.toContain(6);
    expect(all).not.toContain(7);
  });

  it('uses what finished when fewer trials than asked did, and says so', () => {
    const two = ensembleMembers([trial(0, 0.5), trial(1, 0.7, { error: 'x' }), trial(2, 0.6)], 5, false, 4);
    expect(two.map((t) => t.index)).toEqual([2, 0]);
    expect(describeEnsemble({ requested: 5, members: two.map((t) => t.index) })).toBe('ensemble of the top 2 trials: #3, #1 (5 asked, 2 finished)');
    expect(describeEnsemble({ requested: 3, members: [3, 8, 1] })).toBe('ensemble of the top 3 trials: #4, #9, #2');
    expect(() => ensembleMembers(trials, 0, false, 4)).toThrow(RangeError);
  });
});

describe('scoreEnsemble', () => {
  const labels = [1, 0, 1, 0];
  const a = trial(0, 1, { valProbabilities: [0.9, 0.2, 0.6, 0.4] });
  const b = trial(3, 1, { valProbabilities: [0.7, 0.4, 0.2, 0.8] });

  it('chooses the threshold on the mean of the members\' validation probabilities', () => {
    const e = scoreEnsemble([a, b], 2, labels, F1);
    // Mean: 0.8+ 0.3- 0.4+ 0.6-. Descending 0.8+ 0.6- 0.4+ 0.3-: cutting above 0.3 gives tp 2,
    // fp 1: f1 0.8, the best; the threshold sits (2 + 1) / (4 + 2) of the way up from 0.3 to 0.4.
    expect(e.members).toEqual([0, 3]);
    expect(e.score).toBeCloseTo(0.8, 12);
    expect(e.threshold).toBeCloseTo(0.35, 12);
    const mean = [0.8, 0.30000000000000004, 0.4, 0.6000000000000001];
    expect(e.threshold).toBe(chooseThreshold(F1.threshold, 'f1', mean, labels, 1).threshold);
    expect(e.valLogLoss).toBe(metricValue('log-loss', mean, labels, 0.5, 1));
    // Neither member alone decides like this: a single model's threshold would differ.
    expect(e.threshold).not.toBe(chooseThreshold(F1.threshold, 'f1', a.valProbabilities, labels, 1).threshold);
  });

  it('weights the validation negatives as the trials do (objective.prevalence)', () => {
    const w = prevalenceWeights(labels, 0.25)!;
    const e = scoreEnsemble([a, b], 2, labels, F1, w);
    const mean = [0.8, 0.30000000000000004, 0.4, 0.6000000000000001];
    const choice = chooseThreshold(F1.threshold, 'f1', mean, labels, 1, w);
    expect(e.threshold).toBe(choice.threshold);
    expect(e.score).toBe(choice.value);
    expect(e.score).not.toBe(scoreEnsemble([a, b], 2, labels, F1).score);
  });

  it('multi-class: the mean of the probability rows, scored by arg-max', () => {
    const classes = ['a', 'b', 'c'];
    const y = [0, 2];
    const m1 = trial(1, 0.5, { valProbabilities: [0.5, 0.4, 0.1, 0.1, 0.6, 0.3] });
    const m2 = trial(2, 0.5, { valProbabilities: [0.3, 0.6, 0.1, 0.1, 0.2, 0.7] });
    const obj: ObjectiveSpec = { ...F1, metric: 'accuracy' };
    const e = scoreEnsemble([m1, m2], 2, y, obj, undefined, classes);
    const mean = [0.4, 0.5, 0.1, 0.1, 0.4, 0.5];
    expect(e.score).toBe(scoreMulticlass(obj.threshold, 'accuracy', mean, 3, y, classes).value);
    expect(e.score).toBe(0.5);
    expect(e.valLogLoss).toBeCloseTo(-(Math.log(0.4) + Math.log(0.5)) / 2, 12);
  });

  it('refuses an ensemble without members', () => {
    expect(() => scoreEnsemble([], 3, labels, F1)).toThrow(/at least one finished trial/);
  });
});
