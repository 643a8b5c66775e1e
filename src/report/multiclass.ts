/**
 * The report of a multi-class (arg-max) run, as report.md and report.html: hold-out metrics with
 * bootstrap intervals, the k x k confusion matrix as a heat map, per-class precision, recall and
 * F1, macro and micro averages, the search, the class counts, and a gallery of the most confident
 * mistakes of every (true, predicted) pair.
 */
import type { Interval } from '../evaluate/bootstrap.js';
import type { MulticlassHoldout } from '../evaluate/multiclass-holdout.js';
import type { TrialResult } from '../learn/protocol.js';
import { utcMinute } from './format.js';
import { CSS, pngUri, rowCellsHtml, table } from './html.js';
import { fence, mdTable, mdText, type ReportFile } from './markdown.js';
import type { GalleryImage, ReportInput, StageCounts } from './model.js';
import { confusionHeatmap, escapeXml as esc } from './svg.js';
import { count, duration, num, paramsText } from './summary.js';
import { environmentTable, stagesSentence, stagesTable, trialMark, type TextTable } from './tables.js';

/** One gallery cell: a mistake and the probability the model gave its (wrong) prediction. */
export interface MistakeImage extends GalleryImage {
  readonly actual: string;
  readonly predicted: string;
}

export interface MulticlassReportInput {
  readonly run: ReportInput['run'];
  readonly classes: readonly string[];
  readonly metric: string;
  readonly rule: string;
  readonly holdout: MulticlassHoldout;
  readonly resamples: number;
  readonly trials: readonly TrialResult[];
  readonly bestTrial: number;
  readonly ensemble?: ReportInput['ensemble'];
  readonly counts: readonly StageCounts[];
  readonly stages: ReportInput['stages'];
  readonly environment: ReportInput['environment'];
  /** Most confident mistakes per (true, predicted) pair; `unavailable` for tables. */
  readonly gallery: { readonly mistakes: readonly MistakeImage[]; readonly unavailable?: string };
}

/** Mistakes shown per (true, predicted) pair. */
export const MISTAKES_PER_PAIR = 3;

/**
 * Hold-out positions of the most confident mistakes: for every (true, predicted) pair with errors,
 * up to `perPair` items by decreasing probability of the predicted class (ties: hold-out order).
 */
export function confidentMistakes(h: MulticlassHoldout, perPair = MISTAKES_PER_PAIR): number[] {
  const byPair = new Map<string, number[]>();
  h.predictions.labels.forEach((y, i) => {
    const p = h.predictions.predicted[i]!;
    if (p === y) return;
    const key = `${y}/${p}`;
    byPair.set(key, [...(byPair.get(key) ?? []), i]);
  });
  const conf = (i: number): number => h.predictions.probabilities[i]![h.predictions.predicted[i]!]!;
  return [...byPair.entries()]
    .sort(([a], [b]) => { const [ya, pa] = a.split('/').map(Number); const [yb, pb] = b.split('/').map(Number); return ya! - yb! || pa! - pb!; })
    .flatMap(([, items]) => [...items].sort((a, b) => conf(b) - conf(a) || a - b).slice(0, perPair));
}

function ci(i: Interval | undefined): string {
  return i === undefined ? '' : `${num(i.low)} - ${num(i.high)}`;
}

export function metricsTable(input: MulticlassReportInput): TextTable {
  const h = input.holdout;
  return {
    header: ['Metric', 'Hold-out', '95% interval'],
    rows: Object.entries(h.metrics).map(([m, v]) => [m, num(v), ci(h.intervals[m])]),
    highlight: Object.keys(h.metrics).indexOf(input.metric),
  };
}

export function perClassTable(input: MulticlassReportInput): TextTable {
  const h = input.holdout;
  return {
    header: ['Class', 'Support', 'Precision', '95% interval', 'Recall', '95% interval', 'F1', '95% interval'],
    rows: [
      ...h.perClass.map((c) => [c.class, count(c.support), num(c.precision), ci(h.intervals[`precision[${c.class}]`]), num(c.recall), ci(h.intervals[`recall[${c.class}]`]), num(c.f1), ci(h.intervals[`f1[${c.class}]`])]),
      ['macro average', count(h.predictions.indices.length), num(h.macro.precision), '', num(h.macro.recall), '', num(h.macro.f1), ci(h.intervals['macro-f1'])],
      ['micro average', count(h.predictions.indices.length), num(h.micro.precision), '', num(h.micro.recall), '', num(h.micro.f1), ''],
    ],
  };
}

export function matrixTable(input: MulticlassReportInput): TextTable {
  return {
    header: ['actual \\ predicted', ...input.classes],
    rows: input.holdout.matrix.map((row, i) => [input.classes[i]!, ...row.map((v) => count(v))]),
  };
}

function trialsTable(input: MulticlassReportInput): TextTable {
  const trials = [...input.trials].sort((a, b) => a.index - b.index);
  return {
    header: ['Trial', 'Family', 'Parameters', `Validation ${input.metric}`, 'Epochs (best)', 'Time', 'Pruned', 'Note'],
    rows: trials.map((t) => [`#${t.index + 1}${trialMark(input, t.index)}`, t.family, paramsText(t.params), num(t.score, 4), `${t.epochs} (${t.bestEpoch})`, duration(t.seconds), t.pruned ? 'yes' : 'no', t.error ?? '']),
    highlight: trials.findIndex((t) => t.index === input.bestTrial),
  };
}

function countsTable(input: MulticlassReportInput): TextTable {
  return {
    header: ['Stage', ...input.classes, 'Total'],
    rows: input.counts.map((r) => [r.stage, ...input.classes.map((c) => count(r.counts[c] ?? 0)), count(input.classes.reduce((a, c) => a + (r.counts[c] ?? 0), 0))]),
  };
}

function heatmap(input: MulticlassReportInput): string {
  return confusionHeatmap(input.holdout.matrix, input.classes, input.classes, { title: 'Hold-out confusion matrix (shaded by share of the actual class)' });
}

function sentence(input: MulticlassReportInput): string {
  const h = input.holdout;
  return `Decided by arg-max over ${input.classes.length} classes on ${h.predictions.indices.length} hold-out items; the search ${input.rule}. `
    + `Intervals: ${input.resamples} stratified bootstrap resamples of the hold-out.`;
}

/** Gallery files report.md links to, and the charts. */
export function multiclassAssets(input: MulticlassReportInput): ReportFile[] {
  return [
    { path: 'charts/confusion.svg', data: heatmap(input) },
    ...input.gallery.mistakes.flatMap((m, i) => [
      { path: `gallery/${i + 1}-original.png`, data: Buffer.from(m.originalPng, 'base64') },
      { path: `gallery/${i + 1}-model.png`, data: Buffer.from(m.modelViewPng, 'base64') },
    ]),
  ];
}

export function renderMulticlassMarkdown(input: MulticlassReportInput): string {
  const { run } = input;
  const g = input.gallery;
  const out = [
    `# ${mdText(run.name)} (version ${run.version})\n`,
    `Run \`${run.id.replace(/`/g, '')}\`, started ${mdText(utcMinute(run.createdAt))}.${run.description ? ` ${mdText(run.description)}` : ''}\n`,
    '## Hold-out result\n', mdText(sentence(input)) + '\n', mdTable(metricsTable(input)),
    '### Confusion matrix\n', mdTable(matrixTable(input)), '![confusion chart](charts/confusion.svg)\n',
    '### Per class\n', mdTable(perClassTable(input)),
    '## Search\n', mdTable(trialsTable(input)),
    '## Class counts at every stage\n', mdTable(countsTable(input)),
    '## Most confident mistakes\n',
    g.unavailable !== undefined ? `${mdText(g.unavailable)}\n` : g.mistakes.length === 0 ? '_none_\n' : [
      `Up to ${MISTAKES_PER_PAIR} per (actual, predicted) pair, most confident first; as stored and as the model saw it.\n`,
      '| # | Item | Actual | Predicted | Probability | Original | As the model saw it |', '| --- | --- | --- | --- | --- | --- | --- |',
      ...g.mistakes.map((m, i) => `| ${i + 1} | ${mdText(m.ref)} | ${mdText(m.actual)} | ${mdText(m.predicted)} | ${num(m.probability)} | ![original](gallery/${i + 1}-original.png) | ![model view](gallery/${i + 1}-model.png) |`),
    ].join('\n') + '\n',
    '## Pipeline as run\n', fence(run.pipelineYaml, 'yaml'),
    '## Stages\n', mdText(stagesSentence(input)) + '\n', mdTable(stagesTable(input)),
    '## Environment\n', mdTable(environmentTable(input)),
  ];
  return out.join('\n');
}

export function renderMulticlassHtml(input: MulticlassReportInput): string {
  const { run } = input;
  const g = input.gallery;
  const gallery = g.unavailable !== undefined ? `<p>${esc(g.unavailable)}</p>` : g.mistakes.length === 0 ? '<p class="meta">none</p>'
    : `<p>Up to ${MISTAKES_PER_PAIR} per (actual, predicted) pair, most confident first; as stored (left) and as the model saw it (right).</p><div class="gallery">`
      + g.mistakes.map((m, i) => `<div class="g"><img alt="original" src="${pngUri(m.originalPng)}"><img alt="as the model saw it" src="${pngUri(m.modelViewPng)}">`
        + `<div class="ref">#${i + 1} ${esc(m.ref)}</div><div>actual ${esc(m.actual)}, predicted ${esc(m.predicted)} (p = ${num(m.probability)})</div>${rowCellsHtml(m)}</div>`).join('') + '</div>';
  const sections: [string, string, string][] = [
    ['result', 'Hold-out result', `<p>${esc(sentence(input))}</p>${table(metricsTable(input))}<div class="charts"><figure>${heatmap(input)}</figure><div>${table(matrixTable(input))}</div></div>`
      + `<h3>Per class</h3>${table(perClassTable(input))}`],
    ['search', 'Search', table(trialsTable(input))],
    ['counts', 'Class counts at every stage', table(countsTable(input))],
    ['gallery', 'Most confident mistakes', gallery],
    ['pipeline', 'Pipeline as run', `<pre>${esc(run.pipelineYaml)}</pre>`],
    ['stages', 'Stages', `<p>${esc(stagesSentence(input))}</p>${table(stagesTable(input))}`],
    ['environment', 'Environment', table(environmentTable(input))],
  ];
  return '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
    + `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">`
    + `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(`${run.name} v${run.version} - ${run.id}`)}</title><style>${CSS}</style></head><body>`
    + `<h1>${esc(run.name)} <span class="meta">version ${run.version}</span></h1>`
    + `<p class="meta">Run ${esc(run.id)}, started ${esc(utcMinute(run.createdAt))}.</p>${run.description ? `<p>${esc(run.description)}</p>` : ''}`
    + `<nav>${sections.map(([id, title]) => `<a href="#${id}">${esc(title)}</a>`).join('')}</nav>`
    + sections.map(([id, title, body]) => `<section id="${id}"><h2>${esc(title)}</h2>${body}</section>`).join('')
    + '</body></html>\n';
}
