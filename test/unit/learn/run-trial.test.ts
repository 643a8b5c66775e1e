import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { readExamples, runTrialInProcess } from '../../../src/learn/run-trial.js';
import { loadModel } from '../../../src/learn/model-io.js';
import { writeTensor } from '../../../src/store/tensor-file.js';
import { request, table } from './trial-fixtures.js';

let dir: string;
const at = (name: string) => path.join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'assay-run-trial-'));
  const train = table(40, 3, 'rt-train');
  const val = table(20, 3, 'rt-val');
  await writeTensor(at('train-x'), train.x, train.shape);
  await writeTensor(at('train-y'), train.y, [40]);
  await writeTensor(at('val-x'), val.x, val.shape);
  await writeTensor(at('val-y'), val.y, [20]);
  await writeTensor(at('int-x'), new Int32Array(120), [40, 3]);
  await writeTensor(at('short-y'), new Uint8Array(39), [39]);
  await writeTensor(at('float-y'), new Float32Array(40), [40]);
});

afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('readExamples', () => {
  it('reads float32 rows and uint8 labels', async () => {
    const ex = await readExamples(at('train-x'), at('train-y'));
    expect(ex.shape).toEqual([40, 3]);
    expect(ex.x).toBeInstanceOf(Float32Array);
    expect(Array.from(ex.y.subarray(0, 4))).toEqual([0, 1, 0, 1]);
  });
  it('names the file and the problem for wrong dtypes and label counts', async () => {
    await expect(readExamples(at('int-x'), at('train-y'))).rejects.toThrow(`tensor ${at('int-x')}: expected float32 examples, found int32`);
    await expect(readExamples(at('train-x'), at('float-y'))).rejects.toThrow(`tensor ${at('float-y')}: expected uint8 labels, found float32`);
    await expect(readExamples(at('train-x'), at('short-y'))).rejects.toThrow(`labels of shape [39] do not match 40 examples`);
  });
});

describe('runTrialInProcess', () => {
  it('trains from tensor files, saves the best model, and frees every tensor', async () => {
    const base = request({ family: 'mlp', params: { layers: 1, units: 4 }, backend: 'wasm', modelDir: at('model'), training: { epochs: 3 } });
    const req = { ...base, data: { ...base.data, trainX: at('train-x'), trainY: at('train-y'), valX: at('val-x'), valY: at('val-y') } };
    await runTrialInProcess(req); // warm-up: the backend's own first-use tensors
    const before = tf.memory().numTensors;
    const result = await runTrialInProcess(req);
    expect(tf.memory().numTensors).toBe(before);
    expect(result.epochs).toBe(3);
    const model = await loadModel(at('model'));
    const val = await readExamples(at('val-x'), at('val-y'));
    const probs = tf.tidy(() => Array.from((model.predict(tf.tensor(val.x, [20, 3])) as tf.Tensor).dataSync()));
    expect(probs).toEqual(result.valProbabilities);
    model.dispose();
  });

  it('stops once the time budget\'s deadline has passed (after one finished epoch), and says so', async () => {
    const base = request({ family: 'mlp', params: { layers: 1, units: 4 }, backend: 'wasm', modelDir: null, training: { epochs: 5 } });
    const data = { ...base.data, trainX: at('train-x'), trainY: at('train-y'), valX: at('val-x'), valY: at('val-y') };
    const late = await runTrialInProcess({ ...base, data, deadline: 1 });
    expect(late.epochs).toBe(1);
    expect(late.stoppedBy).toBe('deadline');
    const onTime = await runTrialInProcess({ ...base, data, deadline: null });
    expect(onTime.epochs).toBe(5);
    expect(onTime.stoppedBy).toBeUndefined();
  });
});
