/**
 * Model families: turn a family name and its resolved hyperparameters into an (uncompiled)
 * tf.LayersModel. Every initializer is seeded from `seed`, so the same call builds the same
 * weights on the same backend. The models end in probabilities (sigmoid for two classes,
 * softmax otherwise); losses and weight decay are applied by the training loop (train.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { match } from 'ts-pattern';
import type { FamilyName, Params, ParamValue } from '../../core/spec.js';
import { Rng } from '../../core/rng.js';
import type { MixedLayout } from '../../core/data.js';
import { buildTwoBranch } from './two-branch.js';

/** Numeric hyperparameter `name` from resolved params; throws when it is missing or not a number. */
export function numParam(params: Params, name: string): number {
  const v: ParamValue | undefined = params[name];
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new Error(`hyperparameter "${name}" must be a finite number, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** Per-layer initializer seeds derived from the trial seed (never 0: tfjs treats seed 0 as "unseeded"). */
export class SeedSource {
  private readonly rng: Rng;
  private n = 0;
  constructor(seed: number) {
    this.rng = new Rng(seed, `init/${seed}`);
  }
  next(): number {
    return this.rng.child(this.n++).seed() || 1;
  }
}

/**
 * Head: one sigmoid unit for two classes, a softmax over `classes` otherwise.
 * NOTE: binary models output P(class index 1); train.ts maps that to the positive class.
 */
export function head(x: tf.SymbolicTensor, classes: number, seeds: SeedSource): tf.SymbolicTensor {
  const binary = classes === 2;
  return tf.layers.dense({
    name: 'head',
    units: binary ? 1 : classes,
    activation: binary ? 'sigmoid' : 'softmax',
    kernelInitializer: tf.initializers.glorotUniform({ seed: seeds.next() }),
    biasInitializer: 'zeros',
  }).apply(x) as tf.SymbolicTensor;
}

export function flattenInput(input: tf.SymbolicTensor, shape: readonly number[]): tf.SymbolicTensor {
  return shape.length === 1 ? input : (tf.layers.flatten({ name: 'flatten' }).apply(input) as tf.SymbolicTensor);
}

// NOTE: every layer has a fixed name, so a model's model.json is the same bytes whichever process
// built it (tfjs otherwise numbers layers with a per-process counter).
function buildCnn(shape: readonly number[], params: Params, classes: number, seeds: SeedSource): tf.LayersModel {
  if (shape.length !== 3) {
    throw new Error(`family cnn needs image input [height, width, channels], got [${shape.join(', ')}]; use mlp or logistic for tables`);
  }
  const input = tf.input({ shape: [...shape], name: 'input' });
  let x = cnnTrunk(input, shape, params, seeds);
  // NOTE: no dropout seed: a seeded tfjs dropout layer repeats one mask every step. The trial
  // seeds tfjs's global random source instead (backend.seedTfRandom).
  x = dropoutLayer(x, params);
  return tf.model({ name: 'cnn', inputs: input, outputs: head(x, classes, seeds) });
}

function dropoutLayer(x: tf.SymbolicTensor, params: Params): tf.SymbolicTensor {
  const rate = numParam(params, 'dropout');
  return rate > 0 ? (tf.layers.dropout({ name: 'dropout', rate }).apply(x) as tf.SymbolicTensor) : x;
}

/** The cnn's blocks and global average pooling over image input `input` of `shape` [h, w, c]. */
export function cnnTrunk(input: tf.SymbolicTensor, shape: readonly number[], params: Params, seeds: SeedSource): tf.SymbolicTensor {
  const blocks = numParam(params, 'blocks');
  const filters = numParam(params, 'filters');
  const growth = numParam(params, 'width-growth');
  let x: tf.SymbolicTensor = input;
  let h = shape[0]!, w = shape[1]!;
  for (let i = 0; i < blocks; i++) {
    x = tf.layers.conv2d({
      name: `conv${i + 1}`,
      filters: Math.max(1, Math.round(filters * growth ** i)),
      kernelSize: 3,
      padding: 'same',
      useBias: false, // batch norm's beta plays the bias
      kernelInitializer: tf.initializers.heNormal({ seed: seeds.next() }),
    }).apply(x) as tf.SymbolicTensor;
    // NOTE: momentum 0.9 (not Keras' 0.99): with balanced or undersampled epochs of a few dozen steps,
    // 0.99 leaves the inference statistics many epochs behind the weights, and validation swings.
    x = tf.layers.batchNormalization({ name: `bn${i + 1}`, axis: -1, momentum: 0.9 }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.reLU({ name: `relu${i + 1}` }).apply(x) as tf.SymbolicTensor;
    // NOTE: a block whose input is already narrower than 2 pixels keeps its size instead of
    // failing; deep stacks on tiny images then simply stop shrinking.
    if (h >= 2 && w >= 2) {
      x = tf.layers.maxPooling2d({ name: `pool${i + 1}`, poolSize: 2, strides: 2 }).apply(x) as tf.SymbolicTensor;
      h = Math.floor(h / 2); w = Math.floor(w / 2);
    }
  }
  return tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as tf.SymbolicTensor;
}

function buildMlp(shape: readonly number[], params: Params, classes: number, seeds: SeedSource): tf.LayersModel {
  const input = tf.input({ shape: [...shape], name: 'input' });
  const x = dropoutLayer(mlpTrunk(flattenInput(input, shape), params, seeds), params);
  return tf.model({ name: 'mlp', inputs: input, outputs: head(x, classes, seeds) });
}

/** The mlp's hidden dense layers over flat input `x`. */
export function mlpTrunk(input: tf.SymbolicTensor, params: Params, seeds: SeedSource): tf.SymbolicTensor {
  const layers = numParam(params, 'layers');
  const units = numParam(params, 'units');
  let x = input;
  for (let i = 0; i < layers; i++) {
    x = tf.layers.dense({
      name: `dense${i + 1}`,
      units: Math.max(1, Math.round(units)),
      activation: 'relu',
      kernelInitializer: tf.initializers.heNormal({ seed: seeds.next() }),
      biasInitializer: 'zeros',
    }).apply(x) as tf.SymbolicTensor;
  }
  return x;
}

function buildLogistic(shape: readonly number[], classes: number, seeds: SeedSource): tf.LayersModel {
  const input = tf.input({ shape: [...shape], name: 'input' });
  return tf.model({ name: 'logistic', inputs: input, outputs: head(flattenInput(input, shape), classes, seeds) });
}

/**
 * Build an uncompiled model of `family` for inputs of `inputShape` (one example, no batch axis).
 *
 * - `cnn`: `blocks` x [conv 3x3 'same' (filters = round(filters * width-growth^i)) + batch norm +
 *   ReLU + max-pool 2x2], global average pooling, dropout, dense head. Image input [h, w, c] only.
 * - `mlp`: flatten, `layers` x dense(`units`, ReLU), dropout, dense head. Any input shape.
 * - `logistic`: flatten, dense head. Any input shape.
 *
 * - `two-branch`: mixed data packed as `layout` says: the cnn's trunk over the image and the mlp's
 *   over the row, concatenated, dropout, dense head (see two-branch.ts).
 *
 * The head has one sigmoid unit when `classes` is 2 (output = P(class index 1)), a softmax over
 * `classes` otherwise. `params` must be resolved (see families/params.ts `resolveParams`); the
 * optimisation parameters in it (learning rate, weight decay, ...) are read by train.ts.
 * Same arguments and backend => same initial weights.
 */
export function buildModel(family: FamilyName, inputShape: readonly number[], params: Params, classes: number, seed: number, layout?: MixedLayout): tf.LayersModel {
  if (!Number.isInteger(classes) || classes < 2) throw new Error(`a model needs at least 2 classes, got ${classes}`);
  if (inputShape.length === 0 || inputShape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new Error(`input shape must be positive integers, got [${inputShape.join(', ')}]`);
  }
  const seeds = new SeedSource(seed);
  return match(family)
    .with('cnn', () => buildCnn(inputShape, params, classes, seeds))
    .with('mlp', () => buildMlp(inputShape, params, classes, seeds))
    .with('logistic', () => buildLogistic(inputShape, classes, seeds))
    .with('two-branch', () => buildTwoBranch(inputShape, params, classes, seeds, layout))
    .exhaustive();
}
