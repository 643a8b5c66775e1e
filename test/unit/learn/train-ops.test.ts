import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { crossEntropy, makeOptimizer, positiveColumn, scheduledRate, setLearningRate } from '../../../src/learn/train-ops.js';
import { initBackend } from '../../../src/learn/backend/backend.js';

beforeAll(async () => { await initBackend('wasm'); });

describe('scheduledRate', () => {
  it('constant keeps the base rate', () => expect([1, 5, 10].map((e) => scheduledRate('constant', 0.1, e, 10))).toEqual([0.1, 0.1, 0.1]));
  it('cosine starts at the base rate and decays to half way at the middle epoch', () => {
    expect(scheduledRate('cosine', 0.1, 1, 10)).toBe(0.1);
    expect(scheduledRate('cosine', 0.1, 6, 10)).toBeCloseTo(0.05, 15);
    expect(scheduledRate('cosine', 0.1, 10, 10)).toBeGreaterThan(0);
  });
  it('step halves every ceil(epochs / 4) epochs', () => {
    expect([1, 3, 4, 6, 7, 9, 10].map((e) => scheduledRate('step', 0.8, e, 10))).toEqual([0.8, 0.8, 0.4, 0.4, 0.2, 0.2, 0.1]);
  });
});

describe('optimizers', () => {
  // One step on f(v) = v^2 / 2 from v = 1 (gradient 1): sgd with momentum moves v by -lr.
  function stepOnce(name: 'adam' | 'sgd' | 'rmsprop', lr: number, changeTo?: number): number {
    const v = tf.variable(tf.scalar(1));
    const opt = makeOptimizer(name, lr);
    if (changeTo !== undefined) setLearningRate(opt, changeTo);
    opt.minimize(() => tf.mul(0.5, tf.square(v)) as tf.Scalar);
    const out = v.dataSync()[0]!;
    v.dispose(); opt.dispose();
    return out;
  }
  it('setLearningRate changes the step of every optimizer (sgd caches the rate internally)', () => {
    expect(stepOnce('sgd', 0.1)).toBeCloseTo(0.9, 6);
    expect(stepOnce('sgd', 0.1, 0.25)).toBeCloseTo(0.75, 6);
    expect(stepOnce('adam', 0.1, 0.25)).toBeCloseTo(0.75, 4); // adam's first step is lr * sign(g)
    expect(stepOnce('rmsprop', 0.1, 0.01)).not.toBeCloseTo(stepOnce('rmsprop', 0.1), 4);
  });
});

describe('crossEntropy and positiveColumn', () => {
  it('binary: -log p for class 1, -log(1 - p) for class 0; the positive column is p or 1 - p', () => {
    const out = tf.tensor2d([[0.8], [0.25]]);
    const y = tf.tensor1d([1, 0], 'int32');
    const ce = Array.from(crossEntropy(out, y, 2).dataSync());
    expect(ce[0]).toBeCloseTo(-Math.log(0.8), 6);
    expect(ce[1]).toBeCloseTo(-Math.log(0.75), 6);
    expect(Array.from(positiveColumn(out, 2, 1).dataSync())).toEqual([Math.fround(0.8), 0.25]);
    expect(Array.from(positiveColumn(out, 2, 0).dataSync())).toEqual([Math.fround(1 - Math.fround(0.8)), 0.75]);
    tf.dispose([out, y]);
  });
  it('categorical: -log of the true class probability; the positive column is that class', () => {
    const out = tf.tensor2d([[0.2, 0.5, 0.3], [0.1, 0.1, 0.8]]);
    const y = tf.tensor1d([1, 2], 'int32');
    const ce = Array.from(crossEntropy(out, y, 3).dataSync());
    expect(ce[0]).toBeCloseTo(-Math.log(0.5), 6);
    expect(ce[1]).toBeCloseTo(-Math.log(0.8), 6);
    expect(Array.from(positiveColumn(out, 3, 2).dataSync())).toEqual([Math.fround(0.3), Math.fround(0.8)]);
    tf.dispose([out, y]);
  });
});
