/**
 * report.html: one self-contained page (inline CSS, inline SVG charts, data-URI images, no script,
 * no network; a Content-Security-Policy forbids any fetch) readable from disk in any browser.
 */
import type { GalleryImage, ReportInput } from './model.js';
import { buildCharts, type Chart } from './charts.js';
import { galleryEntries, shownOf, type GalleryEntry } from './markdown.js';
import { escapeXml as esc } from './svg.js';
import { num, summarize } from './summary.js';
import { ledgerSentence } from './ledger.js';
import {
  countsTable, duplicatesTable, environmentTable, headerFacts, metricsTable, skippedTable,
  stagesSentence, stagesTable, trialsTable, type TextTable,
} from './tables.js';

export const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2127;max-width:1100px;margin:0 auto;padding:16px 24px 64px}
h1{margin:.2em 0}h2{margin-top:2em;border-bottom:1px solid #dee2e6;padding-bottom:4px}
nav a{margin-right:12px;color:#1f6fb4;text-decoration:none}
.meta{color:#5c5f66}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}
.card{border:1px solid #dee2e6;border-radius:8px;padding:10px 14px;min-width:140px}
.card .v{font-size:26px;font-weight:700}.card .l{color:#5c5f66}.card .i{color:#5c5f66;font-size:12px}
.card.minor .v{font-size:18px;color:#5c5f66}.card .s{color:#862e9c;font-size:12px}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;color:#5c5f66;margin:6px 0}dl.facts dt{font-weight:600}dl.facts dd{margin:0}
.note{background:#fff9db;border-left:4px solid #f59f00;padding:6px 10px;margin:8px 0}
table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #dee2e6;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f1f3f5}tr.hl td{background:#e7f5ff;font-weight:600}
.charts{display:flex;flex-wrap:wrap;gap:16px}figure{margin:0}figcaption{color:#5c5f66;font-size:12px;max-width:480px}
.gallery{display:flex;flex-wrap:wrap;gap:12px}.g{border:1px solid #dee2e6;border-radius:6px;padding:6px;font-size:12px}
.g img{image-rendering:pixelated;display:inline-block;margin-right:4px;border:1px solid #ced4da}.g .ref{max-width:240px;word-break:break-all}
.g table.cells{margin:4px 0 0;font-size:11px}.g table.cells td{max-width:180px;word-break:break-all}
pre{background:#f8f9fa;border:1px solid #dee2e6;padding:10px;overflow:auto}
`;

export function table(t: TextTable): string {
  if (t.rows.length === 0) return '<p class="meta">none</p>';
  const head = `<tr>${t.header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`;
  const rows = t.rows.map((r, i) => `<tr${i === t.highlight ? ' class="hl"' : ''}>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`);
  return `<table>${head}${rows.join('')}</table>`;
}

function figure(c: Chart | undefined): string {
  return c ? `<figure>${c.svg}<figcaption>${esc(c.caption)}</figcaption></figure>` : '';
}

/** A data URI for base64 PNG data; anything that is not plain base64 is dropped (never injected). */
export function pngUri(b64: string): string {
  return /^[A-Za-z0-9+/]*={0,2}$/.test(b64) ? `data:image/png;base64,${b64}` : '';
}

function galleryHtml(entries: readonly GalleryEntry[], all: readonly GalleryEntry[], positive: string, threshold: number): string {
  if (entries.length === 0) return '<p class="meta">none</p>';
  return `<div class="gallery">${entries.map((e) => `<div class="g">`
    + `<img alt="original" src="${pngUri(e.image.originalPng)}"><img alt="as the model saw it" src="${pngUri(e.image.modelViewPng)}">`
    + (e.image.extraChannelPngs ?? []).map((png, k) => `<img alt="model input channel ${k + 2}" title="channel ${k + 2}" src="${pngUri(png)}">`).join('')
    + `<div class="ref">#${all.indexOf(e) + 1} ${esc(e.image.ref)}</div><div>p(${esc(positive)}) = ${num(e.image.probability)} <span class="meta">(threshold ${num(threshold)})</span></div>${rowCellsHtml(e.image)}</div>`).join('')}</div>`;
}

/** Under a mixed item's images: its row's CSV cells, escaped (an empty cell says so); '' for other data. */
export function rowCellsHtml(image: GalleryImage): string {
  if (!image.row || image.row.length === 0) return '';
  return `<table class="cells">${image.row.map((c) => `<tr><th>${esc(c.column)}</th><td>${c.value === '' ? '<i>empty</i>' : esc(c.value)}</td></tr>`).join('')}</table>`;
}

/** The whole report.html. */
export function renderHtml(input: ReportInput): string {
  const s = summarize(input);
  const charts = new Map(buildCharts(input, false, s).map((c) => [c.name, c]));
  const { run } = input;
  const cards = s.headline.map((r) => `<div class="card${r.metric === 'accuracy' ? ' minor' : ''}"><div class="l">${esc(r.label)}</div>`
    + `<div class="v">${num(r.value)}</div><div class="i">${r.interval ? `${s.levelPercent}% CI ${num(r.interval.low)} - ${num(r.interval.high)}${r.wilson ? ' (Wilson)' : ''}` : 'no interval'}</div>`
    + (r.atSampled !== null && s.sampled ? `<div class="s">at ${esc(s.sampled.ratio)} (sampled): ${num(r.atSampled)}</div>` : '') + '</div>').join('');
  const entries = galleryEntries(input);
  const fn = entries.filter((e) => e.kind === 'false negative'), fp = entries.filter((e) => e.kind === 'false positive');
  const c = input.holdout.confusion;
  const positive = input.classes[input.positive] ?? 'positive';
  const t = input.objective.threshold;
  const sentences = [s.prevalenceSentence, s.wilsonSentence].filter(Boolean).map((x) => `<p>${esc(x)}</p>`).join('');
  // NOTE: each number once: the cards carry the headline metrics, the table the rest; the
  // confusion matrix is the heatmap (it shows the counts).
  const rest = metricsTable(input, s);
  const restRows = { header: rest.header, rows: rest.rows.slice(s.headline.length) };
  const sections: [string, string, string][] = [
    ['result', 'Hold-out result', `<div class="cards">${cards}</div>${sentences}<p class="note">${esc(s.accuracySentence)}</p><p>${esc(s.uncertaintySentence)}</p>`
      + (input.holdout.scoredBy !== undefined ? `<p>${esc(ledgerSentence(input.holdout.scoredBy))}</p>` : '')
      + `<p>${esc(s.objectiveSentence)}</p><div class="charts">${figure(charts.get('confusion'))}<div><h3>Other hold-out metrics</h3>${table(restRows)}</div></div>`],
    ['curves', 'Curves', `<div class="charts">${figure(charts.get('pr'))}${figure(charts.get('roc'))}${figure(charts.get('threshold'))}</div>`],
    ['gallery', 'Error gallery', input.gallery.unavailable !== undefined ? `<p>${esc(input.gallery.unavailable)}</p>`
      : '<p>Each error as stored (left) and as the model saw it after the feature steps (right; an input with more channels shows each): a crop that cut the object away shows at a glance. Most confident mistakes first.</p>'
      + `<h3>False negatives ${shownOf(fn.length, c.fn)}</h3>${galleryHtml(fn, entries, positive, t)}<h3>False positives ${shownOf(fp.length, c.fp)}</h3>${galleryHtml(fp, entries, positive, t)}`],
    ['search', 'Search', `<p>${esc(s.searchSentence)}</p><div class="charts">${figure(charts.get('trials'))}</div>${table(trialsTable(input))}`
      + (s.best ? `<h3>Best trial: #${s.best.index + 1} (${esc(s.best.family)})</h3><p>Validation ${esc(s.best.metric)} ${num(s.best.score, 4)} at epoch ${s.best.bestEpoch} of ${s.best.epochs}.</p>`
        + `<div class="charts">${figure(charts.get('learning-loss'))}${figure(charts.get('learning-objective'))}</div>` : '')],
    ['counts', 'Class counts at every stage', `${table(countsTable(input, s))}${figure(charts.get('counts'))}`],
    ['data', 'Data issues', `<p>${input.dataIssues.skipped.length} unreadable file(s) skipped; ${input.dataIssues.duplicates.length} group(s) of identical files (policy: ${esc(input.dataIssues.duplicatePolicy)}).</p>`
      + (input.dataIssues.skipped.length > 0 ? table(skippedTable(input)) : '') + (input.dataIssues.duplicates.length > 0 ? table(duplicatesTable(input)) : '')],
    ['pipeline', 'Pipeline as run', `<pre>${esc(run.pipelineYaml)}</pre><p>${run.overrides.length > 0 ? `Overrides: ${run.overrides.map((o) => `<code>${esc(o)}</code>`).join(', ')}` : 'No command-line overrides.'}</p>`],
    ['stages', 'Stages', `<p>${esc(stagesSentence(input))}</p>${table(stagesTable(input))}`],
    ['environment', 'Environment', table(environmentTable(input))],
  ];
  return '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
    + `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">`
    + `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(`${run.name} v${run.version} - ${run.id}`)}</title><style>${CSS}</style></head><body>`
    + `<h1>${esc(run.name)} <span class="meta">version ${run.version}</span></h1>`
    + `${run.description ? `<p>${esc(run.description)}</p>` : ''}<dl class="facts">${headerFacts(input).map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`
    + `<nav>${sections.map(([id, title]) => `<a href="#${id}">${esc(title)}</a>`).join('')}</nav>`
    + sections.map(([id, title, body]) => `<section id="${id}"><h2>${esc(title)}</h2>${body}</section>`).join('')
    + '</body></html>\n';
}
