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
 * P(positive class) per row from model outputs: p or 1 - p for a sigmoid head, a softmax column
 * otherwise; with no positive class (`positive` < 0, multi-class) every class's probability,
 * flattened row-major ([n * k]).
 */
export function positiveColumn(out: tf.Tensor, classes: number, positive: number): tf.Tensor1D {
  return tf.tidy(() => {
    if (positive < 0) return tf.reshape(out, [-1]) as tf.Tensor1D;
    if (classes !== 2) return tf.reshape(tf.slice(out, [0, positive], [-1, 1]), [-1]) as tf.Tensor1D;
    const p = tf.reshape(out, [-1]) as tf.Tensor1D;
    return positive === 1 ? p : (tf.sub(1, p) as tf.Tensor1D);
  });
}

/**
 * One optimizer step on a batch `x` of `shape` with class indices `y` and per-example loss
 * weights `w`. The minimised loss is sum(w * cross-entropy) / batch + weightDecay * l2Penalty.
 * Returns that loss without the L2 term, and the positive-class probabilities of the forward pass
 * (training mode) the step computed.
 */
export function trainStep(
  model: tf.LayersModel, optimizer: tf.Optimizer, x: Float32Array, shape: readonly number[], y: Int32Array, w: Float32Array,
  classes: number, positive: number, weightDecay: number,
): { loss: number; probs: Float32Array } {
  const xt = tf.tensor(x, [...shape]);
  const yt = tf.tensor1d(y, 'int32');
  const wt = tf.tensor1d(w);
  let out: tf.Tensor | null = null;
  let dataLoss: tf.Scalar | null = null;
  // NOTE: minimize disposes the returned cost unless asked to return it; with weight decay the
  // data loss is kept separately, since the cost then includes the L2 term.
  const cost = optimizer.minimize(() => {
    const o = model.apply(xt, { training: true }) as tf.Tensor;
    out = tf.keep(o);
    const dl = tf.div(tf.sum(tf.mul(crossEntropy(o, yt, classes), wt)), y.length) as tf.Scalar;
    if (weightDecay <= 0) return dl;
    dataLoss = tf.keep(dl);
    return tf.add(dl, tf.mul(weightDecay, l2Penalty(model))) as tf.Scalar;
  }, true)!;
  const o = out as unknown as tf.Tensor;
  const dl = (dataLoss as tf.Scalar | null) ?? cost;
  const loss = dl.dataSync()[0]!;
  const pos = positiveColumn(o, classes, positive);
  const probs = pos.dataSync() as Float32Array;
  tf.dispose([xt, yt, wt, o, dl, cost, pos]);
  return { loss, probs };
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
  const width = positive < 0 ? classes : 1;
  const probs = new Float32Array(n * width);
  let lossSum = 0;
  for (let s = 0; s < n; s += chunk) {
    const e = Math.min(n, s + chunk);
    const [p, l] = tf.tidy(() => {
      const xb = tf.tensor(x.subarray(s * size, e * size), [e - s, ...inputShape]);
      const out = model.predict(xb) as tf.Tensor;
      const pos = positiveColumn(out, classes, positive);
      const yt = tf.tensor1d(y.subarray(s, e), 'int32');
      return [pos.dataSync() as Float32Array, crossEntropy(out, yt, classes).dataSync() as Float32Array];
    });
    probs.set(p, s * width);
    for (let i = 0; i < l.length; i++) lossSum += l[i]!;
  }
  return { probs, loss: lossSum / n };
}
