/**
 * Lists and decodes each variant folder written by make-photo-variants.py through crack-seed's
 * geometry (resize 64x64, grayscale) exactly as the ingest and decode stages do, and compares
 * every decoded image with the same photo decoded from the `jpeg` variant (matched by class
 * and file stem): what was listed, what failed, the mean absolute pixel difference, the time.
 *
 *   nice -n 10 node --import tsx scripts/check-variants.ts /tmp/robust-data [VARIANT...]
 *
 * One variant per process (`--one NAME`) for a peak-RSS measurement under /usr/bin/time -v.
 */
import path from 'node:path';
import { readdir } from 'node:fs/promises';
import type { FeatureStep } from '../src/core/spec.js';
import { decodeImages } from '../src/data/decode.js';
import { listInventory } from '../src/data/sources/index.js';

const geometry: FeatureStep[] = [{ kind: 'resize', width: 64, height: 64, fit: 'fill' } as FeatureStep, { kind: 'grayscale' } as FeatureStep];

async function decodeVariant(root: string, variant: string) {
  const dir = path.join(root, variant);
  const folders = (await readdir(dir)).sort();
  const pos = folders.find((f) => f.startsWith('Pos'))!, neg = folders.find((f) => f !== pos)!;
  const data = { source: 'image-folder' as const, path: dir, classes: { crack: pos, 'no-crack': neg }, positive: 'crack', onError: 'skip' as const, duplicates: 'report' as const };
  const t0 = performance.now();
  const { inventory } = await listInventory(data, { cwd: root });
  const { block, bad } = await decodeImages(data, dir, inventory.items, geometry, {});
  const seconds = (performance.now() - t0) / 1000;
  const px = block.height * block.width * block.channels;
  const byKey = new Map<string, Uint8Array>();
  inventory.items.forEach((it, i) => {
    if (bad.some((b) => b.ref === it.ref)) return;
    byKey.set(`${it.label}/${path.basename(it.ref).replace(/\.[^.]+$/, '')}`, block.data.subarray(i * px, (i + 1) * px));
  });
  return { inventory, bad, byKey, seconds, shape: `${block.width}x${block.height}x${block.channels}` };
}

/** Mean |a - b| per pixel, and the same against `b` turned a quarter (to see which way EXIF went). */
function diff(a: Uint8Array, b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

const [root, ...rest] = process.argv.slice(2);
if (!root) throw new Error('usage: check-variants.ts ROOT [VARIANT...]');
const variants = rest.length > 0 ? rest : (await readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
const base = await decodeVariant(root, 'jpeg');
for (const v of variants) {
  try {
    const r = v === 'jpeg' ? base : await decodeVariant(root, v);
    const diffs: number[] = [];
    for (const [k, img] of r.byKey) {
      const ref = base.byKey.get(k);
      if (ref && ref.length === img.length) diffs.push(diff(img, ref));
    }
    const mean = diffs.length ? diffs.reduce((a, b) => a + b, 0) / diffs.length : NaN;
    const max = diffs.length ? Math.max(...diffs) : NaN;
    const counts = r.inventory.classes.map((c, k) => `${c} ${r.inventory.items.filter((it) => it.label === k).length}`).join(', ');
    console.log(`${v.padEnd(12)} listed ${counts}; skipped at listing ${r.inventory.skipped.length}; bad ${r.bad.length}; ${r.shape}; vs jpeg: ${diffs.length} matched, mean |d| ${mean.toFixed(2)}, max ${max.toFixed(2)}; ${r.seconds.toFixed(1)} s`);
    for (const b of r.bad.slice(0, 4)) console.log(`    bad ${b.ref}: ${b.reason}`);
  } catch (err) {
    console.log(`${v.padEnd(12)} THREW ${(err as Error).constructor.name}: ${(err as Error).message}`);
  }
}
