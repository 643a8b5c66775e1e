/**
 * A pipeline pointed at photos unlike the flagship's: class folders with a space and Unicode in
 * their names, upper-case extensions, PNG, WebP, CMYK and EXIF-rotated JPEGs of several sizes,
 * .DS_Store and Thumbs.db beside them, and fewer photos than the sampling's cap.
 */
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assay, tempProject } from './cli.js';

const POS = 'Pos itive', NEG = 'Négatif ✓';

const pipeline = (features: string) => `assay: 1
name: foreign
seed: 3
data:
  source: image-folder
  path: photos
  classes: { crack: "${POS}", no-crack: "${NEG}" }
  positive: crack
holdout: { fraction: 0.2, stratify: true }
sampling: { ratio: { no-crack: 10, crack: 1 }, at-most: 1000 }
split: { validation: 0.25, stratify: true }
features:
${features}
  - normalize: { method: standard }
model:
  family: cnn
  space: { blocks: 1, filters: 4 }
  training: { epochs: 2, batch-size: 16 }
objective: { metric: f1, threshold: tune }
search: { strategy: random, trials: 1, parallel: 1 }
report: { bootstrap: 100 }
`;

/** A w x h RGB picture; cracks carry a dark diagonal. */
function picture(w: number, h: number, seed: number, crack: boolean) {
  const px = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 3, dark = crack && Math.abs(x / w - y / h) < 0.08;
      const v = dark ? 30 : 150 + ((x * 7 + y * 13 + seed * 31) % 40);
      px[o] = v; px[o + 1] = v - 5; px[o + 2] = v - 10;
    }
  }
  return sharp(px, { raw: { width: w, height: h, channels: 3 } });
}

async function writePhotos(root: string): Promise<void> {
  const sizes = [[40, 40], [60, 40], [30, 50], [64, 48]] as const;
  for (const [folder, n, crack] of [[POS, 12, true], [NEG, 60, false]] as const) {
    const dir = path.join(root, folder);
    await mkdir(dir, { recursive: true });
    for (let i = 0; i < n; i++) {
      const [w, h] = sizes[i % sizes.length]!;
      const img = picture(w, h, i, crack);
      const name = `${crack ? 'c' : 'n'}${String(i).padStart(2, '0')}`;
      const kind = i % 5;
      if (kind === 0) await img.jpeg().toFile(path.join(dir, `${name}.JPG`));
      else if (kind === 1) await img.png().toFile(path.join(dir, `${name}.png`));
      else if (kind === 2) await img.webp().toFile(path.join(dir, `${name}.Webp`));
      else if (kind === 3) await img.toColourspace('cmyk').jpeg().toFile(path.join(dir, `${name}.jpeg`));
      else await img.jpeg({ progressive: true }).withMetadata({ orientation: 6 }).toFile(path.join(dir, `${name}.jpg`));
    }
    await writeFile(path.join(dir, '.DS_Store'), Buffer.alloc(64));
    await writeFile(path.join(dir, 'Thumbs.db'), Buffer.alloc(64));
  }
}

describe('photos from another camera', () => {
  let cwd: string;
  beforeAll(async () => {
    cwd = await tempProject({
      'as-is.yaml': pipeline('  - grayscale: {}'),
      'resized.yaml': pipeline('  - resize: { width: 16, height: 16 }\n  - grayscale: {}'),
    });
    await writePhotos(path.join(cwd, 'photos'));
  });
  afterAll(async () => rm(cwd, { recursive: true, force: true }));

  it('refuses several sizes without a resize at features, with exit 2 and no run folder', async () => {
    const r = await assay(['run', 'as-is.yaml'], { cwd });
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/as-is\.yaml:\d+:\d+ error\[data\.size-mismatch\] the images decode to 4 different sizes: 40x40 \(18 files, e\.g\. Pos itive\/c00\.JPG\)/);
    expect(r.stderr).toContain('add a resize step to features');
    expect(await readdir(path.join(cwd, 'runs', 'foreign')).catch(() => [])).toEqual([]);
  });

  it('runs on them with a resize, keeps the ratio with fewer items than at-most, and predict scores them as evaluate did', async () => {
    const r = await assay(['run', 'resized.yaml', '--json'], { cwd });
    expect(r.exitCode, r.stderr).toBe(0);
    const run = JSON.parse(r.stdout) as { dir: string };
    const lock = JSON.parse(await readFile(path.join(run.dir, 'lock.json'), 'utf8')) as { stages: { name: string; summary: string }[] };
    const summary = Object.fromEntries(lock.stages.map((s) => [s.name, s.summary]));
    expect(summary['ingest']).toBe('72 items (crack 12, no-crack 60)');
    expect(summary['decode']).toBe('72 images 16x16x1');
    // After the hold-out: 10 cracks, 48 surfaces: 4 whole units of 10:1.
    expect(summary['sample']).toBe('crack 4, no-crack 40 (44 of at most 1000 at the ratio: crack has 10 of the 91 its share needs, no-crack has 48 of the 909 its share needs after the hold-out)');

    const p = await assay(['predict', run.dir, 'photos', '--out', 'scores.csv'], { cwd });
    expect(p.exitCode, p.stderr).toBe(0);
    const scored = new Map((await readFile(path.join(cwd, 'scores.csv'), 'utf8')).trim().split('\n').slice(1).map((l) => l.split(',')).map((c) => [c[0]!.replace(/^photos\//, ''), c]));
    expect(scored.size).toBe(72);
    expect([...scored.values()].filter((c) => c[3] !== '')).toEqual([]);
    const evaluated = (await readFile(path.join(run.dir, 'predictions.csv'), 'utf8')).trim().split('\n').slice(1).map((l) => l.split(','));
    expect(evaluated.length).toBe(14);
    for (const [ref, , , probability] of evaluated) expect([ref, Number(scored.get(ref!)![1])]).toEqual([ref, Number(probability)]);
  }, 120_000);
});
