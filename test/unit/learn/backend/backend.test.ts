import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeBackends, getTf, initBackend, seedTfRandom } from '../../../../src/learn/backend/backend.js';

const require = createRequire(import.meta.url);
function installed(pkg: string): boolean {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}
const noNative = !installed('@tensorflow/tfjs-node') && !installed('@tensorflow/tfjs-node-gpu');

afterEach(() => {
  vi.restoreAllMocks();
});

describe('initBackend', () => {
  it('cpu: selects the pure-JS backend quietly (no "install the node backend" banner)', async () => {
    const log = vi.spyOn(console, 'log');
    const warn = vi.spyOn(console, 'warn');
    const info = await initBackend('cpu');
    expect(info.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    tf.tensor([1, 2, 3]).dataSync(); // the cpu backend prints its banner on its first write
    expect(log).not.toHaveBeenCalled();
    expect(warn).not.toHaveBeenCalled();
    expect(info.versions['@tensorflow/tfjs-backend-cpu']).toBe(tf.version['tfjs-backend-cpu']);
  });

  it('wasm: says why and which versions, and is idempotent (the same info object)', async () => {
    const info = await initBackend('wasm');
    expect(info.name).toBe('wasm');
    expect(info.reason).toMatch(/^using wasm \((SIMD|no SIMD)\)$/);
    expect(info.versions).toMatchObject({
      '@tensorflow/tfjs': tf.version.tfjs,
      '@tensorflow/tfjs-core': tf.version['tfjs-core'],
      '@tensorflow/tfjs-backend-wasm': tf.version.tfjs,
    });
    // assay's SIMD kernels, by the digest of their binary.
    expect(info.versions['assay-wasm-kernels']).toMatch(/^[0-9a-f]{12}$/);
    expect(await initBackend('wasm')).toBe(info);
    expect(tf.getBackend()).toBe('wasm');
  });

  it('switches back when another choice was made in between', async () => {
    await initBackend('wasm');
    await initBackend('cpu');
    expect(tf.getBackend()).toBe('cpu');
    await initBackend('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it.skipIf(!noNative)('auto without tfjs-node falls back to wasm and says why', async () => {
    const info = await initBackend('auto');
    expect(info.name).toBe('wasm');
    expect(info.reason).toMatch(/^tfjs-node-gpu not installed; tfjs-node not installed; using wasm \((SIMD|no SIMD)\)$/);
  });

  it.skipIf(!noNative)('an explicit tensorflow backend that is not installed is a clear error', async () => {
    await expect(initBackend('tensorflow')).rejects.toMatchObject({ code: 'backend.unavailable', message: expect.stringContaining('tfjs-node not installed') });
    await expect(initBackend('tensorflow-gpu')).rejects.toMatchObject({ code: 'backend.unavailable', message: expect.stringContaining('@tensorflow/tfjs-node-gpu') });
  });

  it('removes the wasm module\'s process-wide rethrowing error handlers', async () => {
    await initBackend('wasm');
    expect(process.listeners('uncaughtException').some((l) => String(l).includes('ExitStatus'))).toBe(false);
    expect(process.listeners('unhandledRejection').some((l) => String(l).includes('throw reason'))).toBe(false);
  });

  it('getTf is the @tensorflow/tfjs namespace', () => {
    expect(getTf().getBackend).toBe(tf.getBackend);
  });
});

describe('seedTfRandom', () => {
  it('makes unseeded random ops (initializers, dropout masks) repeat for the same seed', async () => {
    await initBackend('wasm');
    const draw = (): number[] => Array.from(tf.tidy(() => tf.concat([tf.randomUniform([4]), tf.dropout(tf.ones([6]), 0.5)])).dataSync());
    seedTfRandom(7);
    const a = draw();
    seedTfRandom(7);
    const b = draw();
    seedTfRandom(8);
    const c = draw();
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('rejects a seed that is not a finite number', () => {
    expect(() => seedTfRandom(Number.NaN)).toThrow(/finite/);
  });
});

describe('describeBackends', () => {
  it('lists the four candidates with availability and the chosen one', async () => {
    const d = await describeBackends();
    expect(d.candidates.map((c) => c.name)).toEqual(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
    expect(d.candidates.find((c) => c.name === 'wasm')?.available).toBe(true);
    expect(d.candidates.find((c) => c.name === 'cpu')?.available).toBe(true);
    if (noNative) {
      expect(d.chosen.name).toBe('wasm');
      expect(d.candidates[0]).toEqual({ name: 'tensorflow-gpu', available: false, detail: 'tfjs-node-gpu not installed' });
    }
  });
});
