/**
 * Fills the report's input from a finished run and writes report.md, report.html and the
 * gallery images. The gallery shows every hold-out false negative and a sample of false
 * positives, each as the original image and as the model saw it after the feature steps (mixed
 * data: with its row's cells as the CSV holds them); tabular data has no images, so its gallery is
 * empty (the errors are in predictions.csv by row).
 */
import path from 'node:path';
import type { ImageBlock, Inventory } from '../core/data.js';
import { Rng } from '../core/rng.js';
import { allMetrics } from '../evaluate/metrics.js';
import { meanProbabilities } from '../learn/fold-aggregate.js';
import { describeEnsemble } from '../learn/search/ensemble.js';
import { describePrevalence } from '../evaluate/prevalence.js';
import { findDuplicates } from '../data/partition/index.js';
import { renderSynthetic, syntheticParams } from '../data/synth.js';
import { renderHtml } from '../report/html.js';
import { renderMarkdown, reportAssets } from '../report/markdown.js';
import { multiclassAssets, renderMulticlassHtml, renderMulticlassMarkdown } from '../report/multiclass.js';
import { isMulticlassEvaluation } from '../stages/evaluate.js';
import { buildMulticlassReportInput } from './multiclass-report-input.js';
import type { GalleryCell, GalleryImage, ReportInput, StageCounts } from '../report/model.js';
import { readFileBounded } from '../data/read-file-bounded.js';
import { readCells } from '../data/sources/index.js';
import { extraChannelPngs, modelViewPng, originalPng, rgbPng } from '../report/thumbnail.js';
import { withWilsonAtBounds } from '../evaluate/wilson.js';
import { gitState } from '../store/environment.js';
import { environment } from '../store/environment.js';
import { writeReportFiles } from '../store/run-folder.js';
import { holdoutFingerprint, listRuns } from '../store/run-status.js';
import { readTensor } from '../store/tensor-file.js';
import { transformImageRows } from '../stages/features.js';
import type { Progress } from '../stages/progress.js';
import type { RunRecord } from './write-run.js';

function counts(inventory: Inventory, indices: readonly number[]): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(inventory.classes.map((c) => [c, 0]));
  for (const i of indices) out[inventory.classes[inventory.items[i]!.label]!]!++;
  return out;
}

function fromList(classes: readonly string[], values: readonly number[]): Record<string, number> {
  return Object.fromEntries(classes.map((c, k) => [c, values[k] ?? 0]));
}

async function original(run: RunRecord, index: number): Promise<string> {
  const item = run.inventory.items[index]!;
  const data = run.spec.data;
  if (data.source === 'synthetic-cracks') {
    const params = syntheticParams(item.ref, { size: data.size, seed: run.spec.seed, hardNegatives: data.hardNegatives });
    if (!params) throw new Error(`not a synthetic item: ${item.ref}`);
    return rgbPng(renderSynthetic(params), data.size, data.size, 3);
  }
  // NOTE: read like every data file (regular, bounded): the file may have changed since it was decoded.
  return originalPng(await readFileBounded(path.join(run.root, item.ref)));
}

/** An inventory item's row cells for the gallery (mixed data); undefined for other data. */
type RowCells = (index: number) => Promise<readonly GalleryCell[] | undefined>;

/**
 * For mixed data, a lookup of each item's feature cells as the CSV holds them (read once, on first
 * use: the raw text, not the coded vector); for other data, nothing.
 */
function rowCellsOf(run: RunRecord): RowCells {
  const data = run.spec.data;
  if (data.source !== 'csv' || data.image === undefined || data.columns.length === 0) return async () => undefined;
  let cells: Promise<(string[] | undefined)[]> | null = null;
  return async (index) => {
    // The run's root is the CSV's folder.
    cells ??= readCells({ ...data, path: path.basename(data.path) }, run.inventory.items.map((it) => it.ref), data.columns, { cwd: run.root });
    const row = (await cells)[index];
    return row === undefined ? undefined : data.columns.map((column, j) => ({ column, value: row[j]! }));
  };
}

// NOTE: a k-fold run's model is k models, each behind its own fitted transform; the gallery shows
// the view through fold 0's, which is what `model/preprocess.json`'s `fitted` records.
async function galleryImage(run: RunRecord, block: ImageBlock<Uint8Array>, index: number, probability: number, rows: RowCells): Promise<GalleryImage> {
  const view = transformImageRows(block, [index], run.features.folds[0]!.fitted);
  const extra = await extraChannelPngs(view, 0);
  const row = await rows(index);
  return {
    ref: run.inventory.items[index]!.ref, probability, originalPng: await original(run, index), modelViewPng: await modelViewPng(view, 0),
    ...(extra.length > 0 ? { extraChannelPngs: extra } : {}), ...(row ? { row } : {}),
  };
}

/**
 * The hold-out ledger as of this run: finished runs of the same experiment (pipeline name) under
 * the same runs folder that scored the same hold-out items, plus this one.
 */
export async function scoredBy(runsDir: string, name: string, holdoutIds: readonly string[], self: string): Promise<number> {
  const fp = holdoutFingerprint(holdoutIds);
  const others = (await listRuns(runsDir)).filter((r) => r.name === name && r.id !== self && r.status === 'finished' && r.holdoutFingerprint === fp);
  return others.length + 1;
}

export async function buildReportInput(run: RunRecord): Promise<ReportInput> {
  const { spec, inventory, search } = run;
  const evaluation = run.evaluation;
  if (isMulticlassEvaluation(evaluation)) throw new Error('a multi-class run has its own report (buildMulticlassReportInput)');
  const preds = evaluation.predictions;
  const fnIdx: number[] = [];
  const fpIdx: number[] = [];
  preds.indices.forEach((idx, i) => {
    const predicted = preds.probabilities[i]! >= evaluation.threshold;
    if (preds.labels01[i] === 1 && !predicted) fnIdx.push(i);
    if (preds.labels01[i] === 0 && predicted) fpIdx.push(i);
  });
  // Every false negative; a seeded sample of the false positives; each most confident first.
  fnIdx.sort((a, b) => preds.probabilities[a]! - preds.probabilities[b]!);
  const fpSample = new Rng(spec.seed).child('gallery').sample(fpIdx.length, spec.report.falsePositives).map((k) => fpIdx[k]!)
    .sort((a, b) => preds.probabilities[b]! - preds.probabilities[a]!);
  const decoded = run.decode.decoded;
  // NOTE: a table has no pictures to show: its gallery is empty rather than invented.
  const rows = rowCellsOf(run);
  const shown = (indices: readonly number[]): Promise<GalleryImage[]> => decoded.kind !== 'table'
    ? Promise.all(indices.map((i) => galleryImage(run, decoded.block, preds.indices[i]!, preds.probabilities[i]!, rows)))
    : Promise.resolve([]);
  const falseNegatives = await shown(fnIdx);
  const falsePositives = await shown(fpSample);

  // The best trial's validation predictions are pooled out of fold (fold 0's rows, then fold 1's,
  // ...); the labels are read in the same order.
  const valLabels01: number[] = [];
  for (const fold of run.features.folds) {
    const valY = (await readTensor(fold.valY)).data as Uint8Array;
    for (const c of valY) valLabels01.push(c === inventory.positive ? 1 : 0);
  }
  // An ensemble's validation predictions: the mean of its members' (the threshold was chosen on them).
  const valProbs = search.ensemble ? meanProbabilities(search.ensemble.members.map((i) => search.trials.find((t) => t.index === i)!.valProbabilities)) : search.best.valProbabilities;
  const validation = valProbs.length === valLabels01.length ? { metrics: allMetrics(valProbs, valLabels01, evaluation.threshold, spec.objective.beta) } : null;

  const countRows = stageCounts(run);
  const duplicates = findDuplicates(inventory.items, { 'hold-out': run.holdout.holdout, pool: run.holdout.pool }).map((d) => d.refs);
  const mix = describePrevalence(spec.objective.prevalence, search.prevalence);

  const at = mix === null ? '' : ` at ${mix}`;
  const rule = spec.objective.threshold.kind === 'fixed'
    ? `fixed at ${spec.objective.threshold.value}`
    : spec.objective.threshold.kind === 'tune'
      ? `tuned on validation to ${MINIMIZE.has(spec.objective.metric) ? 'minimise' : 'maximise'} ${spec.objective.metric}${at}`
      : `tuned on validation to optimise ${spec.objective.threshold.optimize}${at} subject to ${spec.objective.threshold.subjectTo.map((c) => `${c.metric} ${c.op} ${c.value}`).join(', ')}`;
  return {
    run: {
      id: run.id, name: spec.name, version: spec.version, description: spec.description, createdAt: run.createdAt, pipelineYaml: run.text, overrides: run.overrides,
      git: await gitState(run.file), backend: run.backend.name, seconds: run.stages.reduce((a, st) => a + st.seconds, 0),
    },
    classes: inventory.classes,
    positive: inventory.positive,
    objective: { metric: spec.objective.metric, beta: spec.objective.beta, threshold: evaluation.threshold, rule },
    holdout: {
      metrics: evaluation.metrics,
      intervals: withWilsonAtBounds(evaluation.intervals, evaluation.confusion),
      level: 0.95,
      resamples: spec.report.bootstrap,
      confusion: evaluation.confusion,
      n: preds.indices.length,
      positives: preds.labels01.reduce((a, b) => a + b, 0),
      probabilities: preds.probabilities,
      labels: preds.labels01,
      scoredBy: await scoredBy(run.runsDir, spec.name, run.holdout.holdout.map((i) => inventory.items[i]!.id), run.id),
    },
    validation,
    search: {
      strategy: spec.search.strategy,
      trialsRun: search.used.trials,
      trialsPlanned: search.planned.trials,
      secondsUsed: search.used.seconds,
      secondsBudget: search.planned.seconds,
      stoppedBy: search.stoppedBy === 'time' ? 'time budget' : search.stoppedBy === 'exhausted' ? 'grid exhausted' : 'trial budget',
      pruned: search.trials.filter((t) => t.pruned).length,
    },
    trials: search.trials,
    bestTrial: search.best.index,
    ...(search.ensemble ? { ensemble: { members: search.ensemble.members, headline: describeEnsemble(search.ensemble) } } : {}),
    counts: countRows,
    dataIssues: { skipped: [...inventory.skipped, ...run.decode.bad], duplicates, duplicatePolicy: spec.data.duplicates },
    gallery: decoded.kind !== 'table'
      ? { falseNegatives, falsePositives }
      : { falseNegatives, falsePositives, unavailable: `Tabular data has no images to show: the ${fnIdx.length} false negative(s) and ${fpIdx.length} false positive(s) are the rows of predictions.csv whose prediction differs from their label.` },
    stages: run.stages.map((s) => ({ name: s.name, key: s.key.slice(0, 10), cached: s.cached, seconds: s.seconds })),
    environment: environmentOf(run),
  };
}

/** The environment table's rows. */
export function environmentOf(run: RunRecord): Record<string, string> {
  const env = environment();
  return {
    assay: env.assay, node: env.node, os: `${env.platform} ${env.arch}`, cpu: `${env.cpus} x ${env.cpuModel}`,
    backend: `${run.backend.name} (${run.backend.reason})`, tfjs: env.packages['@tensorflow/tfjs'] ?? 'unknown',
  };
}

const MINIMIZE = new Set(['fnr', 'fpr', 'log-loss']);

/** Class counts at every stage, from the source to the resampled training part. */
export function stageCounts(run: RunRecord): StageCounts[] {
  const { inventory } = run;
  const fold = run.split.folds[0]!;
  return [
    { stage: 'source', counts: counts(inventory, inventory.items.map((_, i) => i)) },
    { stage: 'hold-out', counts: counts(inventory, run.holdout.holdout) },
    { stage: 'sample', counts: counts(inventory, run.sample.indices) },
    { stage: 'train', counts: counts(inventory, fold.train) },
    // k folds: the validation sides together, every sampled item once (what the metrics pool).
    { stage: 'validation', counts: counts(inventory, run.split.folds.flatMap((f) => f.validation)) },
    { stage: 'train after resampling', counts: fromList(inventory.classes, run.resample.folds[0]!.after) },
  ];
}

export async function writeReports(run: RunRecord, _metrics: unknown, progress: Progress): Promise<void> {
  progress.line('writing report', 'detail');
  if (isMulticlassEvaluation(run.evaluation)) {
    const decoded = run.decode.decoded;
    const rows = rowCellsOf(run);
    const mc = await buildMulticlassReportInput(run, run.evaluation, {
      counts: stageCounts(run), environment: environmentOf(run),
      image: decoded.kind !== 'table' ? (index, probability) => galleryImage(run, decoded.block, index, probability, rows) : null,
    });
    await writeReportFiles(run.dir, { assets: multiclassAssets(mc), html: renderMulticlassHtml(mc), md: renderMulticlassMarkdown(mc) });
    return;
  }
  const input = await buildReportInput(run);
  await writeReportFiles(run.dir, { assets: reportAssets(input), html: renderHtml(input), md: renderMarkdown(input) });
}
