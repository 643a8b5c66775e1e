/**
 * The synthetic crack generator: seeded, deterministic concrete-like surfaces, with or without a
 * crack, and "hard negatives" carrying line-like distractors (joints, scratches, elongated stains).
 *
 * Every image is a pure function of (GENERATOR_VERSION, size, seed, class, index, hardNegative):
 * its random stream is `new Rng(0, 'synth-v<version>/<seed>/<class>/<index>')`. Bump
 * GENERATOR_VERSION whenever the pictures change, so content ids and caches change with them.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Rng } from '../core/rng.js';

export const GENERATOR_VERSION = 1;

export interface SyntheticParams {
  readonly size: number;
  readonly seed: number;
  readonly index: number;
  readonly crack: boolean;
  readonly hardNegative: boolean;
}

export type SyntheticClass = 'crack' | 'no-crack';

/** Whether negative number `index` carries distractors: exactly floor(n * fraction) of the first n do, spread evenly. */
export function isHardNegative(index: number, fraction: number): boolean {
  return Math.floor((index + 1) * fraction) > Math.floor(index * fraction);
}

/** The ref of a synthetic item: `synthetic:<class>/<index>`. */
export function syntheticRef(cls: SyntheticClass, index: number): string {
  return `synthetic:${cls}/${index}`;
}

/** Parameters of a synthetic ref under a data spec's size and hard-negative fraction; null for another ref. */
export function syntheticParams(ref: string, opts: { readonly size: number; readonly seed: number; readonly hardNegatives: number }): SyntheticParams | null {
  const m = /^synthetic:(crack|no-crack)\/(\d+)$/.exec(ref);
  if (!m) return null;
  const index = Number(m[2]), crack = m[1] === 'crack';
  return { size: opts.size, seed: opts.seed, index, crack, hardNegative: !crack && isHardNegative(index, opts.hardNegatives) };
}

/** Multi-scale value noise in [-1, 1]-ish, summed over octaves into `out` with the given amplitudes. */
function valueNoise(rng: Rng, size: number, out: Float32Array, cells: readonly number[], amps: readonly number[]): void {
  cells.forEach((g, o) => {
    const n = g + 1, lat = new Float32Array(n * n);
    for (let i = 0; i < lat.length; i++) lat[i] = rng.next() * 2 - 1;
    const amp = amps[o]!, k = g / size;
    for (let y = 0; y < size; y++) {
      const fy = y * k, iy = Math.min(g - 1, fy | 0), ty = fy - iy, sy = ty * ty * (3 - 2 * ty);
      for (let x = 0; x < size; x++) {
        const fx = x * k, ix = Math.min(g - 1, fx | 0), tx = fx - ix, sx = tx * tx * (3 - 2 * tx);
        const a = lat[iy * n + ix]!, b = lat[iy * n + ix + 1]!, c = lat[(iy + 1) * n + ix]!, d = lat[(iy + 1) * n + ix + 1]!;
        out[y * size + x]! += amp * ((a + (b - a) * sx) * (1 - sy) + (c + (d - c) * sx) * sy);
      }
    }
  });
}

/** Stamp a soft disc of radius r and strength s into a darkness mask (max-combined). */
function stamp(mask: Float32Array, size: number, cx: number, cy: number, r: number, s: number): void {
  const R = r + 1;
  for (let y = Math.max(0, Math.floor(cy - R)); y <= Math.min(size - 1, Math.ceil(cy + R)); y++) {
    for (let x = Math.max(0, Math.floor(cx - R)); x <= Math.min(size - 1, Math.ceil(cx + R)); x++) {
      const d = Math.hypot(x - cx, y - cy);
      const v = s * Math.min(1, Math.max(0, r + 0.5 - d));
      if (v > mask[y * size + x]!) mask[y * size + x] = v;
    }
  }
}

/** A crack: a directed random walk with varying width, and shorter, thinner branches. */
function drawCrack(rng: Rng, mask: Float32Array, size: number, x: number, y: number, dir: number, length: number, width: number, strength: number, depth: number): void {
  let heading = dir;
  let w = width;
  for (let t = 0; t < length; t++) {
    heading += rng.normal() * 0.22 + (dir - heading) * 0.08;
    x += Math.cos(heading); y += Math.sin(heading);
    if (x < -4 || y < -4 || x > size + 4 || y > size + 4) break;
    w = Math.max(0.35, Math.min(width * 1.6, w + rng.normal() * 0.12));
    stamp(mask, size, x, y, w / 2, strength * (0.75 + 0.25 * rng.next()));
    if (depth < 2 && rng.next() < 0.012) {
      drawCrack(rng, mask, size, x, y, heading + (rng.next() < 0.5 ? -1 : 1) * rng.uniform(0.4, 1.1), length * rng.uniform(0.15, 0.4), w * 0.6, strength * 0.8, depth + 1);
    }
  }
}

/**
 * Render one RGB image (size x size x 3, row-major). Pure and deterministic: the same params give
 * the same bytes on every platform.
 */
export function renderSynthetic(params: SyntheticParams): Uint8Array {
  const { size, seed, index, crack, hardNegative } = params;
  const rng = new Rng(0, `synth-v${GENERATOR_VERSION}/${seed}/${crack ? 'crack' : 'no-crack'}/${index}`);
  const shade = new Float32Array(size * size);
  // Texture: coarse mottling to fine grain (cells relative to the image, so any size looks alike).
  valueNoise(rng, size, shade, [3, 7, 16, Math.max(2, size >> 2), Math.max(2, size >> 1)], [0.05, 0.04, 0.03, 0.03, 0.035]);
  // Illumination gradient in a random direction.
  const ga = rng.uniform(0, 2 * Math.PI), gs = rng.uniform(0, 0.12) / size;
  const gx = Math.cos(ga) * gs, gy = Math.sin(ga) * gs;
  // Stains: a few soft blobs, darker or lighter.
  const stains = rng.int(4);
  const blobs = Array.from({ length: stains }, () => ({ x: rng.uniform(0, size), y: rng.uniform(0, size), r: rng.uniform(0.08, 0.35) * size, a: rng.uniform(-0.08, 0.05) }));
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let s = shade[y * size + x]! + (x - size / 2) * gx + (y - size / 2) * gy + (rng.next() - 0.5) * 0.09;
      for (const b of blobs) { const d2 = ((x - b.x) ** 2 + (y - b.y) ** 2) / (b.r * b.r); if (d2 < 4) s += b.a * Math.exp(-d2); }
      shade[y * size + x] = s;
    }
  }
  const dark = new Float32Array(size * size);
  // Pores: small dark dots.
  const pores = rng.int(Math.ceil(size * size / 300)) + 2;
  for (let i = 0; i < pores; i++) stamp(dark, size, rng.uniform(0, size), rng.uniform(0, size), rng.uniform(0.3, 1.4) * size / 128, rng.uniform(0.15, 0.5));
  if (hardNegative) drawDistractor(rng, dark, shade, size);
  if (crack) {
    const s = size / 128;
    const width = rng.uniform(0.8, 6) * s, strength = rng.uniform(0.4, 0.85);
    // NOTE: the walk grows both ways from a point inside the image (anywhere, edges included), so
    // every crack image shows a crack, while a central crop may still cut it out.
    const x0 = rng.uniform(0.03, 0.97) * size, y0 = rng.uniform(0.03, 0.97) * size, dir = rng.uniform(0, 2 * Math.PI);
    const len = rng.uniform(0.3, 0.8) * size;
    drawCrack(rng, dark, size, x0, y0, dir, len, width, strength, 0);
    drawCrack(rng, dark, size, x0, y0, dir + Math.PI, len * rng.uniform(0.3, 1), width, strength, 0);
  }
  // Tone: greyish beige with some spread, like the photos.
  const base = rng.uniform(150, 215), warm = rng.uniform(2, 14);
  const tone = [base + warm * 0.6, base, base - warm];
  const out = new Uint8Array(size * size * 3);
  const clamped = new Uint8ClampedArray(out.buffer);
  for (let i = 0; i < size * size; i++) {
    const v = (1 + shade[i]!) * (1 - dark[i]!);
    clamped[i * 3] = tone[0]! * v; clamped[i * 3 + 1] = tone[1]! * v; clamped[i * 3 + 2] = tone[2]! * v;
  }
  return out;
}

/** Line-like things that are not cracks: a straight joint, a faint scratch, or an elongated stain. */
function drawDistractor(rng: Rng, dark: Float32Array, shade: Float32Array, size: number): void {
  const kind = rng.int(3), a = rng.uniform(0, Math.PI), cx = rng.uniform(0.1, 0.9) * size, cy = rng.uniform(0.1, 0.9) * size;
  const ux = Math.cos(a), uy = Math.sin(a), s = size / 128;
  if (kind === 0 || kind === 1) {
    const joint = kind === 0;
    const w = joint ? rng.uniform(1.2, 3) * s : rng.uniform(0.4, 0.9) * s, strength = joint ? rng.uniform(0.2, 0.45) : rng.uniform(0.08, 0.2);
    const half = joint ? size * 1.5 : rng.uniform(0.2, 0.5) * size;
    for (let t = -half; t <= half; t += 0.7) {
      const bend = joint ? 0 : Math.sin(t / size * 3) * 2 * s;
      stamp(dark, size, cx + ux * t - uy * bend, cy + uy * t + ux * bend, w / 2, strength);
    }
    return;
  }
  const len = rng.uniform(0.25, 0.6) * size, wid = rng.uniform(1.5, 4) * s, amp = -rng.uniform(0.06, 0.15);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
    const dx = x - cx, dy = y - cy, along = dx * ux + dy * uy, across = -dx * uy + dy * ux;
    const d2 = (along / len) ** 2 + (across / wid) ** 2;
    if (d2 < 6) shade[y * size + x]! += amp * Math.exp(-d2);
  }
}

/**
 * Write an image folder (`crack/`, `no-crack/`, PNG files named by index, e.g. `crack/00017.png`)
 * for `assay synth --out DIR`. The i-th negative is hard when {@link isHardNegative}(i, hardNegatives).
 */
export async function writeSyntheticFolder(outDir: string, opts: { readonly counts: Readonly<Record<SyntheticClass, number>>; readonly size: number; readonly seed: number; readonly hardNegatives: number }): Promise<{ files: number }> {
  const { default: sharp } = await import('sharp');
  let files = 0;
  for (const cls of ['crack', 'no-crack'] as const) {
    const dir = path.join(outDir, cls);
    await mkdir(dir, { recursive: true });
    for (let i = 0; i < opts.counts[cls]; i++) {
      const px = renderSynthetic({ size: opts.size, seed: opts.seed, index: i, crack: cls === 'crack', hardNegative: cls === 'no-crack' && isHardNegative(i, opts.hardNegatives) });
      await sharp(px, { raw: { width: opts.size, height: opts.size, channels: 3 } }).png().toFile(path.join(dir, `${String(i).padStart(5, '0')}.png`));
      files++;
    }
  }
  return { files };
}
