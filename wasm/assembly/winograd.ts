// Winograd F(2x2, 3x3) for stride-1 3x3 convolutions: each 2x2 block of outputs costs 16 products
// per (input, output) channel pair instead of 36. Per tile row: the input tiles are transformed
// (B^T d B), multiplied channel-wise by the transformed filter (G g G^T) in 16 small GEMMs, and
// transformed back (A^T m A). Every sum runs in a fixed order with separate multiplies and adds
// (no fused multiply-add), so results are the same bytes on every machine.

/**
 * Floats between consecutive planes of the transformed tiles beyond their data: plane sizes are
 * often powers of two, and 16 planes a power of two apart share one set of the L1 cache.
 */
const PLANE_PAD = 16;

/** u [16, ci, co] = G g G^T for the filter g [3, 3, ci, co]. */
export function winogradFilter(w: usize, u: usize, ci: i32, co: i32): void {
  const n = ci * co;
  const tap = <usize>n << 2;
  const half: f32 = 0.5;
  for (let i = 0; i < n; i++) {
    const p = w + (<usize>i << 2);
    const g00 = load<f32>(p), g01 = load<f32>(p + tap), g02 = load<f32>(p + 2 * tap);
    const g10 = load<f32>(p + 3 * tap), g11 = load<f32>(p + 4 * tap), g12 = load<f32>(p + 5 * tap);
    const g20 = load<f32>(p + 6 * tap), g21 = load<f32>(p + 7 * tap), g22 = load<f32>(p + 8 * tap);
    // t = G g (4 x 3)
    const t10 = (g00 + g10 + g20) * half, t11 = (g01 + g11 + g21) * half, t12 = (g02 + g12 + g22) * half;
    const t20 = (g00 - g10 + g20) * half, t21 = (g01 - g11 + g21) * half, t22 = (g02 - g12 + g22) * half;
    const q = u + (<usize>i << 2);
    filterRow(q, tap, g00, g01, g02);
    filterRow(q + 4 * tap, tap, t10, t11, t12);
    filterRow(q + 8 * tap, tap, t20, t21, t22);
    filterRow(q + 12 * tap, tap, g20, g21, g22);
  }
}

// @ts-ignore: decorator
@inline
function filterRow(q: usize, tap: usize, a: f32, b: f32, c: f32): void {
  const half: f32 = 0.5;
  store<f32>(q, a);
  store<f32>(q + tap, (a + b + c) * half);
  store<f32>(q + 2 * tap, (a - b + c) * half);
  store<f32>(q + 3 * tap, c);
}

/**
 * out [b, oh, ow, co] (oh = hp - 2, ow = wp - 2) = the valid stride-1 3x3 convolution of xp
 * [b, hp, wp, ci] with the filter transformed by winogradFilter (u), plus bias [co] (0: none),
 * through ReLU when relu != 0. ci % 4 == 0 and co % 8 == 0. Scratch: v [16, ceil(ow / 2) * ci + 16]
 * and m [16, ceil(ow / 2) * co + 16] floats.
 */
export function winogradConv(
  xp: usize, u: usize, out: usize, v: usize, m: usize,
  b: i32, hp: i32, wp: i32, ci: i32, co: i32, bias: usize, relu: i32,
): void {
  const oh = hp - 2, ow = wp - 2;
  const th = (oh + 1) >> 1, tw = (ow + 1) >> 1;
  const vPlane = <usize>(tw * ci + PLANE_PAD) << 2, mPlane = <usize>(tw * co + PLANE_PAD) << 2;
  for (let i = 0; i < b; i++) {
    const image = xp + ((<usize>(i * hp * wp * ci)) << 2);
    const outImage = out + ((<usize>(i * oh * ow * co)) << 2);
    for (let ty = 0; ty < th; ty++) {
      inputTransform(image, v, vPlane, ty, tw, hp, wp, ci);
      for (let e = 0; e < 16; e++) {
        gemm(v + <usize>e * vPlane, u + ((<usize>(e * ci * co)) << 2), m + <usize>e * mPlane, tw, ci, co);
      }
      outputTransform(m, mPlane, outImage, ty, tw, oh, ow, co, bias, relu);
    }
  }
}

// @ts-ignore: decorator
@inline
function at(image: usize, r: i32, c: i32, hp: i32, wp: i32, rowBytes: usize, cs: usize, ch: usize): v128 {
  return r < hp && c < wp ? v128.load(image + <usize>r * rowBytes + <usize>c * cs + ch) : f32x4.splat(0);
}

/** v[e, t, :] = (B^T d B)[e] for the 4x4 input tiles d of tile row ty; rows/columns past xp read 0. */
function inputTransform(image: usize, v: usize, vPlane: usize, ty: i32, tw: i32, hp: i32, wp: i32, ci: i32): void {
  const cs = <usize>ci << 2, rowBytes = <usize>(wp * ci) << 2;
  const r0 = 2 * ty;
  for (let t = 0; t < tw; t++) {
    const c0 = 2 * t;
    for (let ch = 0; ch < ci; ch += 4) {
      const o = <usize>ch << 2;
      const d00 = at(image, r0, c0, hp, wp, rowBytes, cs, o), d01 = at(image, r0, c0 + 1, hp, wp, rowBytes, cs, o);
      const d02 = at(image, r0, c0 + 2, hp, wp, rowBytes, cs, o), d03 = at(image, r0, c0 + 3, hp, wp, rowBytes, cs, o);
      const d10 = at(image, r0 + 1, c0, hp, wp, rowBytes, cs, o), d11 = at(image, r0 + 1, c0 + 1, hp, wp, rowBytes, cs, o);
      const d12 = at(image, r0 + 1, c0 + 2, hp, wp, rowBytes, cs, o), d13 = at(image, r0 + 1, c0 + 3, hp, wp, rowBytes, cs, o);
      const d20 = at(image, r0 + 2, c0, hp, wp, rowBytes, cs, o), d21 = at(image, r0 + 2, c0 + 1, hp, wp, rowBytes, cs, o);
      const d22 = at(image, r0 + 2, c0 + 2, hp, wp, rowBytes, cs, o), d23 = at(image, r0 + 2, c0 + 3, hp, wp, rowBytes, cs, o);
      const d30 = at(image, r0 + 3, c0, hp, wp, rowBytes, cs, o), d31 = at(image, r0 + 3, c0 + 1, hp, wp, rowBytes, cs, o);
      const d32 = at(image, r0 + 3, c0 + 2, hp, wp, rowBytes, cs, o), d33 = at(image, r0 + 3, c0 + 3, hp, wp, rowBytes, cs, o);
      // s = B^T d, row by row: s0 = d0 - d2, s1 = d1 + d2, s2 = d2 - d1, s3 = d1 - d3.
      const s00 = f32x4.sub(d00, d20), s01 = f32x4.sub(d01, d21), s02 = f32x4.sub(d02, d22), s03 = f32x4.sub(d03, d23);
      const s10 = f32x4.add(d10, d20), s11 = f32x4.add(d11, d21), s12 = f32x4.add(d12, d22), s13 = f32x4.add(d13, d23);
      const s20 = f32x4.sub(d20, d10), s21 = f32x4.sub(d21, d11), s22 = f32x4.sub(d22, d12), s23 = f32x4.sub(d23, d13);
      const s30 = f32x4.sub(d10, d30), s31 = f32x4.sub(d11, d31), s32 = f32x4.sub(d12, d32), s33 = f32x4.sub(d13, d33);
      const q = v + ((<usize>(t * ci)) << 2) + o;
      inputRow(q, vPlane, s00, s01, s02, s03);
      inputRow(q + 4 * vPlane, vPlane, s10, s11, s12, s13);
      inputRow(q + 8 * vPlane, vPlane, s20, s21, s22, s23);
      inputRow(q + 12 * vPlane, vPlane, s30, s31, s32, s33);
    }
  }
}

// @ts-ignore: decorator
@inline
function inputRow(q: usize, plane: usize, a: v128, b: v128, c: v128, d: v128): void {
  v128.store(q, f32x4.sub(a, c));
  v128.store(q + plane, f32x4.add(b, c));
  v128.store(q + 2 * plane, f32x4.sub(c, b));
  v128.store(q + 3 * plane, f32x4.sub(b, d));
}

/** m [n, co] = v [n, ci] x u [ci, co]: a 4-row x 8-column tile in registers, summed over ci in order. */
function gemm(v: usize, u: usize, m: usize, n: i32, ci: i32, co: i32): void {
  const vRow = <usize>ci << 2, uRow = <usize>co << 2;
  const n4 = n & ~3;
  let r = 0;
  for (; r < n4; r += 4) {
    const p = v + <usize>r * vRow;
    const o = m + <usize>r * uRow;
    for (let c = 0; c < co; c += 8) {
      let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a10 = f32x4.splat(0), a11 = f32x4.splat(0);
      let a20 = f32x4.splat(0), a21 = f32x4.splat(0), a30 = f32x4.splat(0), a31 = f32x4.splat(0);
      let w = u + (<usize>c << 2);
      let q = p;
      for (let k = 0; k < ci; k++) {
        const w0 = v128.load(w), w1 = v128.load(w, 16);
        const s0 = v128.load32_splat(q);
        a00 = f32x4.add(a00, f32x4.mul(s0, w0));
        a01 = f32x4.add(a01, f32x4.mul(s0, w1));
        const s1 = v128.load32_splat(q + vRow);
        a10 = f32x4.add(a10, f32x4.mul(s1, w0));
        a11 = f32x4.add(a11, f32x4.mul(s1, w1));
        const s2 = v128.load32_splat(q + 2 * vRow);
        a20 = f32x4.add(a20, f32x4.mul(s2, w0));
        a21 = f32x4.add(a21, f32x4.mul(s2, w1));
        const s3 = v128.load32_splat(q + 3 * vRow);
        a30 = f32x4.add(a30, f32x4.mul(s3, w0));
        a31 = f32x4.add(a31, f32x4.mul(s3, w1));
        w += uRow;
        q += 4;
      }
      const oc = o + (<usize>c << 2);
      v128.store(oc, a00);
      v128.store(oc, a01, 16);
      v128.store(oc + uRow, a10);
      v128.store(oc + uRow, a11, 16);
      v128.store(oc + 2 * uRow, a20);
      v128.store(oc + 2 * uRow, a21, 16);
      v128.store(oc + 3 * uRow, a30);
      v128.store(oc + 3 * uRow, a31, 16);
    }
  }
  for (; r < n; r++) {
    const p = v + <usize>r * vRow;
    const o = m + <usize>r * uRow;
    for (let c = 0; c < co; c += 8) {
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0);
      let w = u + (<usize>c << 2);
      for (let k = 0; k < ci; k++) {
        const s0 = v128.load32_splat(p + (<usize>k << 2));
        a0 = f32x4.add(a0, f32x4.mul(s0, v128.load(w)));
        a1 = f32x4.add(a1, f32x4.mul(s0, v128.load(w, 16)));
        w += uRow;
      }
      v128.store(o + (<usize>c << 2), a0);
      v128.store(o + (<usize>c << 2), a1, 16);
    }
  }
}

// @ts-ignore: decorator
@inline
function act(v: v128, relu: i32): v128 {
  // Lanes that are not > 0 become 0, except NaN, which stays (tfjs's relu keeps NaN).
  return relu == 0 ? v : v128.bitselect(f32x4.splat(0), v, f32x4.le(v, f32x4.splat(0)));
}

/** out rows 2ty, 2ty + 1 (those below oh) = A^T m A + bias, per tile and 4 channels at a time. */
function outputTransform(m: usize, mPlane: usize, outImage: usize, ty: i32, tw: i32, oh: i32, ow: i32, co: i32, bias: usize, relu: i32): void {
  const cs = <usize>co << 2, rowBytes = <usize>(ow * co) << 2;
  const y0 = 2 * ty;
  const second = y0 + 1 < oh;
  for (let t = 0; t < tw; t++) {
    const x0 = 2 * t;
    const right = x0 + 1 < ow;
    const o = outImage + <usize>y0 * rowBytes + <usize>x0 * cs;
    for (let c = 0; c < co; c += 4) {
      const cb = <usize>c << 2;
      const q = m + ((<usize>(t * co)) << 2) + cb;
      // Row sums of A^T m: r0 = m0 + m1 + m2, r1 = m1 - m2 - m3 (each a row of 4).
      const m00 = v128.load(q), m01 = v128.load(q + mPlane), m02 = v128.load(q + 2 * mPlane), m03 = v128.load(q + 3 * mPlane);
      const m10 = v128.load(q + 4 * mPlane), m11 = v128.load(q + 5 * mPlane), m12 = v128.load(q + 6 * mPlane), m13 = v128.load(q + 7 * mPlane);
      const m20 = v128.load(q + 8 * mPlane), m21 = v128.load(q + 9 * mPlane), m22 = v128.load(q + 10 * mPlane), m23 = v128.load(q + 11 * mPlane);
      const m30 = v128.load(q + 12 * mPlane), m31 = v128.load(q + 13 * mPlane), m32 = v128.load(q + 14 * mPlane), m33 = v128.load(q + 15 * mPlane);
      const r00 = f32x4.add(f32x4.add(m00, m10), m20), r01 = f32x4.add(f32x4.add(m01, m11), m21);
      const r02 = f32x4.add(f32x4.add(m02, m12), m22), r03 = f32x4.add(f32x4.add(m03, m13), m23);
      const r10 = f32x4.sub(f32x4.sub(m10, m20), m30), r11 = f32x4.sub(f32x4.sub(m11, m21), m31);
      const r12 = f32x4.sub(f32x4.sub(m12, m22), m32), r13 = f32x4.sub(f32x4.sub(m13, m23), m33);
      const bv = bias == 0 ? f32x4.splat(0) : v128.load(bias + cb);
      v128.store(o + cb, act(f32x4.add(f32x4.add(f32x4.add(r00, r01), r02), bv), relu));
      if (right) v128.store(o + cs + cb, act(f32x4.add(f32x4.sub(f32x4.sub(r01, r02), r03), bv), relu));
      if (second) {
        v128.store(o + rowBytes + cb, act(f32x4.add(f32x4.add(f32x4.add(r10, r11), r12), bv), relu));
        if (right) v128.store(o + rowBytes + cs + cb, act(f32x4.add(f32x4.sub(f32x4.sub(r11, r12), r13), bv), relu));
      }
    }
  }
}

/**
 * The filter gradient of a stride-1 3x3 convolution by Winograd F(3x3, 2x2): dw [3, 3, ci, co] =
 * sum over positions of xp[y + kr, x + kc, :] x dy[y, x, :], with xp [b, hp, wp, ci] (hp >= oh + 2,
 * wp >= ow + 2) and dy [b, oh, ow, co]. Each 2x2 block of dy and its 4x4 input patch are
 * transformed, the 16 products per channel pair are summed over blocks in m [16, ci, co] (blocks
 * in order, `chunk` tile rows at a time), and dw = A^T m A at the end. ci % 4 == 0, co % 8 == 0.
 * Scratch: v [16, chunk * ceil(ow / 2) * ci + 16], g [16, chunk * ceil(ow / 2) * co + 16], m [16, ci, co].
 */
export function winogradFilterGrad(
  xp: usize, dy: usize, dw: usize, v: usize, g: usize, m: usize,
  b: i32, hp: i32, wp: i32, ci: i32, oh: i32, ow: i32, co: i32, chunk: i32,
): void {
  const th = (oh + 1) >> 1, tw = (ow + 1) >> 1;
  const tiles = chunk * tw;
  const vPlane = <usize>(tiles * ci + PLANE_PAD) << 2, gPlane = <usize>(tiles * co + PLANE_PAD) << 2;
  const mPlane = <usize>(ci * co) << 2;
  memory.fill(m, 0, 16 * mPlane);
  for (let i = 0; i < b; i++) {
    const image = xp + ((<usize>(i * hp * wp * ci)) << 2);
    const dyImage = dy + ((<usize>(i * oh * ow * co)) << 2);
    for (let ty0 = 0; ty0 < th; ty0 += chunk) {
      const rows = min(chunk, th - ty0);
      for (let r = 0; r < rows; r++) {
        inputTransform(image, v + ((<usize>(r * tw * ci)) << 2), vPlane, ty0 + r, tw, hp, wp, ci);
        gradTransform(dyImage, g + ((<usize>(r * tw * co)) << 2), gPlane, ty0 + r, tw, oh, ow, co);
      }
      for (let e = 0; e < 16; e++) {
        gemmAtB(v + <usize>e * vPlane, g + <usize>e * gPlane, m + <usize>e * mPlane, rows * tw, ci, co);
      }
    }
  }
  filterOutput(m, mPlane, dw, ci * co);
}

// @ts-ignore: decorator
@inline
function dyAt(image: usize, r: i32, c: i32, oh: i32, ow: i32, rowBytes: usize, cs: usize, ch: usize): v128 {
  return r < oh && c < ow ? v128.load(image + <usize>r * rowBytes + <usize>c * cs + ch) : f32x4.splat(0);
}

/** g[e, t, :] = (G y G^T)[e] for the 2x2 blocks y of dy in tile row ty (G 4x2); past dy reads 0. */
function gradTransform(image: usize, g: usize, plane: usize, ty: i32, tw: i32, oh: i32, ow: i32, co: i32): void {
  const cs = <usize>co << 2, rowBytes = <usize>(ow * co) << 2;
  const r0 = 2 * ty;
  const half = f32x4.splat(0.5);
  for (let t = 0; t < tw; t++) {
    const c0 = 2 * t;
    for (let ch = 0; ch < co; ch += 4) {
      const o = <usize>ch << 2;
      const y00 = dyAt(image, r0, c0, oh, ow, rowBytes, cs, o), y01 = dyAt(image, r0, c0 + 1, oh, ow, rowBytes, cs, o);
      const y10 = dyAt(image, r0 + 1, c0, oh, ow, rowBytes, cs, o), y11 = dyAt(image, r0 + 1, c0 + 1, oh, ow, rowBytes, cs, o);
      // t = G y: rows y0, (y0 + y1) / 2, (y0 - y1) / 2, y1.
      const t10 = f32x4.mul(f32x4.add(y00, y10), half), t11 = f32x4.mul(f32x4.add(y01, y11), half);
      const t20 = f32x4.mul(f32x4.sub(y00, y10), half), t21 = f32x4.mul(f32x4.sub(y01, y11), half);
      const q = g + ((<usize>(t * co)) << 2) + o;
      gradRow(q, plane, y00, y01);
      gradRow(q + 4 * plane, plane, t10, t11);
      gradRow(q + 8 * plane, plane, t20, t21);
      gradRow(q + 12 * plane, plane, y10, y11);
    }
  }
}

// @ts-ignore: decorator
@inline
function gradRow(q: usize, plane: usize, a: v128, b: v128): void {
  const half = f32x4.splat(0.5);
  v128.store(q, a);
  v128.store(q + plane, f32x4.mul(f32x4.add(a, b), half));
  v128.store(q + 2 * plane, f32x4.mul(f32x4.sub(a, b), half));
  v128.store(q + 3 * plane, b);
}

/** m [ci, co] += v [n, ci]^T x g [n, co]: a 4 x 8 tile in registers, summed over n in order, then added. */
function gemmAtB(v: usize, g: usize, m: usize, n: i32, ci: i32, co: i32): void {
  const vRow = <usize>ci << 2, gRow = <usize>co << 2;
  for (let r = 0; r < ci; r += 4) {
    for (let c = 0; c < co; c += 8) {
      let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a10 = f32x4.splat(0), a11 = f32x4.splat(0);
      let a20 = f32x4.splat(0), a21 = f32x4.splat(0), a30 = f32x4.splat(0), a31 = f32x4.splat(0);
      let p = v + (<usize>r << 2);
      let q = g + (<usize>c << 2);
      for (let k = 0; k < n; k++) {
        const w0 = v128.load(q), w1 = v128.load(q, 16);
        const s0 = v128.load32_splat(p);
        a00 = f32x4.add(a00, f32x4.mul(s0, w0));
        a01 = f32x4.add(a01, f32x4.mul(s0, w1));
        const s1 = v128.load32_splat(p, 4);
        a10 = f32x4.add(a10, f32x4.mul(s1, w0));
        a11 = f32x4.add(a11, f32x4.mul(s1, w1));
        const s2 = v128.load32_splat(p, 8);
        a20 = f32x4.add(a20, f32x4.mul(s2, w0));
        a21 = f32x4.add(a21, f32x4.mul(s2, w1));
        const s3 = v128.load32_splat(p, 12);
        a30 = f32x4.add(a30, f32x4.mul(s3, w0));
        a31 = f32x4.add(a31, f32x4.mul(s3, w1));
        p += vRow;
        q += gRow;
      }
      const o = m + ((<usize>(r * co + c)) << 2);
      v128.store(o, f32x4.add(v128.load(o), a00));
      v128.store(o, f32x4.add(v128.load(o, 16), a01), 16);
      v128.store(o + gRow, f32x4.add(v128.load(o + gRow), a10));
      v128.store(o + gRow, f32x4.add(v128.load(o + gRow, 16), a11), 16);
      v128.store(o + 2 * gRow, f32x4.add(v128.load(o + 2 * gRow), a20));
      v128.store(o + 2 * gRow, f32x4.add(v128.load(o + 2 * gRow, 16), a21), 16);
      v128.store(o + 3 * gRow, f32x4.add(v128.load(o + 3 * gRow), a30));
      v128.store(o + 3 * gRow, f32x4.add(v128.load(o + 3 * gRow, 16), a31), 16);
    }
  }
}

/** dw [3, 3, n] = A^T m A per element, A^T = [[1, 1, 1, 0], [0, 1, -1, 0], [0, 1, 1, -1]]. */
function filterOutput(m: usize, plane: usize, dw: usize, n: i32): void {
  const tap = <usize>n << 2;
  for (let i = 0; i < n; i += 4) {
    const q = m + (<usize>i << 2);
    const m00 = v128.load(q), m01 = v128.load(q + plane), m02 = v128.load(q + 2 * plane), m03 = v128.load(q + 3 * plane);
    const m10 = v128.load(q + 4 * plane), m11 = v128.load(q + 5 * plane), m12 = v128.load(q + 6 * plane), m13 = v128.load(q + 7 * plane);
    const m20 = v128.load(q + 8 * plane), m21 = v128.load(q + 9 * plane), m22 = v128.load(q + 10 * plane), m23 = v128.load(q + 11 * plane);
    const m30 = v128.load(q + 12 * plane), m31 = v128.load(q + 13 * plane), m32 = v128.load(q + 14 * plane), m33 = v128.load(q + 15 * plane);
    // Rows of A^T m: r0 = m0 + m1 + m2, r1 = m1 - m2, r2 = m1 + m2 - m3.
    const r00 = f32x4.add(f32x4.add(m00, m10), m20), r01 = f32x4.add(f32x4.add(m01, m11), m21);
    const r02 = f32x4.add(f32x4.add(m02, m12), m22), r03 = f32x4.add(f32x4.add(m03, m13), m23);
    const r10 = f32x4.sub(m10, m20), r11 = f32x4.sub(m11, m21), r12 = f32x4.sub(m12, m22), r13 = f32x4.sub(m13, m23);
    const r20 = f32x4.sub(f32x4.add(m10, m20), m30), r21 = f32x4.sub(f32x4.add(m11, m21), m31);
    const r22 = f32x4.sub(f32x4.add(m12, m22), m32), r23 = f32x4.sub(f32x4.add(m13, m23), m33);
    const o = dw + (<usize>i << 2);
    filterOutRow(o, tap, r00, r01, r02, r03);
    filterOutRow(o + 3 * tap, tap, r10, r11, r12, r13);
    filterOutRow(o + 6 * tap, tap, r20, r21, r22, r23);
  }
}

// @ts-ignore: decorator
@inline
function filterOutRow(o: usize, tap: usize, a: v128, b: v128, c: v128, d: v128): void {
  v128.store(o, f32x4.add(f32x4.add(a, b), c));
  v128.store(o + tap, f32x4.sub(b, c));
  v128.store(o + 2 * tap, f32x4.sub(f32x4.add(b, c), d));
}
