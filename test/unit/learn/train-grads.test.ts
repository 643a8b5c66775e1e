import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { installTrainingGradients } from '../../../src/learn/train-grads.js';
import { initBackend } from '../../../src/learn/backend/backend.js';
import { Rng } from '../../../src/core/rng.js';

beforeAll(async () => { await initBackend('wasm'); });

/** Gradients of a batch-norm-in-training loss wrt x, the batch statistics path, scale and offset. */
function bnGrads(): number[][] {
  const rng = new Rng('bn');
  const x = tf.tensor(Float32Array.from({ length: 2 * 3 * 3 * 4 }, () => rng.normal()), [2, 3, 3, 4]);
  const gamma = tf.tensor1d([0.5, 1, 1.5, 2]);
  const beta = tf.tensor1d([0, 0.1, 0.2, 0.3]);
  const w = tf.tensor(Float32Array.from({ length: 72 }, () => rng.normal()), [2, 3, 3, 4]);
  const f = (xx: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Scalar => {
    const { mean, variance } = tf.moments(xx, [0, 1, 2]);
    return tf.sum(tf.mul(tf.batchNorm(xx, mean, variance, b, g, 1e-3), w)) as tf.Scalar;
  };
  const grads = tf.grads(f)([x, gamma, beta]);
  const out = grads.map((t) => Array.from(t.dataSync()));
  tf.dispose([x, gamma, beta, w, ...grads]);
  return out;
}

describe('installTrainingGradients', () => {
  it('gives the same batch-norm gradients as tfjs-core, bit for bit, without the full-size Tile; installing twice is harmless', async () => {
    const tiles = async () => (await tf.profile(() => { bnGrads(); })).kernels.filter((k) => k.name === 'Tile').length;
    const before = bnGrads();
    expect(await tiles()).toBe(1);
    installTrainingGradients();
    installTrainingGradients();
    const after = bnGrads();
    expect(await tiles()).toBe(0);
    expect(after).toEqual(before);
    expect(after[0]!.some((v) => v !== 0)).toBe(true);
  });

  it('leaves every other backend on tfjs-core\'s own gradient, Tile and all', async () => {
    installTrainingGradients();
    const tiles = async () => (await tf.profile(() => { bnGrads(); })).kernels.filter((k) => k.name === 'Tile').length;
    await initBackend('cpu');
    try {
      expect(tf.getBackend()).toBe('cpu');
      expect(await tiles()).toBe(1);
      expect(bnGrads()[0]!.some((v) => v !== 0)).toBe(true);
    } finally {
      await initBackend('wasm');
    }
    expect(await tiles()).toBe(0);
  });
});
