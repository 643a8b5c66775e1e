/**
 * Training a small CNN on wasm (with assay's kernels) is deterministic and matches cpu.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/core/rng.js';
import { initBackend, seedTfRandom } from '../../../../src/learn/backend/backend.js';

function data(n: number, seed: number): { xs: Float32Array; ys: Float32Array } {
  const rng = new Rng(seed);
  return {
    xs: Float32Array.from({ length: n * 16 * 16 * 2 }, () => rng.uniform(0, 1)),
    ys: Float32Array.from({ length: n }, (_, i) => i % 2),
  };
}

/** conv 3x3 same -> BN -> ReLU -> pool -> conv 3x3 stride 2 -> ReLU -> GAP -> dropout -> dense sigmoid. */
function buildCnn(optimizer: tf.Optimizer, dropout: number): tf.LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [16, 16, 2], filters: 4, kernelSize: 3, padding: 'same', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
  m.add(tf.layers.batchNormalization({}));
  m.add(tf.layers.activation({ activation: 'relu' }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'valid', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
  m.add(tf.layers.globalAveragePooling2d({}));
  m.add(tf.layers.dropout({ rate: dropout }));
  m.add(tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }));
  m.compile({ optimizer, loss: 'binaryCrossentropy' });
  return m;
}

async function train(backend: 'wasm' | 'cpu', optimizer: () => tf.Optimizer, dropout: number, steps: number): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  seedTfRandom(42);
  const model = buildCnn(optimizer(), dropout);
  const { xs, ys } = data(8, 5);
  const x = tf.tensor4d(xs, [8, 16, 16, 2]);
  const y = tf.tensor2d(ys, [8, 1]);
  for (let i = 0; i < steps; i++) await model.trainOnBatch(x, y);
  const weights = model.getWeights().map((w) => w.dataSync().slice() as Float32Array);
  model.optimizer.dispose();
  model.dispose();
  x.dispose();
  y.dispose();
  await tf.setBackend('wasm');
  return weights;
}

beforeAll(async () => {
  await initBackend('wasm');
});

describe('training a small CNN on wasm', () => {
  it('is bit-identical across two runs with the same seed (adam, dropout)', async () => {
    const a = await train('wasm', () => tf.train.adam(0.01), 0.3, 4);
    const b = await train('wasm', () => tf.train.adam(0.01), 0.3, 4);
    expect(a.length).toBe(10); // conv 2 + batch norm 4 + conv 2 + dense 2
    for (let i = 0; i < a.length; i++) expect(Buffer.from(b[i].buffer).equals(Buffer.from(a[i].buffer))).toBe(true);
  });

  it('moves the weights (the gradients are not zero)', async () => {
    await tf.setBackend('wasm');
    const m = buildCnn(tf.train.sgd(0.1), 0);
    const start = m.getWeights().map((w) => w.dataSync().slice());
    m.dispose();
    const trained = await train('wasm', () => tf.train.sgd(0.1), 0, 1);
    expect(Array.from(trained[0])).not.toEqual(Array.from(start[0]));
  });

  it('matches the cpu backend after two SGD steps (with dropout masks from the seeded source)', async () => {
    const w = await train('wasm', () => tf.train.sgd(0.1), 0.3, 2);
    const c = await train('cpu', () => tf.train.sgd(0.1), 0.3, 2);
    for (let i = 0; i < w.length; i++) {
      let m = 0;
      for (let j = 0; j < w[i].length; j++) m = Math.max(m, Math.abs(w[i][j] - c[i][j]));
      expect(m).toBeLessThan(1e-4);
    }
  });
});
