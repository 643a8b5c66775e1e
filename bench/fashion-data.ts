/**
 * Fashion-MNIST as assay reads it: the four IDX files (Debian's `dataset-fashion-mnist` puts them
 * in /usr/share/datasets/fashion-mnist) converted once to PNG class folders,
 * `<cache>/train/<class>/<index>.png` and `<cache>/test/<class>/<index>.png`. A conversion writes
 * into a sibling folder and renames it into place after its marker file, so a folder without the
 * marker (an interrupted conversion) is never used: it is removed and converted again.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readIdx, IdxFormatError } from './idx.js';

/** Label index -> class folder name, in the benchmark's label order. */
export const FASHION_CLASSES = ['t-shirt', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'ankle-boot'] as const;
export const FASHION_DEFAULT_DATA = '/usr/share/datasets/fashion-mnist';
const MARKER = 'converted.json';
/** Bumped when the files change (2: gray PNG files; 1 wrote RGB), so an older conversion is redone. */
const FORMAT = 2;

const FILES = {
  train: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
  test: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
} as const;

/** The IDX file for `base` in `dir`, gzipped or not; null when neither exists. */
function idxPath(dir: string, base: string): string | null {
  for (const name of [`${base}.gz`, base]) if (existsSync(path.join(dir, name))) return path.join(dir, name);
  return null;
}

/** Why the data cannot be used (the files missing from `dir`), or null when all four are there. */
export function fashionDataMissing(dir: string): string | null {
  const missing = [...FILES.train, ...FILES.test].filter((b) => idxPath(dir, b) === null);
  return missing.length === 0 ? null : `${dir} lacks ${missing.join(', ')} (.gz or not); install Debian's dataset-fashion-mnist or pass --fashion-data DIR`;
}

/** Default cache: $XDG_CACHE_HOME or ~/.cache, then assay-bench/fashion-mnist-png. */
export function defaultFashionCache(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'assay-bench', 'fashion-mnist-png');
}

async function readSplit(dir: string, split: keyof typeof FILES): Promise<{ images: Uint8Array; labels: Uint8Array; n: number; rows: number; cols: number }> {
  const [imagesFile, labelsFile] = FILES[split].map((b) => idxPath(dir, b)!) as [string, string];
  const images = await readIdx(imagesFile);
  const labels = await readIdx(labelsFile);
  if (images.shape.length !== 3) throw new IdxFormatError(imagesFile, `shape ${images.shape.join('x')} is not N x rows x cols`);
  if (labels.shape.length !== 1) throw new IdxFormatError(labelsFile, `shape ${labels.shape.join('x')} is not N`);
  const [n, rows, cols] = images.shape as [number, number, number];
  if (labels.shape[0] !== n) throw new IdxFormatError(labelsFile, `${labels.shape[0]} labels for ${n} images in ${imagesFile}`);
  const bad = labels.data.findIndex((l) => l >= FASHION_CLASSES.length);
  if (bad >= 0) throw new IdxFormatError(labelsFile, `label ${labels.data[bad]} at item ${bad} is not a class index 0..${FASHION_CLASSES.length - 1}`);
  return { images: images.data, labels: labels.data, n, rows, cols };
}

/**
 * Convert the IDX files in `dataDir` to PNG class folders under `cacheDir` unless a finished
 * conversion of the same format is there already. Returns the folder and whether it converted.
 */
export async function ensureFashionPng(dataDir: string, cacheDir: string, log: (s: string) => void = () => {}): Promise<{ dir: string; converted: boolean; seconds: number }> {
  const marker = path.join(cacheDir, MARKER);
  if (existsSync(marker)) {
    const m = JSON.parse(await readFile(marker, 'utf8')) as { format?: number };
    if (m.format === FORMAT) return { dir: cacheDir, converted: false, seconds: 0 };
  }
  const start = process.hrtime.bigint();
  const { default: sharp } = await import('sharp');
  const partial = `${cacheDir}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  const counts: Record<string, number[]> = {};
  try {
    await convertInto(partial, dataDir, counts, sharp, log);
  } catch (err) {
    await rm(partial, { recursive: true, force: true });
    throw err;
  }
  await rm(cacheDir, { recursive: true, force: true });
  await mkdir(path.dirname(cacheDir), { recursive: true });
  await rename(partial, cacheDir);
  return { dir: cacheDir, converted: true, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

type Sharp = typeof import('sharp')['default'];

/** Both splits as PNG files under `partial`, then the marker (written last). */
async function convertInto(partial: string, dataDir: string, counts: Record<string, number[]>, sharp: Sharp, log: (s: string) => void): Promise<void> {
  for (const split of ['train', 'test'] as const) {
    const s = await readSplit(dataDir, split);
    counts[split] = FASHION_CLASSES.map(() => 0);
    for (const c of FASHION_CLASSES) await mkdir(path.join(partial, split, c), { recursive: true });
    const pixels = s.rows * s.cols;
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < s.n; i = next++) {
        const label = s.labels[i]!;
        counts[split]![label]!++;
        const px = s.images.subarray(i * pixels, (i + 1) * pixels);
        // NOTE: b-w keeps the file 8-bit gray like the source; sharp writes raw 1-channel input as RGB otherwise.
        await sharp(px, { raw: { width: s.cols, height: s.rows, channels: 1 } }).toColourspace('b-w').png({ compressionLevel: 1 })
          .toFile(path.join(partial, split, FASHION_CLASSES[label]!, `${String(i).padStart(5, '0')}.png`));
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    log(`  converted ${s.n} ${split} images (${s.rows}x${s.cols})`);
  }
  await writeFile(path.join(partial, MARKER), `${JSON.stringify({ format: FORMAT, source: dataDir, classes: FASHION_CLASSES, counts }, null, 2)}\n`);
}
