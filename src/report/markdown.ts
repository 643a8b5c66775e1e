/**
 * report.md: the run's report as Markdown. It links only files that are committed with it (the
 * charts, SVG text beside it, see `reportAssets`); the error gallery's pictures are in the
 * self-contained report.html, which stays out of git, so report.md lists the errors by item.
 */
import type { GalleryImage, ReportInput } from './model.js';
import { buildCharts, type Chart } from './charts.js';
import { num, summarize } from './summary.js';
import { ledgerSentence } from './ledger.js';
import {
  confusionTable, countsTable, duplicatesTable, environmentTable, headerFacts, metricsTable, skippedTable,
  stagesSentence, stagesTable, trialsTable, type TextTable,
} from './tables.js';

/** A file the report links to, relative to the run folder. */
export interface ReportFile {
  readonly path: string;
  readonly data: string | Buffer;
}

/** One gallery entry with the relative paths of its two images. */
export interface GalleryEntry {
  readonly kind: 'false negative' | 'false positive';
  readonly image: GalleryImage;
  readonly originalPath: string;
  readonly modelViewPath: string;
}

/**
 * Gallery entries numbered 1.. over the false negatives, then the false positives, each group
 * most confident mistake first (a missed positive with the lowest p(positive), a false alarm with
 * the highest).
 */
export function galleryEntries(input: ReportInput): GalleryEntry[] {
  const all = [
    ...[...input.gallery.falseNegatives].sort((a, b) => a.probability - b.probability).map((image) => ({ kind: 'false negative' as const, image })),
    ...[...input.gallery.falsePositives].sort((a, b) => b.probability - a.probability).map((image) => ({ kind: 'false positive' as const, image })),
  ];
  return all.map((e, i) => ({ ...e, originalPath: `gallery/${i + 1}-original.png`, modelViewPath: `gallery/${i + 1}-model.png` }));
}

/** `(none)`, `(all 3)` or `(12 of 40, a seeded sample)`: how many of the errors a gallery group shows. */
export function shownOf(shown: number, of: number): string {
  if (of === 0) return '(none)';
  return shown >= of ? `(all ${of})` : `(${shown} of ${of}, a seeded sample)`;
}

/** Every file report.md links to: `charts/<name>.svg` (small text, committed with the report). */
export function reportAssets(input: ReportInput): ReportFile[] {
  // NOTE: the Markdown report shows the confusion matrix as a table, so it has no confusion chart.
  return buildCharts(input, true).filter((c) => c.name !== 'confusion').map((c) => ({ path: chartPath(c), data: c.svg }));
}

function chartPath(c: Chart): string {
  return `charts/${c.name}.svg`;
}

/**
 * Escapes inline text for Markdown: HTML-significant characters become entities; emphasis, code,
 * link brackets, table pipes and strike-through are backslash-escaped; newlines become spaces.
 */
export function mdText(text: string): string {
  return text
    .replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!)
    .replace(/([\\`*_[\]|~])/g, '\\$1')
    .replace(/\r?\n/g, ' ');
}

export function mdTable(t: TextTable): string {
  if (t.rows.length === 0) return '_none_\n';
  const line = (cells: readonly string[], bold: boolean): string => `| ${cells.map((c) => (bold && c ? `**${mdText(c)}**` : mdText(c))).join(' | ')} |`;
  return [line(t.header, false), `|${t.header.map(() => ' --- ').join('|')}|`, ...t.rows.map((r, i) => line(r, i === t.highlight))].join('\n') + '\n';
}

export function fence(text: string, lang: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return `${f}${lang}\n${text.replace(/\n$/, '')}\n${f}\n`;
}

/** The whole report.md. */
export function renderMarkdown(input: ReportInput): string {
  const s = summarize(input);
  const charts = new Map(buildCharts(input, true, s).map((c) => [c.name, c]));
  const chart = (name: Chart['name']): string => {
    const c = charts.get(name);
    return c ? `![${c.name} chart](${chartPath(c)})\n\n*${mdText(c.caption)}*\n` : '';
  };
  const { run } = input;
  const out: string[] = [];
  out.push(`# ${mdText(run.name)} (version ${run.version})\n`);
  if (run.description) out.push(`${mdText(run.description)}\n`);
  out.push(headerFacts(input).map(([k, v]) => `- ${k}: ${k === 'run' || k === 'overrides' ? `\`${v.replace(/`/g, '')}\`` : mdText(v)}`).join('\n') + '\n');
  out.push('## Hold-out result\n', mdTable(metricsTable(input, s)));
  for (const sentence of [s.prevalenceSentence, s.wilsonSentence, s.accuracySentence, s.uncertaintySentence, s.objectiveSentence]) if (sentence) out.push(`${mdText(sentence)}\n`);
  if (input.holdout.scoredBy !== undefined) out.push(mdText(ledgerSentence(input.holdout.scoredBy)) + '\n');
  out.push('### Confusion matrix\n', mdTable(confusionTable(input, s)));
  out.push('## Curves\n', chart('pr'), chart('roc'), chart('threshold'));
  out.push(galleryMarkdown(input));
  out.push('## Search\n', mdText(s.searchSentence) + '\n', chart('trials'), mdTable(trialsTable(input)));
  if (s.best) {
    out.push(`### Best trial: #${s.best.index + 1} (${mdText(s.best.family)})\n`);
    out.push(`Validation ${mdText(s.best.metric)} ${num(s.best.score, 4)} at epoch ${s.best.bestEpoch} of ${s.best.epochs}.\n`, chart('learning-loss'), chart('learning-objective'));
  }
  out.push('## Class counts at every stage\n', mdTable(countsTable(input, s)), chart('counts'));
  out.push('## Data issues\n', `${input.dataIssues.skipped.length} unreadable file(s) skipped; ${input.dataIssues.duplicates.length} group(s) of identical files (policy: ${mdText(input.dataIssues.duplicatePolicy)}).\n`);
  if (input.dataIssues.skipped.length > 0) out.push(mdTable(skippedTable(input)));
  if (input.dataIssues.duplicates.length > 0) out.push(mdTable(duplicatesTable(input)));
  out.push('## Pipeline as run\n', fence(run.pipelineYaml, 'yaml'));
  out.push(run.overrides.length > 0 ? `Overrides: ${run.overrides.map((o) => `\`${o.replace(/`/g, '')}\``).join(', ')}\n` : 'No command-line overrides.\n');
  out.push('## Stages\n', mdText(stagesSentence(input)) + '\n', mdTable(stagesTable(input)));
  out.push('## Environment\n', mdTable(environmentTable(input)));
  return out.join('\n');
}

function galleryMarkdown(input: ReportInput): string {
  const entries = galleryEntries(input);
  const fn = entries.filter((e) => e.kind === 'false negative'), fp = entries.filter((e) => e.kind === 'false positive');
  const c = input.holdout.confusion;
  const t = num(input.objective.threshold);
  const pos = mdText(input.classes[input.positive] ?? 'positive');
  // Mixed data: each item's row as the CSV holds it, beside its image's path.
  const withRow = entries.some((e) => e.image.row !== undefined);
  const rowText = (e: GalleryEntry): string => (e.image.row ?? []).map((c) => `${mdText(c.column)}=${c.value === '' ? '_empty_' : mdText(c.value)}`).join(', ');
  const table = (rows: GalleryEntry[]): string => rows.length === 0 ? '_none_\n' : [
    `| # | Item | p(${pos}) |${withRow ? ' Row |' : ''}`, `| --- | --- | --- |${withRow ? ' --- |' : ''}`,
    ...rows.map((e) => `| ${entries.indexOf(e) + 1} | ${mdText(e.image.ref)} | ${num(e.image.probability)} (threshold ${t}) |${withRow ? ` ${rowText(e)} |` : ''}`),
  ].join('\n') + '\n';
  if (input.gallery.unavailable !== undefined) return ['## Error gallery\n', `${mdText(input.gallery.unavailable)}\n`].join('\n');
  return [
    '## Error gallery\n',
    'report.html, beside this file, shows each error as stored and as the model saw it after the feature steps, each input channel of it (it is self-contained and kept out of git). Most confident mistakes first.\n',
    `### False negatives ${shownOf(fn.length, c.fn)}\n`, table(fn),
    `### False positives ${shownOf(fp.length, c.fp)}\n`, table(fp),
  ].join('\n');
}
