/**
 * One run's page data: its row, metrics, trials (with learning curves), hold-out curves, the error
 * gallery (every false negative and false positive from predictions.csv, with the pictures the
 * report kept) and the progress record. Read through store/run-folder.ts.
 */
import { parseTrialLines, readLockOrNull, readMetricsOrNull, readPredictions, readProgress, readReport, readTrials, type ProgressRecord, type TrialLine } from '../store/run-folder.js';
import { hitCurves, type Curves } from './curves.js';
import type { RunRow } from './run-index.js';

export interface TrialPoint {
  readonly index: number;
  readonly family: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly score: number | null;
  readonly pruned: boolean;
  readonly failed: string | null;
  readonly epochs: number;
  readonly seconds: number;
  readonly curves: readonly { readonly epoch: number; readonly trainLoss: number; readonly valLoss: number; readonly valObjective: number }[];
}

export interface GalleryItem {
  readonly ref: string;
  readonly label: string;
  readonly probability: number;
  readonly kind: 'fn' | 'fp';
  /** The pictures the report kept: PNG data URIs (from report.html) or run-folder paths (older runs). */
  readonly original: string | null;
  readonly model: string | null;
}

export interface RunDetail {
  readonly row: RunRow;
  readonly threshold: number | null;
  readonly minimize: boolean;
  readonly metrics: unknown;
  readonly trials: readonly TrialPoint[];
  readonly best: number | null;
  readonly curves: Curves | null;
  readonly gallery: readonly GalleryItem[];
  readonly classes: readonly string[];
  readonly positive: string | null;
  readonly progress: ProgressRecord | null;
}

const MINIMIZED = new Set(['fnr', 'fpr', 'log-loss']);

/** Parse `trials.jsonl` leniently: a malformed line is skipped, not fatal. */
export function parseTrials(text: string): TrialPoint[] {
  return trialPoints(parseTrialLines(text));
}

function trialPoints(lines: readonly TrialLine[]): TrialPoint[] {
  return lines.map((t) => {
    const curves = Array.isArray(t.curves) ? (t.curves as Record<string, number>[]).map((c) => ({ epoch: c.epoch!, trainLoss: c.trainLoss!, valLoss: c.valLoss!, valObjective: c.valObjective! })) : [];
    return {
      index: Number(t.index), family: String(t.family ?? ''), params: (t.params ?? {}) as Record<string, unknown>,
      score: typeof t.score === 'number' && Number.isFinite(t.score) ? t.score : null,
      pruned: t.pruned === true, failed: typeof t.error === 'string' ? t.error : null,
      epochs: Number(t.epochs ?? curves.length), seconds: Number(t.seconds ?? 0), curves,
    };
  }).sort((a, b) => a.index - b.index);
}

const UNESCAPE: Readonly<Record<string, string>> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/**
 * The gallery pictures report.html embeds: item ref -> PNG data URIs (only plain base64 is taken).
 * The report writes each entry as `<div class="g"><img alt="original" src="data:..."><img alt="as
 * the model saw it" src="data:...">`, one `<img alt="model input channel k">` per further input
 * channel, then `<div class="ref">#n REF</div>`, REF escaped.
 */
export function galleryFromHtml(reportHtml: string): Map<string, { original: string; model: string }> {
  const out = new Map<string, { original: string; model: string }>();
  const entry = /<div class="g"><img alt="original" src="(data:image\/png;base64,[A-Za-z0-9+/]*={0,2})"><img alt="as the model saw it" src="(data:image\/png;base64,[A-Za-z0-9+/]*={0,2})">(?:<img alt="model input channel \d+"[^>]*>)*<div class="ref">#\d+ ([^<]*)<\/div>/g;
  for (const m of reportHtml.matchAll(entry)) out.set(m[3]!.replace(/&(amp|lt|gt|quot|#39);/g, (e) => UNESCAPE[e]!), { original: m[1]!, model: m[2]! });
  return out;
}

/** Older runs: the gallery files report.md names: item ref -> `gallery/<n>-original.png` / `-model.png`. */
export function galleryImages(reportMd: string): Map<string, { original: string; model: string }> {
  const out = new Map<string, { original: string; model: string }>();
  const row = /^\| (\d+) \| (.*) \| [\d.]+ \| !\[original\]\((gallery\/\d+-original\.png)\) \| !\[model view\]\((gallery\/\d+-model\.png)\) \|$/;
  for (const line of reportMd.split('\n')) {
    const m = row.exec(line);
    if (m) out.set(m[2]!.replace(/\\\|/g, '|'), { original: m[3]!, model: m[4]! });
  }
  return out;
}

/** Read a run folder's detail. `row` is the runs-table row of the same folder. */
export async function readRunDetail(dir: string, row: RunRow): Promise<RunDetail> {
  const metrics = await readMetricsOrNull(dir);
  const lock = await readLockOrNull(dir);
  const progress = await readProgress(dir);
  const trials = trialPoints(await readTrials(dir));
  const metric = metrics?.objective?.metric ?? row.objective?.metric ?? 'f1';
  const minimize = MINIMIZED.has(metric);
  const scored = trials.filter((t) => t.score !== null);
  const best = scored.length ? scored.reduce((a, b) => ((minimize ? b.score! < a.score! : b.score! > a.score!) ? b : a)).index : null;
  const threshold = metrics?.objective?.threshold ?? null;
  const positive = lock?.data?.positive ?? null;
  let curves: Curves | null = null;
  const gallery: GalleryItem[] = [];
  let predictions = null;
  try {
    predictions = await readPredictions(dir);
  } catch { /* a malformed predictions.csv leaves the curves and gallery out */ }
  if (predictions && positive !== null) {
    const labels = predictions.map((p) => (p.label === positive ? 1 : 0));
    curves = hitCurves(predictions.map((p) => p.probability), labels);
    const html = galleryFromHtml((await readReport(dir, 'html')) ?? '');
    const images = html.size ? html : galleryImages((await readReport(dir, 'md')) ?? '');
    for (const p of predictions) {
      const actual = p.label === positive, predicted = p.prediction === positive;
      if (actual === predicted) continue;
      const img = images.get(p.ref);
      gallery.push({ ref: p.ref, label: p.label, probability: p.probability, kind: actual ? 'fn' : 'fp', original: img?.original ?? null, model: img?.model ?? null });
    }
  }
  return { row, threshold, minimize, metrics, trials, best, curves, gallery, classes: lock?.data?.classes ?? [], positive, progress };
}
