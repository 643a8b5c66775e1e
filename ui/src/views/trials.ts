/**
 * Trials of a run: the objective per trial with the best-so-far line (pruned and failed trials
 * marked), each searched parameter against the objective, and a trial's learning curves on click.
 */
import { loadRun } from '../api.js';
import { chart } from '../charts.js';
import { el, esc, href, num } from '../dom.js';
import type { RunDetail, TrialPoint } from '../types.js';

function curvesOf(parent: HTMLElement, t: TrialPoint): void {
  parent.innerHTML = '';
  parent.append(el('h3', '', `Trial #${t.index + 1}: ${esc(t.family)} ${esc(Object.entries(t.params).map(([k, v]) => `${k}=${typeof v === 'number' ? +v.toPrecision(3) : v}`).join(' '))}`));
  if (!t.curves.length) { parent.append(el('p', 'muted', 'no learning curves recorded')); return; }
  const x = t.curves.map((c) => c.epoch);
  chart(parent, { id: 'trial-loss', title: 'Loss', x, xLabel: 'epoch', yLabel: 'loss', xInt: true, series: [
    { label: 'train', color: '#1f77b4', values: t.curves.map((c) => c.trainLoss) },
    { label: 'validation', color: '#d62728', values: t.curves.map((c) => c.valLoss) },
  ] });
  chart(parent, { id: 'trial-objective', title: 'Validation objective', x, xLabel: 'epoch', yLabel: 'objective', xInt: true, series: [
    { label: 'validation', color: '#2ca02c', values: t.curves.map((c) => c.valObjective) },
  ] });
}

export function trialsSection(root: HTMLElement, d: RunDetail): void {
  const trials = d.trials;
  if (!trials.length) { root.append(el('p', 'muted', 'This run recorded no trials.')); return; }
  const x = trials.map((t) => t.index + 1);
  let best: number | null = null;
  const bestSoFar = trials.map((t) => {
    if (t.score !== null && !t.failed && (best === null || (d.minimize ? t.score < best : t.score > best))) best = t.score;
    return best;
  });
  const charts = el('section', 'charts');
  root.append(charts);
  chart(charts, { id: 'trials', title: `Objective per trial (${d.row.objective?.metric ?? ''} on validation)`, x, xLabel: 'trial', yLabel: 'objective', xInt: true, series: [
    { label: 'completed', color: '#1f77b4', values: trials.map((t) => (t.pruned || t.failed ? null : t.score)), points: true },
    { label: 'pruned', color: '#ff7f0e', values: trials.map((t) => (t.pruned && !t.failed ? t.score : null)), points: true },
    { label: 'failed (at 0)', color: '#d62728', values: trials.map((t) => (t.failed ? 0 : null)), points: true },
    { label: 'best so far', color: '#2ca02c', values: bestSoFar },
  ] });
  const searched = [...new Set(trials.flatMap((t) => Object.keys(t.params)))].filter((k) => new Set(trials.map((t) => JSON.stringify(t.params[k]))).size > 1);
  for (const p of searched) {
    const scored = trials.filter((t) => t.score !== null && t.params[p] !== undefined);
    // Numbers on their own axis; anything else (a choice of names) as categories 1..k.
    const numeric = scored.every((t) => typeof t.params[p] === 'number');
    const categories = numeric ? [] : [...new Set(scored.map((t) => String(t.params[p])))].sort();
    const pts = scored.map((t) => ({ x: numeric ? (t.params[p] as number) : categories.indexOf(String(t.params[p])) + 1, y: t.score!, pruned: t.pruned }));
    if (pts.length < 2) continue;
    pts.sort((a, b) => a.x - b.x);
    chart(charts, { id: `param-${p}`, title: `${p} against the objective`, x: pts.map((q) => q.x), xLabel: p, yLabel: 'objective', height: 200,
      ...(numeric ? {} : { xInt: true, xTicks: categories, xRange: [0.5, categories.length + 0.5] as const }), series: [
      { label: 'completed', color: '#1f77b4', values: pts.map((q) => (q.pruned ? null : q.y)), points: true },
      { label: 'pruned', color: '#ff7f0e', values: pts.map((q) => (q.pruned ? q.y : null)), points: true },
    ] });
  }
  const rows = trials.map((t) => `<tr data-trial="${t.index}" class="${t.index === d.best ? 'best' : ''}${t.pruned ? ' pruned' : ''}${t.failed ? ' failed' : ''}">`
    + `<td class="num">${t.index + 1}</td><td>${esc(t.family)}</td><td class="num">${num(t.score)}</td><td>${t.failed ? `failed: ${esc(t.failed)}` : t.pruned ? 'pruned' : t.index === d.best ? 'best' : ''}</td>`
    + `<td class="num">${t.epochs}</td><td class="num">${t.seconds.toFixed(1)} s</td><td>${esc(Object.entries(t.params).filter(([k]) => searched.includes(k)).map(([k, v]) => `${k}=${typeof v === 'number' ? +v.toPrecision(3) : v}`).join(' '))}</td></tr>`).join('');
  const table = el('table', 'runs trials', `<thead><tr><th>#</th><th>family</th><th class="num">score</th><th>status</th><th class="num">epochs</th><th class="num">time</th><th>searched parameters</th></tr></thead><tbody>${rows}</tbody>`);
  const detail = el('section', 'trial-detail charts');
  root.append(el('p', 'muted', 'Click a trial for its learning curves.'), table, detail);
  table.addEventListener('click', (e) => {
    const tr = (e.target as HTMLElement).closest<HTMLElement>('tr[data-trial]');
    const t = tr && trials.find((x) => x.index === Number(tr.dataset.trial));
    if (t) curvesOf(detail, t);
  });
  const first = trials.find((t) => t.index === d.best) ?? trials[0]!;
  curvesOf(detail, first);
}

export async function trialsView(root: HTMLElement, key: string): Promise<void> {
  const d = await loadRun(key);
  root.innerHTML = '';
  root.append(el('h2', '', `Trials of <a href="${href('run', key)}">${esc(key)}</a>`));
  trialsSection(root, d);
  root.dataset.ready = 'true';
}
