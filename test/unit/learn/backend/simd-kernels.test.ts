/**
 * assay's SIMD kernels (wasm/kernels.wasm): the binary is its source, it touches nothing of the
 * backend's memory but what it is given, and each kernel agrees with the tfjs cpu backend on
 * random shapes (odd sizes, stride 2, same/valid padding, batch 1, 1 and 3 channels).
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/core/rng.js';
import { initBackend } from '../../../../src/learn/backend/backend.js';
import { kernelsBinary } from '../../../../src/learn/backend/simd.js';
// @ts-expect-error: a plain .mjs build script without type declarations
import { buildKernels, embedModule, EMBED_PATH, WASM_PATH } from '../../../../wasm/build.mjs';

function randomData(n: number, rng: Rng): Float32Array {
  return Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
}

/** Runs `make` on wasm, then on cpu, with inputs built inside `make` (so on that backend). */
async function onBoth(make: () => tf.Tensor): Promise<{ wasm: Float32Array; cpu: Float32Array; shape: number[] }> {
  await tf.setBackend('wasm');
  const w = tf.tidy(make);
  const wasm = w.dataSync().slice() as Float32Array;
  const shape = w.shape;
  w.dispose();
  await tf.setBackend('cpu');
  const c = tf.tidy(make);
  const cpu = c.dataSync().slice() as Float32Array;
  expect(c.shape).toEqual(shape);
  c.dispose();
  await tf.setBackend('wasm');
  return { wasm, cpu, shape };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

beforeAll(async () => {
  await initBackend('wasm');
});

describe('wasm/kernels.wasm', () => {
  it('is what wasm/assembly/ compiles to (npm run build:wasm), and is what the backend loads', async () => {
    const built = (await buildKernels()) as Buffer;
    expect(built.equals(readFileSync(WASM_PATH as string))).toBe(true);
    expect(readFileSync(EMBED_PATH as string, 'utf8')).toBe((embedModule as (b: Buffer) => string)(built));
    expect(Buffer.from(kernelsBinary()).equals(built)).toBe(true);
  }, 60_000);

  it('imports only the backend memory and has no data segments to write into it', () => {
    const { WebAssembly: W } = globalThis as unknown as { WebAssembly: { Module: { new (b: Uint8Array): object; imports(m: object): { module: string; name: string; kind: string }[] } } };
    const bytes = kernelsBinary();
    const imports = W.Module.imports(new W.Module(bytes));
    expect(imports).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    // Walk the sections: id 11 is the data section.
    const ids: number[] = [];
    for (let p = 8; p < bytes.length;) {
      const id = bytes[p++];
      let size = 0, shift = 0, byte: number;
      do { byte = bytes[p++]; size |= (byte & 0x7f) << shift; shift += 7; } while (byte & 0x80);
      ids.push(id);
      p += size;
    }
    expect(ids).not.toContain(11);
  });
});

type Pad = 'same' | 'valid';

/** Random conv cases from a seeded stream: odd sizes, stride 1-2, kernel 1-5, either padding. */
function convCases(n: number): Array<{ b: number; h: number; w: number; ci: number; co: number; k: number; s: number; pad: Pad }> {
  const rng = new Rng(9, 'conv-cases');
  const fixed = [
    { b: 1, h: 9, w: 7, ci: 1, co: 16, k: 3, s: 1, pad: 'same' as Pad },
    { b: 1, h: 11, w: 13, ci: 3, co: 16, k: 3, s: 2, pad: 'same' as Pad },
    { b: 2, h: 10, w: 9, ci: 3, co: 9, k: 3, s: 2, pad: 'valid' as Pad },
    { b: 3, h: 15, w: 17, ci: 16, co: 32, k: 3, s: 1, pad: 'same' as Pad },
    // Winograd F(2x2, 3x3) (3x3, stride 1, ci >= 8 and a multiple of 4, co a multiple of 8, for the
    // forward convolution or, channels swapped, the input gradient): odd and even sizes, a single
    // output row / column, batch 1, valid and same.
    { b: 1, h: 7, w: 6, ci: 8, co: 8, k: 3, s: 1, pad: 'valid' as Pad },
    { b: 2, h: 3, w: 4, ci: 12, co: 24, k: 3, s: 1, pad: 'valid' as Pad },
    { b: 1, h: 1, w: 5, ci: 16, co: 8, k: 3, s: 1, pad: 'same' as Pad },
    { b: 2, h: 12, w: 9, ci: 32, co: 16, k: 3, s: 1, pad: 'same' as Pad },
    { b: 1, h: 10, w: 11, ci: 24, co: 64, k: 3, s: 1, pad: 'valid' as Pad },
  ];
  const random = Array.from({ length: n }, () => ({
    b: 1 + rng.int(3), h: 4 + rng.int(12), w: 4 + rng.int(12), ci: 1 + rng.int(6), co: 1 + rng.int(20),
    k: 1 + rng.int(4), s: 1 + rng.int(2), pad: (rng.int(2) === 0 ? 'same' : 'valid') as Pad,
  }));
  return [...fixed, ...random];
}

describe('Conv2DBackpropFilter agrees with cpu', () => {
  for (const { b, h, w, ci, co, k, s, pad } of convCases(12)) {
    it(`x [${b},${h},${w},${ci}] filter ${k}x${k}x${ci}x${co} stride ${s} ${pad}`, async () => {
      const rng = new Rng(1, `${b},${h},${w},${ci},${co},${k},${s},${pad}`);
      const outShape = tf.backend_util.computeConv2DInfo([b, h, w, ci], [k, k, ci, co], s, 1, pad).outShape;
      const xData = randomData(b * h * w * ci, rng), dyData = randomData(outShape.reduce((a, c) => a * c, 1), rng);
      const r = await onBoth(() => tf.engine().runKernel('Conv2DBackpropFilter',
        { x: tf.tensor4d(xData, [b, h, w, ci]), dy: tf.tensor(dyData, outShape) },
        { strides: s, pad, dataFormat: 'NHWC', filterShape: [k, k, ci, co] } as unknown as tf.NamedAttrMap) as tf.Tensor);
      expect(r.shape).toEqual([k, k, ci, co]);
      // Sums of at most 32 * 16 * 16 products of values in [-1, 1], in another order than cpu's.
      expect(maxAbsDiff(r.wasm, r.cpu)).toBeLessThan(2e-5 * Math.sqrt(b * outShape[1] * outShape[2]) + 1e-6);
    });
  }

  it('gives the same bytes on every call', async () => {
    const rng = new Rng(2, 'repeat');
    const x = tf.tensor4d(randomData(2 * 12 * 12 * 3, rng), [2, 12, 12, 3]);
    const dy = tf.tensor4d(randomData(2 * 12 * 12 * 8, rng), [2, 12, 12, 8]);
    const run = () => Buffer.from((tf.engine().runKernel('Conv2DBackpropFilter', { x, dy },
      { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 8] } as unknown as tf.NamedAttrMap) as tf.Tensor).dataSync().buffer);
    expect(run().equals(run())).toBe(true);
    tf.dispose([x, dy]);
  });

  it('gives the same bytes on every call on the Winograd path, forward and both gradients', async () => {
    const rng = new Rng(3, 'repeat-winograd');
    const x = tf.tensor4d(randomData(2 * 13 * 11 * 16, rng), [2, 13, 11, 16]);
    const f = tf.tensor4d(randomData(3 * 3 * 16 * 8, rng), [3, 3, 16, 8]);
    const dy = tf.tensor4d(randomData(2 * 13 * 11 * 8, rng), [2, 13, 11, 8]);
    const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC' };
    const bytes = (t: tf.Tensor) => { const b = Buffer.from(t.dataSync().buffer); t.dispose(); return b; };
    const runs = [
      () => bytes(tf.conv2d(x, f, 1, 'same')),
      () => bytes(tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: [3, 3, 16, 8] } as unknown as tf.NamedAttrMap) as tf.Tensor),
      () => bytes(tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: f }, { ...attrs, inputShape: [2, 13, 11, 16] } as unknown as tf.NamedAttrMap) as tf.Tensor),
    ];
    for (const run of runs) expect(run().equals(run())).toBe(true);
    tf.dispose([x, f, dy]);
  });
});

describe('Conv2D and Conv2DBackpropInput agree with cpu', () => {
  for (const { b, h, w, ci, co, k, s, pad } of convCases(12)) {
    const label = `x [${b},${h},${w},${ci}] filter ${k}x${k}x${ci}x${co} stride ${s} ${pad}`;
    const rng = new Rng(5, label);
    const outShape = tf.backend_util.computeConv2DInfo([b, h, w, ci], [k, k, ci, co], s, 1, pad).outShape;
    const xData = randomData(b * h * w * ci, rng), wData = randomData(k * k * ci * co, rng);
    const dyData = randomData(outShape.reduce((a, c) => a * c, 1), rng);

    it(`Conv2D: ${label}`, async () => {
      const r = await onBoth(() => tf.conv2d(tf.tensor4d(xData, [b, h, w, ci]), tf.tensor4d(wData, [k, k, ci, co]), s, pad));
      expect(r.shape).toEqual(outShape);
      // Sums of k * k * ci products of values in [-1, 1].
      expect(maxAbsDiff(r.wasm, r.cpu)).toBeLessThan(1e-5 * Math.sqrt(k * k * ci) + 1e-6);
    });

    it(`Conv2DBackpropInput: ${label}`, async () => {
      const r = await onBoth(() => tf.engine().runKernel('Conv2DBackpropInput',
        { dy: tf.tensor(dyData, outShape), filter: tf.tensor4d(wData, [k, k, ci, co]) },
        { strides: s, pad, dataFormat: 'NHWC', inputShape: [b, h, w, ci] } as unknown as tf.NamedAttrMap) as tf.Tensor);
      expect(r.shape).toEqual([b, h, w, ci]);
      expect(maxAbsDiff(r.wasm, r.cpu)).toBeLessThan(1e-5 * Math.sqrt(k * k * co) + 1e-6);
    });
  }

  it('FusedConv2D with a bias and ReLU or linear agrees with cpu, and prelu stays on wasm\'s own', async () => {
    const rng = new Rng(7, 'fused');
    for (const [activation, ci, co, s, pad] of [['relu', 3, 16, 1, 'same'], ['linear', 1, 9, 2, 'valid'], ['relu', 5, 13, 2, 'same'], ['prelu', 3, 4, 1, 'same'], ['relu', 8, 16, 1, 'same'], ['linear', 12, 8, 1, 'valid']] as const) {
      const xData = randomData(2 * 11 * 9 * ci, rng), wData = randomData(3 * 3 * ci * co, rng), bData = randomData(co, rng);
      const r = await onBoth(() => tf.fused.conv2d({
        x: tf.tensor4d(xData, [2, 11, 9, ci]), filter: tf.tensor4d(wData, [3, 3, ci, co]), strides: s, pad, bias: tf.tensor1d(bData), activation,
        ...(activation === 'prelu' ? { preluActivationWeights: tf.scalar(0.1) } : {}),
      }));
      if (activation === 'relu') expect(Math.min(...r.wasm)).toBe(0);
      expect(maxAbsDiff(r.wasm, r.cpu)).toBeLessThan(1e-5);
    }
  });

  it('leaves dilated convolutions to wasm\'s own kernel, which agrees with cpu', async () => {
    const rng = new Rng(6, 'dilated');
    const xData = randomData(2 * 9 * 9 * 3, rng), wData = randomData(3 * 3 * 3 * 4, rng);
    const r = await onBoth(() => tf.conv2d(tf.tensor4d(xData, [2, 9, 9, 3]), tf.tensor4d(wData, [3, 3, 3, 4]), 1, 'same', 'NHWC', 2));
    expect(maxAbsDiff(r.wasm, r.cpu)).toBeLessThan(1e-5);
  });
});

describe('MaxPoolGrad 2x2 stride 2 agrees with cpu exactly', () => {
  const rng = new Rng(3, 'pool-cases');
  const cases = [[1, 4, 4, 4], [2, 9, 7, 5], [1, 8, 11, 8], [3, 6, 6, 1], [2, 5, 5, 3], [1, 16, 16, 16]];
  for (const shape of cases) {
    it(`x [${shape}] with ties, -Infinity and NaN`, async () => {
      const n = shape.reduce((a, b) => a * b, 1);
      // Few distinct values (ties everywhere) and some -Infinity and NaN entries.
      const data = Float32Array.from({ length: n }, () => {
        const u = rng.int(10);
        return u === 0 ? Number.NaN : u === 1 ? -Infinity : rng.int(3) - 1;
      });
      const r = await onBoth(() => {
        const x = tf.tensor4d(data, shape as [number, number, number, number]);
        const y = tf.maxPool(x, 2, 2, 'valid');
        const dy = tf.range(1, 1 + y.size).reshape(y.shape);
        return tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, { filterSize: 2, strides: 2, pad: 'valid' }) as tf.Tensor;
      });
      expect(maxAbsDiff(r.wasm, r.cpu)).toBe(0);
    });
  }
});

describe('bias Add, Identity and Cast', () => {
  it('adds a [n] or [1,1,1,n] bias like cpu, in either operand order, with n not a multiple of 4', async () => {
    const rng = new Rng(4, 'bias');
    for (const [shape, biasShape, biasFirst] of [[[2, 5, 3, 7], [7], false], [[3, 4, 16], [1, 1, 16], true], [[1, 2, 2, 1], [1], false]] as const) {
      const x = randomData(shape.reduce((a: number, b: number) => a * b, 1), rng), bias = randomData(shape[shape.length - 1], rng);
      const r = await onBoth(() => {
        const a = tf.tensor(x, [...shape]), b = tf.tensor(bias, [...biasShape]);
        return biasFirst ? tf.add(b, a) : tf.add(a, b);
      });
      expect(r.shape).toEqual([...shape]);
      expect(maxAbsDiff(r.wasm, r.cpu)).toBe(0);
    }
  });

  it('leaves other adds (same shape, int32, scalar) to wasm and gets them right', () => {
    expect(Array.from(tf.add(tf.tensor([1, 2, 3]), tf.tensor([10, 20, 30])).dataSync())).toEqual([11, 22, 33]);
    expect(Array.from(tf.add(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), tf.tensor1d([5, 6], 'int32')).dataSync())).toEqual([6, 8, 8, 10]);
    expect(Array.from(tf.add(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.scalar(1)).dataSync())).toEqual([2, 3, 4, 5]);
  });

  it('broadcasts size-1 axes (Tile) like cpu, for float32, int32 and bool, and leaves real tiling to wasm', async () => {
    const rng = new Rng(8, 'tile');
    const cases: Array<[number[], number[]]> = [[[3, 1, 1, 5], [1, 4, 2, 1]], [[2, 1, 3], [1, 7, 1]], [[1, 6], [4, 1]], [[2, 3], [2, 2]], [[2, 1, 3], [3, 2, 1]]];
    for (const [shape, reps] of cases) {
      const data = randomData(shape.reduce((a, b) => a * b, 1), rng);
      const r = await onBoth(() => tf.tile(tf.tensor(data, shape), reps));
      expect(maxAbsDiff(r.wasm, r.cpu)).toBe(0);
      const ints = await onBoth(() => tf.tile(tf.tensor(Array.from(data, (v) => Math.round(v * 9)), shape, 'int32'), reps));
      expect(maxAbsDiff(ints.wasm, ints.cpu)).toBe(0);
    }
    expect(Array.from(tf.tile(tf.tensor2d([true, false], [2, 1], 'bool'), [1, 3]).dataSync())).toEqual([1, 1, 1, 0, 0, 0]);
  });

  it('the Mean gradient equals cpu\'s exactly: global average pooling, other axes, size-1 axes', async () => {
    const rng = new Rng(9, 'mean-grad');
    const shape = [2, 5, 1, 7];
    const data = randomData(2 * 5 * 7, rng);
    for (const axes of [[1, 2], [1], [2], [0, 2], [0, 3], [0, 1, 2, 3]]) {
      const r = await onBoth(() => tf.grad((x: tf.Tensor) => {
        const m = tf.mean(x, axes);
        return m.mul(tf.range(1, 1 + m.size).reshape(m.shape)).sum();
      })(tf.tensor4d(data, shape as [number, number, number, number])));
      expect(r.shape).toEqual(shape);
      expect(maxAbsDiff(r.wasm, r.cpu)).toBe(0);
    }
    const x = tf.tensor4d(data, shape as [number, number, number, number]);
    const names = (await tf.profile(() => tf.grad((v: tf.Tensor) => tf.mean(v, [1, 2]).sum())(x))).kernels.map((k) => k.name);
    expect(names).toContain('AssayBroadcastTo');
    x.dispose();
  });

  it('the ReLU gradient equals cpu\'s bit for bit, with zeros, -0, NaN and Infinity in x and dy', async () => {
    const rng = new Rng(10, 'relu-grad');
    const special = [0, -0, Number.NaN, Infinity, -Infinity];
    const pick = () => (rng.int(4) === 0 ? special[rng.int(special.length)] : rng.uniform(-2, 2));
    const shape = [3, 5, 7];
    const xData = Float32Array.from({ length: 105 }, pick), dyData = Float32Array.from({ length: 105 }, pick);
    const r = await onBoth(() => {
      const dy = tf.tensor(dyData, shape);
      return tf.grad((x: tf.Tensor) => tf.relu(x).mul(dy).sum())(tf.tensor(xData, shape));
    });
    expect(Buffer.from(r.wasm.buffer).equals(Buffer.from(r.cpu.buffer))).toBe(true);
    // On wasm the one-pass kernel ran, not Step and Multiply.
    const x = tf.tensor(xData, shape), dy = tf.tensor(dyData, shape);
    const names = (await tf.profile(() => tf.grad((v: tf.Tensor) => tf.relu(v).mul(dy).sum())(x))).kernels.map((k) => k.name);
    expect(names).toContain('AssayReluGrad');
    expect(names).not.toContain('Step');
    tf.dispose([x, dy]);
  });

  it('Identity and a same-dtype Cast share data; freeing one keeps the other readable', () => {
    const before = (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
    const x = tf.tensor([1, 2, 3]);
    const c = tf.clone(x), k = tf.cast(x, 'float32'), i = tf.cast(x, 'int32');
    // Only the int32 cast made new data.
    expect((tf.backend() as unknown as { numDataIds(): number }).numDataIds()).toBe(before + 2);
    x.dispose();
    expect(Array.from(c.dataSync())).toEqual([1, 2, 3]);
    c.dispose();
    expect(Array.from(k.dataSync())).toEqual([1, 2, 3]);
    expect(i.dtype).toBe('int32');
    tf.dispose([k, i]);
    expect((tf.backend() as unknown as { numDataIds(): number }).numDataIds()).toBe(before);
  });
});
