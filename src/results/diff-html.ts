/**
 * `assay diff A B --html FILE`: the diff as one self-contained page (no script, no network): the
 * hold-out metrics with their noise, the parameters and stages that changed, and the two runs'
 * precision-recall and ROC curves overlaid on the same axes.
 */
import { prCurve, rocCurve } from '../evaluate/metrics.js';
import { lineChart, escapeXml as esc, type LineSeries } from '../report/svg.js';
import { noiseText } from './diff-render.js';
import type { RunDiff } from './diff-runs.js';
import { PREDICTIONS_FILE, readLock, readPredictions } from '../store/run-folder.js';

const fmt = (x: number | null) => (x === null ? '-' : x.toFixed(4));
const signed = (x: number | null) => (x === null ? '-' : `${x >= 0 ? '+' : ''}${x.toFixed(4)}`);

/** Hold-out probabilities and 0/1 labels of a run folder, or null without predictions.csv. */
async function scored(dir: string): Promise<{ probs: number[]; labels: number[] } | null> {
  const rows = await readPredictions(dir);
  if (!rows || rows.length === 0) return null;
  const positive = (await readLock(dir)).data?.positive;
  return { probs: rows.map((r) => r.probability), labels: rows.map((r) => (r.label === positive ? 1 : 0)) };
}

/** The two runs' curves; absent sides (no predictions.csv) are left out. */
async function curves(d: RunDiff): Promise<{ pr: LineSeries[]; roc: LineSeries[] }> {
  const pr: LineSeries[] = [], roc: LineSeries[] = [];
  for (const [side, name, color] of [[d.a, 'a (old)', '#868e96'], [d.b, 'b (new)', '#1f6fb4']] as const) {
    const s = await scored(side.dir);
    if (!s) continue;
    const p = prCurve(s.probs, s.labels), r = rocCurve(s.probs, s.labels);
    pr.push({ name: `${name} ${side.run}`, points: p.recall.map((x, i) => [x, p.precision[i]!] as const), color, dashed: side === d.a });
    roc.push({ name: `${name} ${side.run}`, points: r.fpr.map((x, i) => [x, r.tpr[i]!] as const), color, dashed: side === d.a });
  }
  return { pr, roc };
}

const CSS = 'body{font:14px/1.45 system-ui,sans-serif;color:#1d2127;max-width:1100px;margin:0 auto;padding:16px 24px}'
  + 'table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #dee2e6;padding:3px 8px;text-align:left}th{background:#f1f3f5}'
  + 'td.n{text-align:right;font-variant-numeric:tabular-nums}.meta{color:#5c5f66}.charts{display:flex;flex-wrap:wrap;gap:16px}code{word-break:break-all}';

/** The whole page. */
export async function renderDiffHtml(d: RunDiff, opts: { readonly full?: boolean } = {}): Promise<string> {
  const hash = (h: string | null) => (h === null ? '-' : opts.full ? h : h.slice(0, 12));
  const { pr, roc } = await curves(d);
  const metrics = d.metrics.map((m) => `<tr><td>${esc(m.metric)}</td><td class="n">${fmt(m.before)}</td><td class="n">${fmt(m.after)}</td><td class="n">${signed(m.change)}</td><td>${esc(noiseText(m))}</td></tr>`).join('');
  const params = d.parameters.length === 0 ? '<p class="meta">No parameter changes.</p>'
    : `<table><tr><th>parameter</th><th>old</th><th>new</th></tr>${d.parameters.map((p) => `<tr><td><code>${esc(p.key)}</code></td><td><code>${esc(p.before ?? '(absent)')}</code></td><td><code>${esc(p.after ?? '(absent)')}</code></td></tr>`).join('')}</table>`;
  const changed = d.stages.filter((s) => s.status !== 'same');
  const stages = changed.length === 0 ? `<p class="meta">All ${d.stages.length} stage keys are equal.</p>`
    : `<table><tr><th>stage</th><th>status</th><th>key</th><th>why</th></tr>${changed.map((s) => `<tr><td>${esc(s.stage)}</td><td>${esc(s.status)}</td><td><code>${esc(hash(s.before))} → ${esc(hash(s.after))}</code></td><td>${s.reasons.map((r) => esc(opts.full ? r : r.replace(/\b([0-9a-f]{12})[0-9a-f]{52}\b/g, '$1'))).join('<br>')}</td></tr>`).join('')}</table>`;
  const charts = pr.length === 0 ? `<p class="meta">Neither run has ${PREDICTIONS_FILE}: no curves.</p>` : '<div class="charts">'
    + lineChart(pr, { title: 'Precision-recall (hold-out)', xLabel: 'recall', yLabel: 'precision', xDomain: [0, 1], yDomain: [0, 1] })
    + lineChart([...roc, { name: 'random', points: [[0, 0], [1, 1]], dashed: true, color: '#ced4da' }], { title: 'ROC (hold-out)', xLabel: 'false-positive rate', yLabel: 'true-positive rate', xDomain: [0, 1], yDomain: [0, 1] })
    + '</div>';
  return '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
    + `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`
    + `<title>${esc(`assay diff: ${d.a.label} → ${d.b.label}`)}</title><style>${CSS}</style></head><body>`
    + `<h1>assay diff</h1><p>a: <code>${esc(d.a.label)}</code> (${esc(d.a.dir)})<br>b: <code>${esc(d.b.label)}</code> (${esc(d.b.dir)})</p>`
    + `<h2>Hold-out metrics</h2><p class="meta">${esc(d.pairing.reason)}${d.pairing.resamples ? `; ${d.pairing.resamples} paired bootstrap resamples` : ''}</p>`
    + `<table><tr><th>metric</th><th>old</th><th>new</th><th>change</th><th></th></tr>${metrics}</table>`
    + `<h2>Curves</h2>${charts}<h2>Parameters (${d.parameters.length} changed)</h2>${params}<h2>Stages</h2>${stages}</body></html>\n`;
}
