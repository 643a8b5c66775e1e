import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { trainTrial } from '../../../src/learn/train.js';
import { initBackend } from '../../../src/learn/backend/backend.js';
import type { EpochRecord, TrialResult } from '../../../src/learn/protocol.js';
import { brightDark, request, table } from './trial-fixtures.js';

const BACKEND = 'wasm';
beforeAll(async () => { await initBackend(BACKEND); });

function weightsOf(m: tf.LayersModel): number[][] {
  return m.getWeights().map((w) => Array.from(w.dataSync()));
}

/** The result without its wall-clock fields. */
function timeless(r: TrialResult): unknown {
  return { ...r, seconds: 0, curves: r.curves.map((c: EpochRecord) => ({ ...c, seconds: 0 })) };
}

const tinyCnn = { blocks: 1, filters: 4, dropout: 0.25, 'batch-size': 16, 'learning-rate': 0.02 };

describe('trainTrial: a small cnn', () => {
  it('learns bright vs dark 16x16 images to validation F1 = 1, with one record per epoch', async () => {
    const records: [EpochRecord, number][] = [];
    const { result, model } = await trainTrial(
      request({ params: tinyCnn, training: { epochs: 5 } }),
      { train: brightDark(64, 16, 'train'), val: brightDark(32, 16, 'val') },
      { onEpoch: (r, of) => records.push([r, of]) },
    );
    expect(result.score).toBe(1);
    expect(result.metric).toBe('f1');
    expect(result.epochs).toBe(5);
    expect(result.pruned).toBe(false);
    expect(result.curves.map((c) => c.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect(records.map(([r, of]) => [r.epoch, of])).toEqual([[1, 5], [2, 5], [3, 5], [4, 5], [5, 5]]);
    expect(result.curves[result.bestEpoch - 1]!.valObjective).toBe(1);
    expect(result.valProbabilities).toHaveLength(32);
    // the returned model holds the best epoch's weights: its predictions are the reported ones
    const probs = tf.tidy(() => Array.from((model.predict(tf.tensor(brightDark(32, 16, 'val').x, [32, 16, 16, 1])) as tf.Tensor).dataSync()));
    expect(probs).toEqual(result.valProbabilities);
    model.dispose();
  });

  it('among epochs tied at the best score keeps the one with the lowest validation log-loss, not the first', async () => {
    const { result, model } = await trainTrial(
      request({ params: tinyCnn, training: { epochs: 6 } }),
      { train: brightDark(64, 16, 'train'), val: brightDark(32, 16, 'val') },
    );
    model.dispose();
    const top = result.curves.filter((c) => c.valObjective === result.score);
    // The case this guards: several epochs reach F1 = 1 and the later ones separate better.
    expect(top.length).toBeGreaterThan(1);
    const lowest = top.reduce((a, b) => (b.valLoss < a.valLoss ? b : a));
    expect(result.bestEpoch).toBe(lowest.epoch);
    expect(result.bestEpoch).not.toBe(top[0]!.epoch);
    expect(result.valLogLoss).toBeCloseTo(lowest.valLoss, 5);
  });

  it('two identical requests give identical weights and results (dropout and augmentation included)', async () => {
    const req = request({
      params: tinyCnn,
      training: { epochs: 2, schedule: 'cosine' },
      data: { augment: { flipHorizontal: true, flipVertical: true, rotate90: true, brightness: 0.1, contrast: 0.1, translate: 0.1 } },
    });
    const data = { train: brightDark(32, 8, 'train'), val: brightDark(16, 8, 'val') };
    const a = await trainTrial(req, data);
    const b = await trainTrial(req, data);
    expect(weightsOf(b.model)).toEqual(weightsOf(a.model));
    expect(timeless(b.result)).toEqual(timeless(a.result));
    const c = await trainTrial({ ...req, seed: 8 }, data);
    expect(weightsOf(c.model)).not.toEqual(weightsOf(a.model));
    [a, b, c].forEach((r) => r.model.dispose());
  });

  it('augments the image part of mixed examples (two-branch), reproducibly', async () => {
    // Packed examples: an 8x8 bright/dark image, then a row of two columns.
    const pack = (e: ReturnType<typeof brightDark>, seed: string) => {
      const t = table(e.y.length, 2, seed);
      const x = new Float32Array(e.y.length * 66);
      e.y.forEach((_, i) => { x.set(e.x.subarray(i * 64, (i + 1) * 64), i * 66); x.set(t.x.subarray(i * 2, i * 2 + 2), i * 66 + 64); });
      return { x, shape: [e.y.length, 66], y: e.y };
    };
    const data = { train: pack(brightDark(32, 8, 'train'), 't'), val: pack(brightDark(16, 8, 'val'), 'v') };
    const layout = { image: [8, 8, 1] as const, columns: 2 };
    const params = { blocks: 1, filters: 4, layers: 1, units: 4, dropout: 0, 'batch-size': 16, 'learning-rate': 0.02 };
    const augment = { flipHorizontal: true, flipVertical: true, rotate90: true, brightness: 0.2, contrast: 0.2, translate: 0.25 };
    const plain = request({ family: 'two-branch', params, training: { epochs: 2 }, data: { layout } });
    const augmented = request({ family: 'two-branch', params, training: { epochs: 2 }, data: { layout, augment } });
    const [a, b, c] = [await trainTrial(plain, data), await trainTrial(augmented, data), await trainTrial(augmented, data)];
    // Augmentation reached training (other weights), the same way each time.
    expect(weightsOf(b.model)).not.toEqual(weightsOf(a.model));
    expect(weightsOf(c.model)).toEqual(weightsOf(b.model));
    [a, b, c].forEach((r) => r.model.dispose());
  });

  it('leaks no tensors once the model is disposed (optimizer state included)', async () => {
    const before = tf.memory().numTensors;
    const { model } = await trainTrial(
      request({ params: { ...tinyCnn, optimizer: 'rmsprop', 'weight-decay': 0.01 }, training: { epochs: 2 } }),
      { train: brightDark(16, 8, 'train'), val: brightDark(8, 8, 'val') },
    );
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('trainTrial: stopping', () => {
  // Logistic regression on column 0; validation has the sign flipped, so every epoch of learning
  // makes validation worse: epoch 1 is the best.
  const train = table(64, 3, 'es-train');
  const val = table(32, 3, 'es-val', -1);
  const logistic = { 'batch-size': 16, 'learning-rate': 0.05 };
  const lossObjective = { metric: 'log-loss', beta: 1, threshold: { kind: 'fixed', value: 0.5 }, prevalence: { kind: 'sample' } } as const;

  it('early stopping stops after `patience` epochs without improvement and restores the best epoch', async () => {
    const req = request({ family: 'logistic', params: logistic, objective: lossObjective, training: { epochs: 20, earlyStopping: { patience: 2, minDelta: 0 } } });
    const { result, model } = await trainTrial(req, { train, val });
    expect(result.epochs).toBe(3);
    expect(result.bestEpoch).toBe(1);
    expect(result.curves[1]!.valObjective).toBeGreaterThan(result.curves[0]!.valObjective);
    expect(result.curves[2]!.valObjective).toBeGreaterThan(result.curves[1]!.valObjective);
    expect(result.score).toBe(result.curves[0]!.valObjective);
    // the weights are those after epoch 1: the same as a one-epoch run
    const one = await trainTrial({ ...req, training: { ...req.training, epochs: 1, earlyStopping: null } }, { train, val });
    expect(weightsOf(model)).toEqual(weightsOf(one.model));
    expect(result.valProbabilities).toEqual(one.result.valProbabilities);
    model.dispose(); one.model.dispose();
  });

  it('pruning stops a hopeless trial when its peers are better, and reports its best score so far', async () => {
    const peers = [[0.1, 0.05, 0.01, 0.01, 0.01], [0.1, 0.05, 0.02, 0.02, 0.02], [0.1, 0.06, 0.03, 0.03, 0.03]];
    const req = request({ family: 'logistic', params: logistic, objective: lossObjective, training: { epochs: 5 }, pruning: 'median', peers });
    const { result, model } = await trainTrial(req, { train, val });
    expect(result.pruned).toBe(true);
    expect(result.epochs).toBe(3); // the median rule waits two epochs
    expect(result.bestEpoch).toBe(1);
    expect(result.score).toBe(result.curves[0]!.valObjective);
    model.dispose();
    const free = await trainTrial({ ...req, pruning: 'none' }, { train, val });
    expect(free.result.pruned).toBe(false);
    expect(free.result.epochs).toBe(5);
    free.model.dispose();
  });

  it('shouldStop ends training before the next epoch', async () => {
    let n = 0;
    const { result, model } = await trainTrial(request({ family: 'logistic', params: logistic, training: { epochs: 9 } }), { train, val: train }, {
      onEpoch: () => { n++; },
      shouldStop: () => n >= 2,
    });
    expect(result.epochs).toBe(2);
    expect(result.pruned).toBe(false);
    model.dispose();
  });

  it('shouldStop interrupts an epoch after its first batch once one epoch has finished, keeping the best finished epoch', async () => {
    let polls = 0;
    // 64 rows in batches of 8. Polls: 1 before epoch 1 (none between its batches), 2 before
    // epoch 2, 3 after epoch 2's first batch: the stop lands inside epoch 2.
    const req = request({ family: 'logistic', params: { ...logistic, 'batch-size': 8 }, training: { epochs: 9 } });
    const { result, model } = await trainTrial(req, { train, val }, { shouldStop: () => ++polls >= 3 });
    expect(polls).toBe(3);
    expect(result.epochs).toBe(1);
    expect(result.bestEpoch).toBe(1);
    const probs = tf.tidy(() => Array.from((model.predict(tf.tensor(val.x, [32, 3])) as tf.Tensor).dataSync()));
    expect(probs).toEqual(result.valProbabilities);
    model.dispose();
  });
});

describe('trainTrial: class weights and balanced batches', () => {
  const train = table(64, 2, 'cw-train', 1, 1.5);
  const val = table(32, 2, 'cw-val', 1, 1.5);
  // one batch per epoch: epoch 1's loss is measured before any update
  const params = { 'batch-size': 64, 'learning-rate': 0.05 };

  it('class weights scale the training loss: x2 on both classes doubles it exactly, x10 on positives raises it', async () => {
    const run = async (w: readonly number[] | null) => {
      const { result, model } = await trainTrial(request({ family: 'logistic', params, training: { epochs: 3 }, data: { classWeights: w } }), { train, val });
      model.dispose();
      return result;
    };
    const plain = await run(null);
    const ones = await run([1, 1]);
    const twos = await run([2, 2]);
    const pos = await run([1, 10]);
    expect(ones.curves[0]!.trainLoss).toBe(plain.curves[0]!.trainLoss);
    expect(twos.curves[0]!.trainLoss).toBe(2 * plain.curves[0]!.trainLoss);
    expect(pos.curves[0]!.trainLoss).toBeGreaterThan(plain.curves[0]!.trainLoss);
    // validation loss is unweighted
    expect(ones.curves[0]!.valLoss).toBe(plain.curves[0]!.valLoss);
    // weighting the positives pushes every validation probability up
    const mean = (r: TrialResult) => r.valProbabilities.reduce((a, b) => a + b, 0) / r.valProbabilities.length;
    expect(mean(pos)).toBeGreaterThan(mean(plain));
  });

  it('balanced batches train on minority + drawn majority each epoch', async () => {
    const imbalanced = brightDark(80, 8, 'bb', 8); // 8 bright (positive), 72 dark
    const { result, model } = await trainTrial(
      request({ params: { ...tinyCnn, 'batch-size': 8 }, training: { epochs: 3 }, data: { balancedBatches: { ratio: 0.5 } } }),
      { train: imbalanced, val: brightDark(16, 8, 'bb-val') },
    );
    expect(result.epochs).toBe(3);
    expect(result.curves.every((c) => Number.isFinite(c.trainLoss) && Number.isFinite(c.trainObjective))).toBe(true);
    model.dispose();
  });
});

describe('trainTrial: class layout', () => {
  const params = { 'batch-size': 16, 'learning-rate': 0.05 };

  it('reports the probability of the positive class whichever index it has', async () => {
    const data = { train: table(32, 2, 'pl-train'), val: table(16, 2, 'pl-val') };
    const one = await trainTrial(request({ family: 'logistic', params }), data);
    const zero = await trainTrial(request({ family: 'logistic', params, data: { positive: 0 } }), data);
    expect(weightsOf(zero.model)).toEqual(weightsOf(one.model));
    expect(zero.result.valProbabilities).toEqual(one.result.valProbabilities.map((p) => Math.fround(1 - p)));
    one.model.dispose(); zero.model.dispose();
  });

  it('trains a softmax over three classes and scores positive-vs-rest', async () => {
    const mk = (seed: string) => {
      const t = table(48, 2, seed);
      const y = Uint8Array.from({ length: 48 }, (_, i) => i % 3);
      const x = Float32Array.from(t.x);
      for (let i = 0; i < 48; i++) x[i * 2] = y[i]! * 2 + 0.1 * x[i * 2 + 1]!;
      return { x, shape: t.shape, y };
    };
    const { result, model } = await trainTrial(
      request({ family: 'mlp', params: { ...params, layers: 1, units: 8, dropout: 0 }, training: { epochs: 20 }, data: { classes: ['a', 'b', 'c'], positive: 2 } }),
      { train: mk('mc-train'), val: mk('mc-val') },
    );
    expect(model.outputs[0]!.shape).toEqual([null, 3]);
    expect(result.valProbabilities).toHaveLength(48);
    expect(result.score).toBe(1);
    model.dispose();
  });
});

describe('trainTrial: failures', () => {
  it('rejects NaN data and mismatched shapes with a clear message', async () => {
    const bad = table(8, 2, 'nan');
    const x = Float32Array.from(bad.x); x[5] = NaN;
    await expect(trainTrial(request({ family: 'logistic' }), { train: { ...bad, x }, val: bad })).rejects.toThrow('training data: non-finite value NaN at row 2');
    await expect(trainTrial(request({ family: 'logistic' }), { train: bad, val: table(8, 3, 'v') })).rejects.toThrow('validation rows are [3] but training rows are [2]');
    await expect(trainTrial(request({ family: 'cnn' }), { train: bad, val: bad })).rejects.toThrow(/cnn needs image input/);
  });
});
