// Element-wise kernels that tfjs wasm runs slowly: the bias add of a convolution (a [.., n]
// tensor plus a [n] vector, which wasm broadcasts element by element) and nothing else yet.

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

/** dx[i] = y[i] > 0 ? dy[i] : 0 for i < n (ReLU's gradient from its input or output). */
export function reluGrad(dy: usize, y: usize, dx: usize, n: i32): void {
  const n4 = n & ~3;
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    v128.store(dx + o, v128.and(v128.load(dy + o), f32x4.gt(v128.load(y + o), zero)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dx + o, load<f32>(y + o) > 0 ? load<f32>(dy + o) : 0);
  }
}
