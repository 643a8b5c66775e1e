import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { buildModel } from '../../../src/learn/families/index.js';
import { resolveParams } from '../../../src/learn/families/params.js';
import { initBackend } from '../../../src/learn/backend/backend.js';
import { TRAINING } from './trial-fixtures.js';

beforeAll(async () => { await initBackend('cpu'); });

function weightsOf(m: tf.LayersModel): number[][] {
  return m.getWeights().map((w) => Array.from(w.dataSync()));
}

describe('buildModel: cnn', () => {
  it('stacks conv/bn/relu/pool blocks with growing filters, pools globally and ends in one sigmoid unit', () => {
    const p = resolveParams('cnn', { blocks: 3, filters: 4, 'width-growth': 1.5, dropout: 0.5 }, TRAINING);
    const m = buildModel('cnn', [16, 16, 1], p, 2, 1);
    const convs = m.layers.filter((l) => l.getClassName() === 'Conv2D');
    expect(convs.map((l) => l.outputShape)).toEqual([[null, 16, 16, 4], [null, 8, 8, 6], [null, 4, 4, 9]]);
    expect(m.layers.map((l) => l.getClassName())).toEqual([
      'InputLayer',
      'Conv2D', 'BatchNormalization', 'ReLU', 'MaxPooling2D',
      'Conv2D', 'BatchNormalization', 'ReLU', 'MaxPooling2D',
      'Conv2D', 'BatchNormalization', 'ReLU', 'MaxPooling2D',
      'GlobalAveragePooling2D', 'Dropout', 'Dense',
    ]);
    expect(m.outputs[0]!.shape).toEqual([null, 1]);
    const out = tf.tidy(() => Array.from((m.predict(tf.ones([2, 16, 16, 1])) as tf.Tensor).dataSync()));
    for (const v of out) expect(v).toBeGreaterThan(0), expect(v).toBeLessThan(1);
    m.dispose();
  });

  it('uses a softmax over the classes for more than two', () => {
    const m = buildModel('cnn', [8, 8, 3], resolveParams('cnn', { blocks: 1, filters: 2 }, TRAINING), 4, 1);
    expect(m.outputs[0]!.shape).toEqual([null, 4]);
    const sums = tf.tidy(() => Array.from(tf.sum(m.predict(tf.ones([3, 8, 8, 3])) as tf.Tensor, 1).dataSync()));
    for (const s of sums) expect(s).toBeCloseTo(1, 5);
    m.dispose();
  });

  it('stops pooling once the feature map is a single pixel', () => {
    const m = buildModel('cnn', [2, 2, 1], resolveParams('cnn', { blocks: 3, filters: 2 }, TRAINING), 2, 1);
    expect(m.layers.filter((l) => l.getClassName() === 'MaxPooling2D')).toHaveLength(1);
    m.dispose();
  });

  it('refuses tabular input', () => {
    expect(() => buildModel('cnn', [10], resolveParams('cnn', {}, TRAINING), 2, 1)).toThrow(/cnn needs image input/);
  });

  it('same seed, same initial weights; another seed, other weights', () => {
    const p = resolveParams('cnn', { blocks: 2, filters: 3 }, TRAINING);
    const a = buildModel('cnn', [8, 8, 1], p, 2, 11);
    const b = buildModel('cnn', [8, 8, 1], p, 2, 11);
    const c = buildModel('cnn', [8, 8, 1], p, 2, 12);
    expect(weightsOf(b)).toEqual(weightsOf(a));
    expect(weightsOf(c)[0]).not.toEqual(weightsOf(a)[0]);
    // the two conv kernels get different seeds within one model
    expect(weightsOf(a)[0]!.slice(0, 9)).not.toEqual(weightsOf(a)[5]!.slice(0, 9));
    [a, b, c].forEach((m) => m.dispose());
  });
});

describe('buildModel: mlp and logistic', () => {
  it('mlp flattens any input into `layers` hidden ReLU layers before the head', () => {
    const m = buildModel('mlp', [4, 4, 2], resolveParams('mlp', { layers: 2, units: 5, dropout: 0 }, TRAINING), 2, 3);
    expect(m.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'Flatten', 'Dense', 'Dense', 'Dense']);
    expect(m.countParams()).toBe(32 * 5 + 5 + 5 * 5 + 5 + 5 + 1);
    m.dispose();
  });

  it('logistic on a table is a single dense layer: d weights and a bias', () => {
    const m = buildModel('logistic', [7], resolveParams('logistic', {}, TRAINING), 2, 3);
    expect(m.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'Dense']);
    expect(m.countParams()).toBe(8);
    m.dispose();
  });

  it('rejects a missing numeric hyperparameter and fewer than two classes', () => {
    expect(() => buildModel('mlp', [3], { layers: 2 }, 2, 1)).toThrow('hyperparameter "units" must be a finite number, got undefined');
    expect(() => buildModel('logistic', [3], {}, 1, 1)).toThrow(/at least 2 classes/);
  });
});

describe('buildModel: layer names', () => {
  it('names layers the same way every time, so model.json does not depend on what the process built before', () => {
    const params = resolveParams('cnn', { blocks: 2, filters: 4 }, TRAINING);
    const topology = () => {
      const m = buildModel('cnn', [16, 16, 1], params, 2, 1);
      const json = JSON.stringify(m.toJSON(null, false));
      const names = m.layers.map((l) => l.name);
      m.dispose();
      return { json, names };
    };
    const first = topology();
    buildModel('mlp', [8], resolveParams('mlp', {}, TRAINING), 2, 1).dispose(); // something else in between
    const second = topology();
    expect(second.json).toBe(first.json);
    expect(first.names).toEqual(['input', 'conv1', 'bn1', 'relu1', 'pool1', 'conv2', 'bn2', 'relu2', 'pool2', 'gap', 'dropout', 'head']);
  });
});
