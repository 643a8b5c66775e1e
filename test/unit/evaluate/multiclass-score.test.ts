import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.js';
import { multiclassIntervals } from '../../../src/evaluate/multiclass-bootstrap.js';
import { scoreMulticlassHoldout } from '../../../src/evaluate/multiclass-holdout.js';
import { argmaxClasses, confusionMatrix, multiclassValue, scoreMulticlass } from '../../../src/evaluate/multiclass-score.js';

// 8 items, 3 classes; arg-max predictions 0,0,1,1,2,2,0,2 against labels 0,0,1,1,2,2,1,0.
const LABELS = [0, 0, 1, 1, 2, 2, 1, 0];
const PROBS = [
  0.8, 0.1, 0.1, 0.6, 0.3, 0.1, 0.2, 0.7, 0.1, 0.1, 0.5, 0.4,
  0.1, 0.2, 0.7, 0.3, 0.3, 0.4, 0.5, 0.4, 0.1, 0.2, 0.3, 0.5,
];
// matrix[true][pred]: class 0: 2 right, 1 called 2; class 1: 2 right, 1 called 0; class 2: 2 right.
const MATRIX = [[2, 0, 1], [1, 2, 0], [0, 0, 2]];

describe('multi-class scoring (arg-max)', () => {
  it('predicts the most probable class, ties to the lowest index, and counts the k x k matrix', () => {
    expect(Array.from(argmaxClasses(PROBS, 3))).toEqual([0, 0, 1, 1, 2, 2, 0, 2]);
    expect(Array.from(argmaxClasses([0.4, 0.4, 0.2], 3))).toEqual([0]);
    expect(confusionMatrix(PROBS, 3, LABELS)).toEqual(MATRIX);
    expect(() => confusionMatrix(PROBS, 3, [...LABELS, 0])).toThrow(/expected 9 x 3/);
    expect(() => confusionMatrix(PROBS, 3, LABELS.map((y) => y + 1))).toThrow(/label 4 is 3/);
  });

  it('computes every multi-class metric from the matrix as written out by hand', () => {
    const v = (n: Parameters<typeof multiclassValue>[0]) => multiclassValue(n, PROBS, 3, LABELS);
    // precision per class: 2/3, 2/2, 2/3; recall: 2/3, 2/3, 2/2; f1: 2/3, 4/5, 4/5.
    expect(v('accuracy')).toBeCloseTo(6 / 8, 15);
    expect(v('macro-precision')).toBeCloseTo((2 / 3 + 1 + 2 / 3) / 3, 15);
    expect(v('macro-recall')).toBeCloseTo((2 / 3 + 2 / 3 + 1) / 3, 15);
    expect(v('balanced-accuracy')).toBeCloseTo((2 / 3 + 2 / 3 + 1) / 3, 15);
    expect(v('macro-f1')).toBeCloseTo((2 / 3 + 0.8 + 0.8) / 3, 15);
    expect(v('weighted-f1')).toBeCloseTo((3 * 2 / 3 + 3 * 0.8 + 2 * 0.8) / 8, 15);
    // Gorodkin: c = 6, s = 8, predicted (3, 2, 3), true (3, 3, 2).
    expect(v('mcc')).toBeCloseTo((6 * 8 - (9 + 6 + 6)) / Math.sqrt((64 - 22) * (64 - 22)), 15);
    const ll = -(Math.log(0.8) + Math.log(0.6) + Math.log(0.7) + Math.log(0.5) + Math.log(0.7) + Math.log(0.4) + Math.log(0.4) + Math.log(0.2)) / 8;
    expect(v('log-loss')).toBeCloseTo(ll, 6);
    expect(() => v('f1')).toThrow(/f1 is a binary metric/);
  });

  it('ranks by the objective and counts the shortfall of per-class constraints', () => {
    const classes = ['a', 'b', 'c'];
    expect(scoreMulticlass({ kind: 'tune' }, 'macro-f1', PROBS, 3, LABELS, classes)).toMatchObject({ feasible: true, violation: 0, threshold: 0 });
    const spec = { kind: 'constrained' as const, optimize: 'accuracy' as const, subjectTo: [{ metric: 'recall' as const, class: 'b', op: '>=' as const, value: 0.9 }, { metric: 'macro-f1' as const, op: '>' as const, value: 0.5 }] };
    const s = scoreMulticlass(spec, 'macro-f1', PROBS, 3, LABELS, classes);
    expect(s.feasible).toBe(false);
    expect(s.violation).toBeCloseTo(0.9 - 2 / 3, 12);
    expect(s.optimized).toBeCloseTo(0.75, 15);
    expect(s.value).toBeCloseTo((2 / 3 + 0.8 + 0.8) / 3, 15);
    expect(() => scoreMulticlass({ ...spec, subjectTo: [{ metric: 'recall', class: 'z', op: '>=', value: 0.5 }] }, 'macro-f1', PROBS, 3, LABELS, classes)).toThrow(/no class z/);
  });

  it('gives seeded, stratified bootstrap intervals around each estimate, per class too', () => {
    const classes = ['a', 'b', 'c'];
    const run = () => multiclassIntervals(PROBS, 3, LABELS, classes, ['accuracy', 'macro-f1'], { resamples: 300, rng: new Rng(1).child('b') });
    const a = run();
    expect(a).toEqual(run());
    expect(Object.keys(a)).toEqual(['accuracy', 'macro-f1', 'precision[a]', 'recall[a]', 'f1[a]', 'precision[b]', 'recall[b]', 'f1[b]', 'precision[c]', 'recall[c]', 'f1[c]']);
    expect(a['accuracy']!.estimate).toBe(0.75);
    for (const [name, i] of Object.entries(a)) {
      expect(i.low, name).toBeLessThanOrEqual(i.high);
      expect(i.low, name).toBeGreaterThanOrEqual(0);
      expect(i.high, name).toBeLessThanOrEqual(1);
    }
    // Class c's items are all predicted c, in every stratified resample: its recall never moves.
    expect(a['recall[c]']).toEqual({ estimate: 1, low: 1, high: 1 });
    expect(a['accuracy']!.high - a['accuracy']!.low).toBeGreaterThan(0);
    expect(() => multiclassIntervals(PROBS, 3, LABELS, classes, ['log-loss'], { resamples: 10, rng: new Rng(1) })).toThrow(/not computed from the confusion matrix/);
  });

  it('records the hold-out: matrix, per-class scores with support, macro and micro averages', () => {
    const h = scoreMulticlassHoldout([10, 11, 12, 13, 14, 15, 16, 17], PROBS, LABELS, ['a', 'b', 'c'], { resamples: 50, rng: new Rng(2) });
    expect(h.kind).toBe('multiclass');
    expect(h.matrix).toEqual(MATRIX);
    expect(h.perClass.map((c) => [c.class, c.support])).toEqual([['a', 3], ['b', 3], ['c', 2]]);
    expect(h.perClass[1]!.precision).toBe(1);
    expect(h.micro).toEqual({ precision: 0.75, recall: 0.75, f1: 0.75 });
    expect(h.macro.f1).toBeCloseTo(h.metrics['macro-f1']!, 15);
    expect(h.predictions.predicted).toEqual([0, 0, 1, 1, 2, 2, 0, 2]);
    expect(h.predictions.probabilities[3]).toEqual([PROBS[9], PROBS[10], PROBS[11]]);
  });
});
