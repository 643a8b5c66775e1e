/**
 * The `two-branch` family for mixed data: one packed input vector per example (the image's
 * values, then the row's; see core/data.ts MixedLayout) is split by built-in layers (reshape and
 * cropping, so model.json needs no custom layer to load), the image goes through the cnn's trunk
 * and the row through the mlp's, and their features are concatenated before dropout and the head.
 */
import * as tf from '@tensorflow/tfjs';
import { mixedSize, type MixedLayout } from '../../core/data.js';
import type { Params } from '../../core/spec.js';
import { SeedSource, cnnTrunk, head, mlpTrunk, numParam } from './index.js';

export function buildTwoBranch(shape: readonly number[], params: Params, classes: number, seeds: SeedSource, layout: MixedLayout | undefined): tf.LayersModel {
  if (!layout) throw new Error('family two-branch needs mixed data (an image and a row per item)');
  const size = mixedSize(layout);
  if (shape.length !== 1 || shape[0] !== size) {
    throw new Error(`family two-branch takes packed rows of ${size} values (image ${layout.image.join('x')} + ${layout.columns} columns), got [${shape.join(', ')}]`);
  }
  const pixels = size - layout.columns;
  const input = tf.input({ shape: [size], name: 'input' });
  const line = tf.layers.reshape({ name: 'packed', targetShape: [1, size, 1] }).apply(input) as tf.SymbolicTensor;
  const imagePart = tf.layers.cropping2D({ name: 'image-part', cropping: [[0, 0], [0, layout.columns]] }).apply(line) as tf.SymbolicTensor;
  const image = tf.layers.reshape({ name: 'image', targetShape: [...layout.image] }).apply(imagePart) as tf.SymbolicTensor;
  const rowPart = tf.layers.cropping2D({ name: 'row-part', cropping: [[0, 0], [pixels, 0]] }).apply(line) as tf.SymbolicTensor;
  const row = tf.layers.reshape({ name: 'row', targetShape: [layout.columns] }).apply(rowPart) as tf.SymbolicTensor;
  const imageFeatures = cnnTrunk(image, layout.image, params, seeds);
  const rowFeatures = mlpTrunk(row, params, seeds);
  let x = tf.layers.concatenate({ name: 'join' }).apply([imageFeatures, rowFeatures]) as tf.SymbolicTensor;
  const rate = numParam(params, 'dropout');
  if (rate > 0) x = tf.layers.dropout({ name: 'dropout', rate }).apply(x) as tf.SymbolicTensor;
  return tf.model({ name: 'two-branch', inputs: input, outputs: head(x, classes, seeds) });
}
