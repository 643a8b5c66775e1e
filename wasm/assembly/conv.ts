// Conv2D filter gradient, NHWC, without im2col:
//   dw[k, o] = sum over positions n of xp[n + off[k]] * dy[n, o]
// where xp is the zero-padded input and off[k] the element offset of filter tap k = (kr, kc, c)
// from a position's top-left input element. Accumulators stay in registers over a band of
// output rows, then are added to dw in a fixed order: results are the same bytes on every run.

/**
 * Copies x [b, h, w, c] into xp [b, h + top + bottom, w + left + right, c] with zero borders.
 */
export function padSpatial(x: usize, xp: usize, b: i32, h: i32, w: i32, c: i32, top: i32, bottom: i32, left: i32, right: i32): void {
  const hp = h + top + bottom, wp = w + left + right;
  const rowIn = <usize>(w * c) << 2, rowOut = <usize>(wp * c) << 2;
  const padL = <usize>(left * c) << 2, padR = <usize>(right * c) << 2;
  let src = x, dst = xp;
  for (let i = 0; i < b; i++) {
    memory.fill(dst, 0, rowOut * <usize>top);
    dst += rowOut * <usize>top;
    for (let r = 0; r < h; r++) {
      if (padL > 0) memory.fill(dst, 0, padL);
      memory.copy(dst + padL, src, rowIn);
      if (padR > 0) memory.fill(dst + padL + rowIn, 0, padR);
      src += rowIn;
      dst += rowOut;
    }
    memory.fill(dst, 0, rowOut * <usize>bottom);
    dst += rowOut * <usize>bottom;
  }
  void hp;
}

/**
 * dw [k, co] (k = kh * kw * ci taps, offsets in `off`, i32) from the padded input xp
 * [b, hp, wp, ci] and dy [b, oh, ow, co]; strides sh, sw. dw is overwritten.
 */
export function convFilterGrad(
  xp: usize, dy: usize, dw: usize, off: usize, k: i32,
  b: i32, hp: i32, wp: i32, ci: i32, oh: i32, ow: i32, co: i32, sh: i32, sw: i32,
): void {
  memory.fill(dw, 0, (<usize>(k * co)) << 2);
  // Output rows per band: about 8 KiB floats of dy, so the band stays in L1 across taps.
  let band = 8192 / max(1, ow * co);
  if (band < 1) band = 1;
  if (band > oh) band = oh;
  const xStep = <usize>(sw * ci) << 2;
  const xRow = <usize>(sh * wp * ci) << 2;
  const dyRowBytes = <usize>(ow * co) << 2;
  const co8 = co & ~7;
  for (let i = 0; i < b; i++) {
    const xImage = xp + ((<usize>(i * hp * wp * ci)) << 2);
    const dyImage = dy + ((<usize>(i * oh * ow * co)) << 2);
    for (let y0 = 0; y0 < oh; y0 += band) {
      const rows = min(band, oh - y0);
      const xBand = xImage + <usize>y0 * xRow;
      const dyBand = dyImage + <usize>y0 * dyRowBytes;
      let t = 0;
      for (; t + 4 <= k; t += 4) {
        const o0 = <usize>load<i32>(off + (<usize>t << 2)) << 2;
        const o1 = <usize>load<i32>(off + (<usize>(t + 1) << 2)) << 2;
        const o2 = <usize>load<i32>(off + (<usize>(t + 2) << 2)) << 2;
        const o3 = <usize>load<i32>(off + (<usize>(t + 3) << 2)) << 2;
        for (let c = 0; c < co8; c += 8) {
          tile4x8(xBand, dyBand, dw + (<usize>(t * co + c) << 2), co, o0, o1, o2, o3, rows, ow, xStep, xRow, dyRowBytes, c);
        }
        for (let c = co8; c < co; c++) {
          for (let r = 0; r < 4; r++) {
            const o = <usize>load<i32>(off + (<usize>(t + r) << 2)) << 2;
            tile1x1(xBand, dyBand, dw + (<usize>((t + r) * co + c) << 2), co, o, rows, ow, xStep, xRow, dyRowBytes, c);
          }
        }
      }
      for (; t < k; t++) {
        const o = <usize>load<i32>(off + (<usize>t << 2)) << 2;
        for (let c = 0; c < co8; c += 8) {
          tile1x8(xBand, dyBand, dw + (<usize>(t * co + c) << 2), co, o, rows, ow, xStep, xRow, dyRowBytes, c);
        }
        for (let c = co8; c < co; c++) {
          tile1x1(xBand, dyBand, dw + (<usize>(t * co + c) << 2), co, o, rows, ow, xStep, xRow, dyRowBytes, c);
        }
      }
    }
  }
}

// @ts-ignore: decorator
@inline
function tile4x8(
  xBand: usize, dyBand: usize, out: usize, co: i32, o0: usize, o1: usize, o2: usize, o3: usize,
  rows: i32, ow: i32, xStep: usize, xRow: usize, dyRowBytes: usize, c: i32,
): void {
  let a00 = f32x4.splat(0), a01 = f32x4.splat(0);
  let a10 = f32x4.splat(0), a11 = f32x4.splat(0);
  let a20 = f32x4.splat(0), a21 = f32x4.splat(0);
  let a30 = f32x4.splat(0), a31 = f32x4.splat(0);
  const dyStep = <usize>co << 2;
  for (let r = 0; r < rows; r++) {
    let p = xBand + <usize>r * xRow;
    let d = dyBand + <usize>r * dyRowBytes + (<usize>c << 2);
    for (let j = 0; j < ow; j++) {
      const d0 = v128.load(d), d1 = v128.load(d, 16);
      const s0 = v128.load32_splat(p + o0);
      a00 = f32x4.add(a00, f32x4.mul(s0, d0));
      a01 = f32x4.add(a01, f32x4.mul(s0, d1));
      const s1 = v128.load32_splat(p + o1);
      a10 = f32x4.add(a10, f32x4.mul(s1, d0));
      a11 = f32x4.add(a11, f32x4.mul(s1, d1));
      const s2 = v128.load32_splat(p + o2);
      a20 = f32x4.add(a20, f32x4.mul(s2, d0));
      a21 = f32x4.add(a21, f32x4.mul(s2, d1));
      const s3 = v128.load32_splat(p + o3);
      a30 = f32x4.add(a30, f32x4.mul(s3, d0));
      a31 = f32x4.add(a31, f32x4.mul(s3, d1));
      p += xStep;
      d += dyStep;
    }
  }
  const row = <usize>co << 2;
  v128.store(out, f32x4.add(v128.load(out), a00));
  v128.store(out, f32x4.add(v128.load(out, 16), a01), 16);
  v128.store(out + row, f32x4.add(v128.load(out + row), a10));
  v128.store(out + row, f32x4.add(v128.load(out + row, 16), a11), 16);
  v128.store(out + 2 * row, f32x4.add(v128.load(out + 2 * row), a20));
  v128.store(out + 2 * row, f32x4.add(v128.load(out + 2 * row, 16), a21), 16);
  v128.store(out + 3 * row, f32x4.add(v128.load(out + 3 * row), a30));
  v128.store(out + 3 * row, f32x4.add(v128.load(out + 3 * row, 16), a31), 16);
}

// @ts-ignore: decorator
@inline
function tile1x8(
  xBand: usize, dyBand: usize, out: usize, co: i32, o0: usize,
  rows: i32, ow: i32, xStep: usize, xRow: usize, dyRowBytes: usize, c: i32,
): void {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0);
  const dyStep = <usize>co << 2;
  for (let r = 0; r < rows; r++) {
    let p = xBand + <usize>r * xRow;
    let d = dyBand + <usize>r * dyRowBytes + (<usize>c << 2);
    for (let j = 0; j < ow; j++) {
      const s0 = v128.load32_splat(p + o0);
      a0 = f32x4.add(a0, f32x4.mul(s0, v128.load(d)));
      a1 = f32x4.add(a1, f32x4.mul(s0, v128.load(d, 16)));
      p += xStep;
      d += dyStep;
    }
  }
  v128.store(out, f32x4.add(v128.load(out), a0));
  v128.store(out, f32x4.add(v128.load(out, 16), a1), 16);
}

function tile1x1(
  xBand: usize, dyBand: usize, out: usize, co: i32, o0: usize,
  rows: i32, ow: i32, xStep: usize, xRow: usize, dyRowBytes: usize, c: i32,
): void {
  let a: f32 = 0;
  const dyStep = <usize>co << 2;
  for (let r = 0; r < rows; r++) {
    let p = xBand + <usize>r * xRow;
    let d = dyBand + <usize>r * dyRowBytes + (<usize>c << 2);
    for (let j = 0; j < ow; j++) {
      a += load<f32>(p + o0) * load<f32>(d);
      p += xStep;
      d += dyStep;
    }
  }
  store<f32>(out, load<f32>(out) + a);
}

/**
 * Forward convolution out [b, oh, ow, co] = bias + sum over taps t of xp[position + off[t]] * w[t, :],
 * w [k, co] (the filter [kh, kw, ci, co] flattened), xp the zero-padded input [b, hp, wp, ci],
 * bias [co] or 0 for none; `relu` != 0 clamps the result at 0 (max(v, 0), NaN kept).
 * A 4-position x 8-channel tile stays in registers over all k taps; taps are summed in order,
 * starting from the bias.
 */
export function convForward(
  xp: usize, w: usize, out: usize, off: usize, k: i32,
  b: i32, hp: i32, wp: i32, ci: i32, oh: i32, ow: i32, co: i32, sh: i32, sw: i32,
  bias: usize, relu: i32,
): void {
  const xStep = <usize>(sw * ci) << 2;
  const wRow = <usize>co << 2;
  const co8 = co & ~7;
  const ow4 = ow & ~3;
  let o = out;
  for (let i = 0; i < b; i++) {
    for (let y = 0; y < oh; y++) {
      const xRowStart = xp + ((<usize>((i * hp + y * sh) * wp * ci)) << 2);
      let x = 0;
      for (; x < ow4; x += 4) {
        const p = xRowStart + <usize>x * xStep;
        for (let c = 0; c < co8; c += 8) {
          const b0 = bias == 0 ? f32x4.splat(0) : v128.load(bias + (<usize>c << 2));
          const b1 = bias == 0 ? f32x4.splat(0) : v128.load(bias + (<usize>c << 2), 16);
          let a00 = b0, a01 = b1, a10 = b0, a11 = b1, a20 = b0, a21 = b1, a30 = b0, a31 = b1;
          let wp0 = w + (<usize>c << 2);
          for (let t = 0; t < k; t++) {
            const q = p + (<usize>load<i32>(off + (<usize>t << 2)) << 2);
            const w0 = v128.load(wp0), w1 = v128.load(wp0, 16);
            const s0 = v128.load32_splat(q);
            a00 = f32x4.add(a00, f32x4.mul(s0, w0));
            a01 = f32x4.add(a01, f32x4.mul(s0, w1));
            const s1 = v128.load32_splat(q + xStep);
            a10 = f32x4.add(a10, f32x4.mul(s1, w0));
            a11 = f32x4.add(a11, f32x4.mul(s1, w1));
            const s2 = v128.load32_splat(q + 2 * xStep);
            a20 = f32x4.add(a20, f32x4.mul(s2, w0));
            a21 = f32x4.add(a21, f32x4.mul(s2, w1));
            const s3 = v128.load32_splat(q + 3 * xStep);
            a30 = f32x4.add(a30, f32x4.mul(s3, w0));
            a31 = f32x4.add(a31, f32x4.mul(s3, w1));
            wp0 += wRow;
          }
          const oc = o + (<usize>c << 2);
          v128.store(oc, act(a00, relu));
          v128.store(oc, act(a01, relu), 16);
          v128.store(oc + wRow, act(a10, relu));
          v128.store(oc + wRow, act(a11, relu), 16);
          v128.store(oc + 2 * wRow, act(a20, relu));
          v128.store(oc + 2 * wRow, act(a21, relu), 16);
          v128.store(oc + 3 * wRow, act(a30, relu));
          v128.store(oc + 3 * wRow, act(a31, relu), 16);
        }
        for (let j = 0; j < 4; j++) convTail(p + <usize>j * xStep, w, o + <usize>j * wRow, off, k, co, co8, bias, relu);
        o += 4 * wRow;
      }
      for (; x < ow; x++) {
        const p = xRowStart + <usize>x * xStep;
        for (let c = 0; c < co8; c += 8) {
          let a0 = bias == 0 ? f32x4.splat(0) : v128.load(bias + (<usize>c << 2));
          let a1 = bias == 0 ? f32x4.splat(0) : v128.load(bias + (<usize>c << 2), 16);
          let wp0 = w + (<usize>c << 2);
          for (let t = 0; t < k; t++) {
            const s0 = v128.load32_splat(p + (<usize>load<i32>(off + (<usize>t << 2)) << 2));
            a0 = f32x4.add(a0, f32x4.mul(s0, v128.load(wp0)));
            a1 = f32x4.add(a1, f32x4.mul(s0, v128.load(wp0, 16)));
            wp0 += wRow;
          }
          v128.store(o + (<usize>c << 2), act(a0, relu));
          v128.store(o + (<usize>c << 2), act(a1, relu), 16);
        }
        convTail(p, w, o, off, k, co, co8, bias, relu);
        o += wRow;
      }
    }
  }
}

// @ts-ignore: decorator
@inline
function act(v: v128, relu: i32): v128 {
  // Lanes that are not > 0 become 0, except NaN, which stays (tfjs's relu keeps NaN).
  return relu == 0 ? v : v128.bitselect(f32x4.splat(0), v, f32x4.le(v, f32x4.splat(0)));
}

/** Output channels co8..co-1 of one position, one at a time. */
function convTail(p: usize, w: usize, o: usize, off: usize, k: i32, co: i32, co8: i32, bias: usize, relu: i32): void {
  for (let c = co8; c < co; c++) {
    let a: f32 = bias == 0 ? 0 : load<f32>(bias + (<usize>c << 2));
    for (let t = 0; t < k; t++) {
      a += load<f32>(p + (<usize>load<i32>(off + (<usize>t << 2)) << 2)) * load<f32>(w + (<usize>(t * co + c) << 2));
    }
    store<f32>(o + (<usize>c << 2), relu != 0 && a <= 0 ? 0 : a);
  }
}
