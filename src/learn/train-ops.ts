/**
 * Tensor-side pieces of the training loop: optimizers, learning-rate schedules, the weighted
 * loss with L2 weight decay, and batched inference.
 */
import * as tf from '@tensorflow/tfjs';
import { match } from 'ts-pattern';
import type { TrainingSpec } from '../core/spec.js';

/** Probabilities are clipped to [EPS, 1 - EPS] before the log (as Keras does). */
export const EPS = 1e-7;

export type OptimizerName = TrainingSpec['optimizer'];

/** adam (tfjs defaults), sgd with momentum 0.9, or rmsprop (tfjs defaults). */
export function makeOptimizer(name: OptimizerName, learningRate: number): tf.Optimizer {
  return match(name)
    .with('adam', () => tf.train.adam(learningRate) as tf.Optimizer)
    .with('sgd', () => tf.train.momentum(learningRate, 0.9) as tf.Optimizer)
    .with('rmsprop', () => tf.train.rmsprop(learningRate) as tf.Optimizer)
    .exhaustive();
}

/** Change an optimizer's step size in place, keeping its state (moments, accumulators). */
export function setLearningRate(opt: tf.Optimizer, lr: number): void {
  // NOTE: SGD/momentum cache -lr in a kept scalar and must go through setLearningRate;
  // adam and rmsprop read the `learningRate` field on every step.
  const o = opt as unknown as { learningRate: number; setLearningRate?: (lr: number) => void };
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
  else o.learningRate = lr;
}

/**
 * Learning rate for 1-based `epoch` of `epochs`: `constant`; `cosine` = base * (1 + cos(pi * (epoch - 1) / epochs)) / 2
 * (full rate in epoch 1, never zero); `step` = base halved every ceil(epochs / 4) epochs.
 */
export function scheduledRate(schedule: TrainingSpec['schedule'], base: number, epoch: number, epochs: number): number {
  return match(schedule)
    .with('constant', () => base)
    .with('cosine', () => base * 0.5 * (1 + Math.cos((Math.PI * (epoch - 1)) / epochs)))
    .with('step', () => base * 0.5 ** Math.floor((epoch - 1) / Math.max(1, Math.ceil(epochs / 4))))
    .exhaustive();
}

/**
 * Per-example cross-entropy of model outputs `out` against class indices `y` (int32 [b]):
 * binary (out [b, 1] = P(class 1)) or categorical (out [b, k]). Returns a [b] tensor.
 */
export function crossEntropy(out: tf.Tensor, y: tf.Tensor1D, classes: number): tf.Tensor1D {
  return tf.tidy(() => {
    if (classes === 2) {
      const p = tf.clipByValue(tf.reshape(out, [-1]), EPS, 1 - EPS);
      const t = tf.cast(y, 'float32');
      return tf.neg(tf.add(tf.mul(t, tf.log(p)), tf.mul(tf.sub(1, t), tf.log(tf.sub(1, p))))) as tf.Tensor1D;
    }
    const p = tf.clipByValue(out, EPS, 1 - EPS);
    return tf.neg(tf.sum(tf.mul(tf.oneHot(y, classes), tf.log(p)), 1)) as tf.Tensor1D;
  });
}

/** Sum of squared kernel weights (dense and conv kernels; not biases or batch-norm parameters). */
export function l2Penalty(model: tf.LayersModel): tf.Scalar {
  const kernels = model.trainableWeights.filter((w) => /(^|\/)kernel$/.test(w.originalName));
  if (kernels.length === 0) return tf.scalar(0);
  return tf.addN(kernels.map((w) => tf.sum(tf.square(w.read())))) as tf.Scalar;
}

/**
 * Positive-class probabilities of `x` (rows of `size` values, `inputShape` per row) in inference
 * mode, in chunks that keep each input tensor near 4 MB, plus the mean unweighted cross-entropy.
 */
export function predictProbabilities(
  model: tf.LayersModel,
  x: Float32Array,
  inputShape: readonly number[],
  y: Uint8Array,
  classes: number,
  positive: number,
): { probs: Float32Array; loss: number } {
  const size = inputShape.reduce((a, b) => a * b, 1);
  const n = y.length;
  const chunk = Math.max(1, Math.min(n, Math.floor(2 ** 20 / size)));
  const probs = new Float32Array(n);
  let lossSum = 0;
  for (let s = 0; s < n; s += chunk) {
    const e = Math.min(n, s + chunk);
    const [p, l] = tf.tidy(() => {
      const xb = tf.tensor(x.subarray(s * size, e * size), [e - s, ...inputShape]);
      const out = model.predict(xb) as tf.Tensor;
      const pos = classes === 2
        ? (positive === 1 ? tf.reshape(out, [-1]) : tf.sub(1, tf.reshape(out, [-1])))
        : tf.reshape(tf.slice(out, [0, positive], [-1, 1]), [-1]);
      const yt = tf.tensor1d(y.subarray(s, e), 'int32');
      return [pos.dataSync() as Float32Array, crossEntropy(out, yt, classes).dataSync() as Float32Array];
    });
    probs.set(p, s);
    for (let i = 0; i < l.length; i++) lossSum += l[i]!;
  }
  return { probs, loss: lossSum / n };
}
