// MaxPoolGrad for the 2x2, stride-2 pool without padding. Each window's four inputs are compared
// in scan order with strict `>` from -Infinity (the tfjs cpu backend's rule: the first maximum
// wins, NaN never does) and dy goes to the winner. Windows do not overlap, so every input element
// is written once: with dy or with zero. Inputs past the last full window (odd sizes) are zeroed.

/** x, dx [b, h, w, c]; dy [b, oh, ow, c]; oh * 2 <= h, ow * 2 <= w. */
export function maxPoolGrad2x2(x: usize, dy: usize, dx: usize, b: i32, h: i32, w: i32, c: i32, oh: i32, ow: i32): void {
  if (oh * 2 < h || ow * 2 < w) memory.fill(dx, 0, <usize>(b * h * w * c) << 2);
  const cs = <usize>c << 2;
  const rowBytes = <usize>(w * c) << 2;
  const c4 = c & ~3;
  const ninf = f32x4.splat(-Infinity);
  let g = dy;
  for (let i = 0; i < b; i++) {
    for (let yr = 0; yr < oh; yr++) {
      const rowOff = ((<usize>(i * h + 2 * yr)) * rowBytes);
      for (let yc = 0; yc < ow; yc++) {
        const p00 = rowOff + (<usize>(2 * yc) * cs), p01 = p00 + cs, p10 = p00 + rowBytes, p11 = p10 + cs;
        let k = 0;
        for (; k < c4; k += 4) {
          const kb = <usize>k << 2;
          const v00 = v128.load(x + p00 + kb), v01 = v128.load(x + p01 + kb);
          const v10 = v128.load(x + p10 + kb), v11 = v128.load(x + p11 + kb);
          const g0 = f32x4.gt(v00, ninf);
          let m = v128.bitselect(v00, ninf, g0);
          const g1 = f32x4.gt(v01, m);
          m = v128.bitselect(v01, m, g1);
          const g2 = f32x4.gt(v10, m);
          m = v128.bitselect(v10, m, g2);
          const g3 = f32x4.gt(v11, m);
          const w2 = v128.andnot(g2, g3);
          const w1 = v128.andnot(v128.andnot(g1, g2), g3);
          const w0 = v128.andnot(v128.andnot(v128.andnot(g0, g1), g2), g3);
          const gv = v128.load(g);
          v128.store(dx + p00 + kb, v128.and(gv, w0));
          v128.store(dx + p01 + kb, v128.and(gv, w1));
          v128.store(dx + p10 + kb, v128.and(gv, w2));
          v128.store(dx + p11 + kb, v128.and(gv, g3));
          g += 16;
        }
        for (; k < c; k++) {
          const kb = <usize>k << 2;
          const v00 = load<f32>(x + p00 + kb), v01 = load<f32>(x + p01 + kb);
          const v10 = load<f32>(x + p10 + kb), v11 = load<f32>(x + p11 + kb);
          let m: f32 = -Infinity;
          let p = -1;
          if (v00 > m) { m = v00; p = 0; }
          if (v01 > m) { m = v01; p = 1; }
          if (v10 > m) { m = v10; p = 2; }
          if (v11 > m) { p = 3; }
          const gv = load<f32>(g);
          store<f32>(dx + p00 + kb, p == 0 ? gv : 0);
          store<f32>(dx + p01 + kb, p == 1 ? gv : 0);
          store<f32>(dx + p10 + kb, p == 2 ? gv : 0);
          store<f32>(dx + p11 + kb, p == 3 ? gv : 0);
          g += 4;
        }
      }
    }
  }
}
