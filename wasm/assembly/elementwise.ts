// Element-wise kernels that tfjs wasm runs slowly: the bias add of a convolution (a [.., n]
// tensor plus a [n] vector, which wasm broadcasts element by element) and a broadcast over
// size-1 axes (wasm's Tile walks every output element).

/** out[i, j] = x[i, j] + bias[j] for i < rows, j < n. */
export function biasAdd(x: usize, bias: usize, out: usize, rows: i32, n: i32): void {
  const n4 = n & ~3;
  const rowBytes = <usize>n << 2;
  for (let i = 0; i < rows; i++) {
    let j = 0;
    for (; j < n4; j += 4) {
      const o = <usize>j << 2;
      v128.store(out + o, f32x4.add(v128.load(x + o), v128.load(bias + o)));
    }
    for (; j < n; j++) {
      const o = <usize>j << 2;
      store<f32>(out + o, load<f32>(x + o) + load<f32>(bias + o));
    }
    x += rowBytes;
    out += rowBytes;
  }
}

/** dst [outer, reps, inner] = src [outer, inner] repeated: a broadcast over a block of size-1 axes. */
export function repeatRows(src: usize, dst: usize, outer: i32, reps: i32, innerBytes: i32): void {
  const n = <usize>innerBytes;
  for (let i = 0; i < outer; i++) {
    for (let r = 0; r < reps; r++) {
      memory.copy(dst, src, n);
      dst += n;
    }
    src += n;
  }
}

/**
 * ReLU's gradient as tfjs-core defines it, dx = dy * step(x) with step(x) = x > 0 ? 1 : 0 (NaN
 * for NaN x), in one pass: the same IEEE products, without the step tensor.
 */
export function reluGrad(dy: usize, x: usize, dx: usize, n: i32): void {
  const n4 = n & ~3;
  const zero = f32x4.splat(0), one = f32x4.splat(1);
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(x + o);
    const step = v128.bitselect(v, v128.bitselect(one, zero, f32x4.gt(v, zero)), f32x4.ne(v, v));
    v128.store(dx + o, f32x4.mul(v128.load(dy + o), step));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o);
    const step: f32 = v != v ? v : v > 0 ? 1 : 0;
    store<f32>(dx + o, load<f32>(dy + o) * step);
  }
}
