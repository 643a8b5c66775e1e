/**
 * Compare 2 or more runs: the first is the baseline. Parameter differences (feature steps as a
 * sequence: an inserted step is one insertion), the hold-out metric table with assay diff's
 * paired-bootstrap noise marking, and overlaid PR, ROC, F1-vs-threshold and learning curves.
 */
import { loadCompare, loadRun } from '../api.js';
import { chart } from '../charts.js';
import { COLORS, el, esc, href, num } from '../dom.js';
import type { PairComparison, RunDetail } from '../types.js';

type MetricRow = PairComparison['metrics'][number];

function noiseText(m: MetricRow): string {
  if (m.change === null) return '';
  if (!m.noise) return m.change === 0 ? 'no change' : m.better ? 'better' : 'worse';
  if (m.noise.kind === 'paired') {
    const verdict = m.noise.within ? 'within noise' : m.better ? 'better' : 'worse';
    return `${verdict} (95% CI ${sign(m.noise.low)}..${sign(m.noise.high)})`;
  }
  return m.noise.overlap ? 'intervals overlap' : m.better ? 'better (intervals apart)' : 'worse (intervals apart)';
}

const sign = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(4)}`;

function noiseClass(m: MetricRow): string {
  if (m.change === null || m.change === 0) return '';
  const within = m.noise?.kind === 'paired' ? m.noise.within : m.noise?.kind === 'intervals' ? m.noise.overlap : false;
  return within ? 'noise' : m.better ? 'better' : 'worse';
}

function paramsHtml(c: PairComparison, base: string): string {
  const steps = c.steps.filter((s) => s.kind !== 'same');
  const rows = [
    ...steps.map((s) => `<tr><td>features</td><td>${s.kind === 'removed' ? esc(s.step) : '<span class="muted">(absent)</span>'}</td><td>${s.kind === 'inserted' ? `<b>inserted at ${s.at}:</b> ${esc(s.step)}` : `<b>removed</b>`}</td></tr>`),
    ...c.parameters.map((p) => `<tr><td><code>${esc(p.key)}</code></td><td>${p.before === null ? '<span class="muted">(absent)</span>' : esc(p.before)}</td><td>${p.after === null ? '<span class="muted">(absent)</span>' : esc(p.after)}</td></tr>`),
  ];
  return `<h3>${esc(base)} → ${esc(c.key)}: ${rows.length} parameter difference${rows.length === 1 ? '' : 's'}</h3>`
    + (rows.length ? `<table class="params"><thead><tr><th>parameter</th><th>before</th><th>after</th></tr></thead><tbody>${rows.join('')}</tbody></table>` : '<p class="muted">same parameters</p>');
}

function metricsHtml(keys: readonly string[], details: readonly RunDetail[], pairs: readonly (PairComparison | null)[]): string {
  const names = new Set<string>();
  for (const p of pairs) for (const m of p?.metrics ?? []) names.add(m.metric);
  if (names.size === 0) for (const d of details) for (const k of Object.keys(d.row.metrics)) names.add(k);
  const head = `<tr><th>metric</th><th class="num">${esc(keys[0]!)}</th>${keys.slice(1).map((k) => `<th class="num">${esc(k)}</th><th class="num">change</th><th>vs noise</th>`).join('')}</tr>`;
  const body = [...names].map((name) => {
    const base = details[0]!.row.metrics[name];
    const cells = keys.slice(1).map((_, i) => {
      const m = pairs[i]?.metrics.find((x) => x.metric === name);
      const v = details[i + 1]!.row.metrics[name];
      return `<td class="num">${num(m?.after ?? v ?? null)}</td><td class="num ${m ? noiseClass(m) : ''}">${m?.change === null || m === undefined ? '–' : sign(m.change)}</td><td class="${m ? noiseClass(m) : ''}">${m ? esc(noiseText(m)) : '–'}</td>`;
    }).join('');
    return `<tr data-metric="${esc(name)}"><td>${esc(name)}</td><td class="num">${num(pairs[0]?.metrics.find((x) => x.metric === name)?.before ?? base ?? null)}</td>${cells}</tr>`;
  }).join('');
  return `<table class="metrics" id="compare-metrics"><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

export async function compareView(root: HTMLElement, keys: readonly string[]): Promise<void> {
  if (keys.length < 2) {
    root.innerHTML = '<p>Select two or more runs in the <a href="#/">runs table</a> to compare them.</p>';
    return;
  }
  const details = await Promise.all(keys.map(loadRun));
  const full = await loadCompare(keys);
  const pairs: (PairComparison | null)[] = keys.slice(1).map((k) => full?.others.find((o) => o.key === k) ?? null);
  root.innerHTML = '';
  const legend = keys.map((k, i) => `<li><span class="swatch" data-color="${i}"></span><a href="${href('run', k)}">${esc(k)}</a>${i === 0 ? ' <span class="muted">(baseline)</span>' : ''}</li>`).join('');
  root.append(el('section', '', `<h2>Compare ${keys.length} runs</h2><ul class="legend">${legend}</ul>`));
  root.querySelectorAll<HTMLElement>('.swatch').forEach((s) => { s.style.background = COLORS[Number(s.dataset.color) % COLORS.length]!; });
  const pairing = pairs.map((p, i) => (p ? `<li>${esc(keys[i + 1]!)}: ${esc(p.pairing.reason)}${p.pairing.resamples ? ` (${p.pairing.resamples} paired bootstrap resamples)` : ''}</li>` : `<li>${esc(keys[i + 1]!)}: noise not estimated in this static export (run <code>assay diff</code> or <code>assay ui</code>)</li>`)).join('');
  root.append(el('section', '', `<h3>Hold-out metrics</h3>${metricsHtml(keys, details, pairs)}<ul class="pairing">${pairing}</ul>`));
  root.append(el('section', 'params-section', pairs.map((p) => (p ? paramsHtml(p, keys[0]!) : '')).join('')));

  const charts = el('section', 'charts');
  root.append(el('h3', '', 'Curves on the hold-out'), charts);
  const withCurves = details.map((d, i) => ({ d, i })).filter(({ d }) => d.curves);
  const label = (i: number) => `${keys[i]!.split('/')[0]} ${keys[i]!.split('/')[1]!.slice(9, 15)}`;
  if (withCurves.length) {
    const c0 = withCurves[0]!.d.curves!;
    chart(charts, { id: 'pr', title: 'Precision-recall (interpolated)', x: c0.pr.recall, xLabel: 'recall', yLabel: 'precision', yRange: [0, 1], series: withCurves.map(({ d, i }) => ({ label: label(i), color: COLORS[i % COLORS.length]!, values: d.curves!.pr.precision })) });
    chart(charts, { id: 'roc', title: 'ROC', x: c0.roc.fpr, xLabel: 'false-positive rate', yLabel: 'true-positive rate', yRange: [0, 1], series: withCurves.map(({ d, i }) => ({ label: label(i), color: COLORS[i % COLORS.length]!, values: d.curves!.roc.tpr })) });
    chart(charts, { id: 'threshold', title: 'F1 against the threshold', x: c0.threshold.t, xLabel: 'threshold', yLabel: 'F1', yRange: [0, 1], series: withCurves.map(({ d, i }) => ({ label: label(i), color: COLORS[i % COLORS.length]!, values: d.curves!.threshold.f1 })) });
  }
  const bestCurves = details.map((d) => d.trials.find((t) => t.index === d.best)?.curves ?? []);
  const epochs = Math.max(0, ...bestCurves.map((c) => c.length));
  if (epochs > 0) {
    const x = Array.from({ length: epochs }, (_, k) => k + 1);
    chart(charts, {
      id: 'learning', title: 'Learning curves of the best trials (validation objective)', x, xLabel: 'epoch', yLabel: 'objective', xInt: true,
      series: bestCurves.map((c, i) => ({ label: label(i), color: COLORS[i % COLORS.length]!, values: x.map((e) => c.find((p) => p.epoch === e)?.valObjective ?? null) })),
    });
  }
  root.dataset.ready = 'true';
}
