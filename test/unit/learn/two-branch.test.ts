import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { buildModel } from '../../../src/learn/families/index.js';
import { resolveParams } from '../../../src/learn/families/params.js';
import { initBackend } from '../../../src/learn/backend/backend.js';
import { TRAINING } from './trial-fixtures.js';

beforeAll(async () => { await initBackend('cpu'); });

const layout = { image: [4, 4, 1] as const, columns: 3 };

describe('buildModel: two-branch', () => {
  it('splits a packed row into the image (cnn branch) and the row (mlp branch), joined before the head', () => {
    const p = resolveParams('two-branch', { blocks: 1, filters: 2, layers: 1, units: 5, dropout: 0 }, TRAINING);
    const m = buildModel('two-branch', [19], p, 2, 1, layout);
    expect(m.layers.map((l) => l.name)).toEqual(['input', 'packed', 'image-part', 'row-part', 'image', 'row', 'conv1', 'dense1', 'bn1', 'relu1', 'pool1', 'gap', 'join', 'head']
      .filter((n) => m.layers.some((l) => l.name === n)).sort((a, b) => m.layers.findIndex((l) => l.name === a) - m.layers.findIndex((l) => l.name === b)));
    expect(m.getLayer('image').outputShape).toEqual([null, 4, 4, 1]);
    expect(m.getLayer('row').outputShape).toEqual([null, 3]);
    expect(m.getLayer('join').outputShape).toEqual([null, 2 + 5]);
    expect(m.outputs[0]!.shape).toEqual([null, 1]);
    m.dispose();
  });

  it('the image branch sees exactly the first h*w*c values and the row branch the last `columns`', () => {
    const p = resolveParams('two-branch', { blocks: 1, filters: 2, layers: 1, units: 5, dropout: 0 }, TRAINING);
    const m = buildModel('two-branch', [19], p, 2, 1, layout);
    const packed = tf.tensor2d([Array.from({ length: 19 }, (_, i) => i)]);
    const parts = tf.model({ inputs: m.inputs, outputs: [m.getLayer('image').output as tf.SymbolicTensor, m.getLayer('row').output as tf.SymbolicTensor] });
    const [image, row] = parts.predict(packed) as tf.Tensor[];
    expect(Array.from(image!.dataSync())).toEqual(Array.from({ length: 16 }, (_, i) => i));
    expect(Array.from(row!.dataSync())).toEqual([16, 17, 18]);
    tf.dispose([packed, image!, row!]);
    m.dispose();
  });

  it('the same seed builds the same weights; a softmax head over k classes', () => {
    const p = resolveParams('two-branch', {}, TRAINING);
    const a = buildModel('two-branch', [19], p, 3, 7, layout), b = buildModel('two-branch', [19], p, 3, 7, layout);
    const wa = a.getWeights().map((w) => Array.from(w.dataSync())), wb = b.getWeights().map((w) => Array.from(w.dataSync()));
    expect(wa).toEqual(wb);
    expect(a.outputs[0]!.shape).toEqual([null, 3]);
    a.dispose(); b.dispose();
  });

  it('refuses input that does not match the layout, or no layout', () => {
    const p = resolveParams('two-branch', {}, TRAINING);
    expect(() => buildModel('two-branch', [18], p, 2, 1, layout)).toThrow('family two-branch takes packed rows of 19 values (image 4x4x1 + 3 columns), got [18]');
    expect(() => buildModel('two-branch', [19], p, 2, 1)).toThrow(/needs mixed data/);
  });
});
