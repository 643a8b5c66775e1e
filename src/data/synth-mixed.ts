/**
 * A generated mixed set (an image and a table row per item) for `assay synth --mixed`, the
 * example pipeline pipelines/mixed-example.yaml and the tests: gray surfaces with grain, a dark
 * crack-like line across half of them, a `reading` in [0, 10) and a `site` (a, b or c) per row.
 * An item is `defect` exactly when its image has the line AND its reading is above 5, so neither
 * the image nor the row alone can tell the classes apart (about 1 defect in 4). Seeded: the same
 * options write the same bytes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Rng } from '../core/rng.js';

export interface MixedSetOptions {
  /** Items (rows and images). */
  readonly count: number;
  /** Image side in pixels. */
  readonly size: number;
  readonly seed: number;
}

/** The reading above which an item with a line is a defect. */
export const MIXED_CUT = 5;

/** One gray image (size x size, 1 channel): grain, and a dark line from one side to the other when `line`. */
export function renderMixedImage(size: number, line: boolean, rng: Rng): Uint8Array {
  const px = new Uint8Array(size * size);
  for (let i = 0; i < px.length; i++) px[i] = 150 + Math.round(rng.uniform(-25, 25));
  if (!line) return px;
  // A line between a point on the left edge and one on the right edge (or top and bottom), 2 px wide.
  const across = rng.next() < 0.5;
  const a = rng.uniform(0.15, 0.85) * size, b = rng.uniform(0.15, 0.85) * size;
  for (let t = 0; t < size; t++) {
    const u = a + ((b - a) * t) / (size - 1);
    for (let w = -1; w <= 0; w++) {
      const v = Math.min(size - 1, Math.max(0, Math.round(u) + w));
      const [x, y] = across ? [t, v] : [v, t];
      px[y * size + x] = 55 + Math.round(rng.uniform(-10, 10));
    }
  }
  return px;
}

/** Write `DIR/images/NNNNN.png` and `DIR/mixed.csv` (file,reading,site,label). */
export async function writeMixedSet(outDir: string, opts: MixedSetOptions): Promise<{ files: number; defects: number }> {
  const { default: sharp } = await import('sharp');
  await mkdir(path.join(outDir, 'images'), { recursive: true });
  const rng = new Rng(opts.seed).child('mixed-set');
  const lines = ['file,reading,site,label'];
  let defects = 0;
  for (let i = 0; i < opts.count; i++) {
    const r = rng.child(i);
    const line = r.next() < 0.5;
    const reading = Number(r.uniform(0, 10).toFixed(2));
    const site = ['a', 'b', 'c'][r.int(3)]!;
    const defect = line && reading > MIXED_CUT;
    if (defect) defects++;
    const file = `images/${String(i).padStart(5, '0')}.png`;
    const px = renderMixedImage(opts.size, line, r.child('image'));
    await sharp(px, { raw: { width: opts.size, height: opts.size, channels: 1 } }).png().toFile(path.join(outDir, file));
    lines.push(`${file},${reading},${site},${defect ? 'defect' : 'ok'}`);
  }
  await writeFile(path.join(outDir, 'mixed.csv'), `${lines.join('\n')}\n`);
  return { files: opts.count, defects };
}
