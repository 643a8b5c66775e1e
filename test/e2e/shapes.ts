/**
 * A generated k-class image set for multi-class tests: one class per shape (circle, square,
 * triangle, cross), drawn light on a noisy dark background at a random position and size. Seeded.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { Rng } from '../../src/core/rng.js';

export const SHAPES = ['circle', 'square', 'triangle', 'cross'] as const;
export type Shape = (typeof SHAPES)[number];

/** One size x size grayscale image of `shape`. */
export function drawShape(shape: Shape, size: number, rng: Rng): Uint8Array {
  const img = new Uint8Array(size * size);
  const r = rng.uniform(size * 0.22, size * 0.34);
  const cx = rng.uniform(r + 1, size - r - 1), cy = rng.uniform(r + 1, size - r - 1);
  const inside = (x: number, y: number): boolean => {
    const dx = x - cx, dy = y - cy;
    switch (shape) {
      case 'circle': return dx * dx + dy * dy <= r * r;
      case 'square': return Math.abs(dx) <= r * 0.8 && Math.abs(dy) <= r * 0.8;
      case 'triangle': return dy <= r * 0.8 && dy >= -r && Math.abs(dx) <= (dy + r) * 0.55;
      case 'cross': return (Math.abs(dx) <= r * 0.25 && Math.abs(dy) <= r) || (Math.abs(dy) <= r * 0.25 && Math.abs(dx) <= r);
    }
  };
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const base = inside(x + 0.5, y + 0.5) ? 200 : 40;
      img[y * size + x] = Math.max(0, Math.min(255, Math.round(base + rng.uniform(-30, 30))));
    }
  }
  return img;
}

/** Write `perClass` PNGs of each shape under root/<shape>/<n>.png. */
export async function writeShapes(root: string, perClass: number, size: number, seed: number, shapes: readonly Shape[] = SHAPES): Promise<void> {
  const rng = new Rng(seed).child('shapes');
  for (const shape of shapes) {
    await mkdir(path.join(root, shape), { recursive: true });
    for (let i = 0; i < perClass; i++) {
      const img = drawShape(shape, size, rng.child(`${shape}-${i}`));
      await sharp(Buffer.from(img), { raw: { width: size, height: size, channels: 1 } }).png().toFile(path.join(root, shape, `${String(i).padStart(3, '0')}.png`));
    }
  }
}
