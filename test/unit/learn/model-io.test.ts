import { mkdtemp, readFile, rm, symlink, truncate, unlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, seedTfRandom } from '../../../src/learn/backend/backend.js';
import { loadModel, saveModel } from '../../../src/learn/model-io.js';

function smallCnn(): tf.LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [8, 8, 2], filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }));
  m.add(tf.layers.batchNormalization({}));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.globalAveragePooling2d({}));
  m.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
  m.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy' });
  return m;
}

describe('saveModel / loadModel', () => {
  let dir: string;
  let model: tf.LayersModel;
  let x: tf.Tensor;

  beforeAll(async () => {
    await initBackend('wasm');
    x = tf.randomUniform([5, 8, 8, 2], 0, 1, 'float32', 7);
    seedTfRandom(3);
    dir = await mkdtemp(path.join(os.tmpdir(), 'assay-model-io-'));
    model = smallCnn();
    // One training step so batch-norm moving statistics and weights are not the initial ones.
    await model.trainOnBatch(x, tf.tensor2d([[0], [1], [0], [1], [1]]));
  });
  afterAll(async () => {
    model.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes model.json (tfjs layers format, one weights.bin) and weights.bin', async () => {
    const out = path.join(dir, 'ok');
    await saveModel(model, out);
    const json = JSON.parse(await readFile(path.join(out, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest).toHaveLength(1);
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    const weightCount = model.getWeights().reduce((a, w) => a + w.size, 0);
    expect((await readFile(path.join(out, 'weights.bin'))).length).toBe(weightCount * 4);
  });

  it('round trip gives identical weights and identical predictions', async () => {
    const out = path.join(dir, 'round-trip');
    await saveModel(model, out);
    const loaded = await loadModel(out);
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    const after = loaded.getWeights().map((w) => Array.from(w.dataSync()));
    expect(after).toEqual(before);
    const p1 = (model.predict(x) as tf.Tensor).dataSync();
    const p2 = (loaded.predict(x) as tf.Tensor).dataSync();
    expect(Array.from(p2)).toEqual(Array.from(p1));
    loaded.dispose();
  });

  it('a missing weights file is an error naming the file', async () => {
    const out = path.join(dir, 'missing');
    await saveModel(model, out);
    await unlink(path.join(out, 'weights.bin'));
    await expect(loadModel(out)).rejects.toMatchObject({ code: 'model.not-found', message: expect.stringContaining(path.join(out, 'weights.bin')) });
  });

  it('a truncated weights file is an error naming the file and the sizes', async () => {
    const out = path.join(dir, 'truncated');
    await saveModel(model, out);
    const file = path.join(out, 'weights.bin');
    const size = (await readFile(file)).length;
    await truncate(file, size - 4);
    await expect(loadModel(out)).rejects.toMatchObject({
      code: 'model.corrupt',
      message: expect.stringMatching(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} has ${size - 4} bytes.*needs ${size}`)),
    });
  });

  it('a missing folder or model.json, or a broken model.json, is an error naming model.json', async () => {
    const nowhere = path.join(dir, 'nowhere');
    expect(existsSync(nowhere)).toBe(false);
    await expect(loadModel(nowhere)).rejects.toMatchObject({ code: 'model.not-found', message: expect.stringContaining(path.join(nowhere, 'model.json')) });
    const broken = path.join(dir, 'broken');
    await saveModel(model, broken);
    await writeFile(path.join(broken, 'model.json'), '{"modelTopology": ');
    await expect(loadModel(broken)).rejects.toMatchObject({ code: 'model.corrupt', message: expect.stringContaining(path.join(broken, 'model.json')) });
    await writeFile(path.join(broken, 'model.json'), '{"hello": 1}');
    await expect(loadModel(broken)).rejects.toMatchObject({ code: 'model.corrupt', exitCode: 2 });
  });

  it('refuses a manifest path outside the model folder, a weights file larger than the manifest needs, and a link to /dev/zero, without reading them', async () => {
    const out = path.join(dir, 'hostile');
    await saveModel(model, out);
    const json = JSON.parse(await readFile(path.join(out, 'model.json'), 'utf8')) as { weightsManifest: { paths: string[] }[] };
    const good = JSON.stringify(json);
    json.weightsManifest[0]!.paths = ['../../../../../../../etc/passwd'];
    await writeFile(path.join(out, 'model.json'), JSON.stringify(json));
    await expect(loadModel(out)).rejects.toMatchObject({ code: 'model.corrupt', exitCode: 2, message: `${path.join(out, 'model.json')} names weights file "../../../../../../../etc/passwd", which is not inside the model folder ${out}` });
    await writeFile(path.join(out, 'model.json'), good);
    const bytes = await readFile(path.join(out, 'weights.bin'));
    await writeFile(path.join(out, 'weights.bin'), Buffer.concat([bytes, Buffer.alloc(8)]));
    await expect(loadModel(out)).rejects.toMatchObject({ code: 'model.corrupt', exitCode: 2, message: `weights file ${path.join(out, 'weights.bin')} is larger than the ${bytes.length} bytes its manifest needs (from another model?)` });
    if (process.platform !== 'win32') {
      await unlink(path.join(out, 'weights.bin'));
      await symlink('/dev/zero', path.join(out, 'weights.bin'));
      await expect(loadModel(out)).rejects.toMatchObject({ code: 'model.unreadable', exitCode: 2, message: expect.stringContaining('not a regular file (a character device)') });
    }
  });
});
