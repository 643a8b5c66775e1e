/**
 * Every kernel assay registers on wasm agrees with the pure-JS cpu backend on random inputs.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/core/rng.js';
import { initBackend } from '../../../../src/learn/backend/backend.js';
import { ASSAY_WASM_KERNELS } from '../../../../src/learn/backend/wasm-kernels.js';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

function randomData(shape: readonly number[], seed: number): Float32Array {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
}

/** Runs `make` on wasm, then on cpu, with inputs built inside `make` (so on that backend). */
async function onBoth(make: () => tf.Tensor): Promise<{ wasm: tf.Tensor; cpu: tf.Tensor }> {
  await tf.setBackend('wasm');
  const wasm = make();
  const wasmCopy = tf.tensor(wasm.dataSync().slice(), wasm.shape, wasm.dtype);
  await tf.setBackend('cpu');
  const cpu = make();
  await tf.setBackend('wasm');
  return { wasm: wasmCopy, cpu };
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  const x = a.dataSync(), y = b.dataSync();
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}

function expectClose(r: { wasm: tf.Tensor; cpu: tf.Tensor }, relTol = 1e-4): void {
  expect(r.wasm.shape).toEqual(r.cpu.shape);
  const scale = Math.max(1, ...Array.from(r.cpu.dataSync(), Math.abs));
  expect(maxAbsDiff(r.wasm, r.cpu)).toBeLessThanOrEqual(relTol * scale);
}

beforeAll(async () => {
  await initBackend('wasm');
});

describe('registration', () => {
  it('registers every assay kernel on wasm', () => {
    expect([...ASSAY_WASM_KERNELS].sort()).toEqual(['Add', 'AssayBroadcastTo', 'AssayReluGrad', 'Cast', 'Conv2D', 'Conv2DBackpropFilter', 'Conv2DBackpropInput', 'FusedConv2D', 'Identity', 'MaxPoolGrad', 'Mean', 'Sum', 'Tile']);
    for (const name of ASSAY_WASM_KERNELS) expect(tf.getKernel(name, 'wasm')).toBeDefined();
  });
});

describe('conv2d gradients agree with cpu', () => {
  // [batch, height, width, inChannels, outChannels, kernel, stride, pad]
  const cases: ReadonlyArray<readonly [number, number, number, number, number, number, number, Pad]> = [
    [2, 7, 6, 3, 4, 3, 1, 'same'],
    [2, 7, 6, 3, 4, 3, 2, 'same'],
    [3, 8, 9, 2, 5, 3, 2, 'valid'],
    [2, 8, 8, 3, 4, 3, 1, 'valid'],
    [2, 9, 9, 3, 2, 5, 3, 'valid'],
    [2, 10, 10, 2, 3, 2, 2, 'same'],
    [2, 9, 8, 3, 4, 3, 1, [[0, 0], [2, 0], [1, 3], [0, 0]]],
    [4, 16, 16, 8, 16, 3, 1, 'same'],
    [3, 16, 16, 1, 8, 3, 2, 'same'],
  ];
  for (const [b, h, w, ci, co, k, s, pad] of cases) {
    const label = `x [${b},${h},${w},${ci}] filter ${k}x${k}x${ci}x${co} stride ${s} pad ${JSON.stringify(pad)}`;
    const xData = randomData([b, h, w, ci], 1), wData = randomData([k, k, ci, co], 2);
    const outShape = tf.backend_util.computeConv2DInfo([b, h, w, ci], [k, k, ci, co], s, 1, pad).outShape;
    const dyData = randomData(outShape, 3);

    it(`Conv2DBackpropFilter: ${label}`, async () => {
      const r = await onBoth(() => tf.engine().runKernel('Conv2DBackpropFilter',
        { x: tf.tensor4d(xData, [b, h, w, ci]), dy: tf.tensor(dyData, outShape) },
        { strides: s, pad, dataFormat: 'NHWC', filterShape: [k, k, ci, co] } as unknown as tf.NamedAttrMap) as tf.Tensor);
      expect(r.wasm.shape).toEqual([k, k, ci, co]);
      expectClose(r);
    });

    it(`Conv2DBackpropInput: ${label}`, async () => {
      const r = await onBoth(() => tf.engine().runKernel('Conv2DBackpropInput',
        { dy: tf.tensor(dyData, outShape), filter: tf.tensor4d(wData, [k, k, ci, co]) },
        { strides: s, pad, dataFormat: 'NHWC', inputShape: [b, h, w, ci] } as unknown as tf.NamedAttrMap) as tf.Tensor);
      expect(r.wasm.shape).toEqual([b, h, w, ci]);
      expectClose(r);
    });
  }

  it('leaves no tensors or data behind', async () => {
    const before = tf.memory().numTensors;
    const bytes = (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
    tf.tidy(() => {
      const x = tf.tensor4d(randomData([2, 6, 6, 3], 4), [2, 6, 6, 3]);
      const f = tf.tensor4d(randomData([3, 3, 3, 4], 5), [3, 3, 3, 4]);
      const [gx, gf] = tf.grads((a: tf.Tensor, c: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, c as tf.Tensor4D, 2, 'same').sum())([x, f]);
      return [gx, gf];
    }).forEach((t) => t.dispose());
    expect(tf.memory().numTensors).toBe(before);
    expect((tf.backend() as unknown as { numDataIds(): number }).numDataIds()).toBe(bytes);
  });
});

describe('MaxPoolGrad', () => {
  it('routes dy to the first maximum of each window (ties, -Infinity-only and NaN windows), like cpu', async () => {
    const inf = -Infinity;
    const grid = [
      1, 3, /**/ 3, 0, //   top-left window {1 3 / 2 3}: the first 3 wins
      2, 3, /**/ 3, 3, //   top-right window {3 0 / 3 3}: the first 3 wins
      inf, inf, /**/ NaN, 5, // bottom-left: only -Infinity, no winner
      inf, inf, /**/ 5, 1, //   bottom-right {NaN 5 / 5 1}: NaN never wins, the first 5 does
    ];
    const r = await onBoth(() => {
      const x = tf.tensor4d(grid, [1, 4, 4, 1]);
      const y = tf.maxPool(x, 2, 2, 'valid');
      const dy = tf.tensor4d([10, 20, 30, 40], [1, 2, 2, 1]);
      return tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, { filterSize: 2, strides: 2, pad: 'valid' }) as tf.Tensor;
    });
    const expected = [0, 10, 20, 0, 0, 0, 0, 0, 0, 0, 0, 40, 0, 0, 0, 0];
    expect(Array.from(r.wasm.dataSync())).toEqual(expected);
    expect(Array.from(r.cpu.dataSync())).toEqual(expected);
  });

  const cases: ReadonlyArray<readonly [readonly number[], number, number, 'same' | 'valid']> = [
    [[3, 8, 8, 4], 2, 2, 'valid'],
    [[2, 9, 7, 3], 2, 2, 'valid'],
    [[2, 9, 7, 3], 2, 2, 'same'],
    [[2, 9, 7, 3], 3, 2, 'same'],
    [[2, 6, 6, 2], 2, 1, 'valid'],
  ];
  for (const [shape, size, stride, pad] of cases) {
    it(`agrees with cpu: x [${shape}] pool ${size} stride ${stride} ${pad}, with ReLU zeros (ties)`, async () => {
      const data = randomData(shape, 6).map((v) => Math.max(0, v));
      // Loss = sum of pooled values times distinct weights, so dy differs per window.
      const loss = (x: tf.Tensor): tf.Scalar => {
        const y = tf.maxPool(x as tf.Tensor4D, size, stride, pad);
        return y.mul(tf.range(1, 1 + y.size).reshape(y.shape)).sum();
      };
      const r = await onBoth(() => tf.grad(loss)(tf.tensor(data, [...shape])));
      expect(maxAbsDiff(r.wasm, r.cpu)).toBe(0);
    });
  }
});

describe('Sum and Mean', () => {
  const shape = [3, 4, 5, 6];
  const data = randomData(shape, 7);
  const cases: ReadonlyArray<readonly [number[], boolean]> = [
    [[0, 1, 2], false], [[1, 2], false], [[1, 2], true], [[0], false], [[1], true], [[2], false],
    [[3], false], [[0, 2], false], [[0, 1, 2, 3], false],
  ];
  for (const [axes, keepDims] of cases) {
    for (const op of ['sum', 'mean'] as const) {
      it(`${op} over [${axes}] keepDims ${keepDims}`, async () => {
        const r = await onBoth(() => tf[op](tf.tensor(data, shape), axes, keepDims));
        expectClose(r, 1e-5);
      });
    }
  }

  it('int32 sums stay exact (wasm\'s own kernel)', async () => {
    const x = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2], 'int32');
    const s = tf.sum(x, [0, 1]);
    expect(s.dtype).toBe('int32');
    expect(Array.from(s.dataSync())).toEqual([16, 20]);
  });

  it('a large bias gradient (sum over [0,1,2] of 32x64x64x16) agrees with cpu to 1e-5 relative', async () => {
    const big = [32, 64, 64, 16];
    const bigData = randomData(big, 8).map((v) => v + 1);
    const r = await onBoth(() => tf.sum(tf.tensor(bigData, big), [0, 1, 2]));
    const scale = Math.max(...Array.from(r.cpu.dataSync(), Math.abs));
    expect(maxAbsDiff(r.wasm, r.cpu) / scale).toBeLessThan(1e-5);
  });
});
