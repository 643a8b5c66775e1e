/**
 * History of a pipeline: each hold-out metric along its runs (versions, git commits), with the
 * bootstrap interval as dashed bounds, so a reader sees whether version 7 really beat version 5.
 */
import { loadRuns } from '../api.js';
import { chart } from '../charts.js';
import { dateCell, el, esc, href, num } from '../dom.js';

const METRICS = ['f1', 'mcc', 'recall', 'precision', 'fnr'];

export async function historyView(root: HTMLElement, name: string): Promise<void> {
  const data = await loadRuns();
  const runs = data.runs.filter((r) => r.name === name && r.status === 'finished').reverse();
  root.innerHTML = '';
  root.append(el('h2', '', `History of ${esc(name)} <span class="muted">${runs.length} finished run${runs.length === 1 ? '' : 's'}</span>`));
  if (runs.length === 0) {
    root.append(el('p', '', 'No finished runs of this pipeline yet.'));
    root.dataset.ready = 'true';
    return;
  }
  const x = runs.map((_, k) => k + 1);
  // Version and commit under each run while they fit; the version alone on a long history.
  const ticks = runs.map((r) => `v${r.version ?? '?'}${runs.length <= 12 && r.git?.commit ? ` ${r.git.commit.slice(0, 7)}` : ''}`);
  const dots = runs.length <= 60;
  const charts = el('section', 'charts');
  root.append(charts);
  for (const m of METRICS) {
    if (!runs.some((r) => r.metrics[m] !== undefined)) continue;
    const hasIv = runs.some((r) => r.intervals[m]);
    chart(charts, {
      id: `history-${m}`, title: `${m} on the hold-out${hasIv ? ' (95% bootstrap interval dashed)' : ''}`, x, xLabel: 'run (version, oldest first)', yLabel: m, xInt: true, xTicks: ticks,
      series: [
        { label: m, color: '#1f77b4', values: runs.map((r) => r.metrics[m] ?? null), width: 2 },
        ...(dots ? [{ label: 'estimate', color: '#1f77b4', values: runs.map((r) => r.metrics[m] ?? null), points: true }] : []),
        ...(hasIv ? [
          { label: 'low', color: '#9ab', values: runs.map((r) => r.intervals[m]?.low ?? null), dash: true, width: 1 },
          { label: 'high', color: '#9ab', values: runs.map((r) => r.intervals[m]?.high ?? null), dash: true, width: 1 },
        ] : []),
      ],
    });
  }
  const rows = runs.map((r, k) => `<tr><td class="num">${k + 1}</td><td><a href="${href('run', r.key)}">${esc(r.id)}</a></td><td>v${esc(r.version ?? '?')}</td>`
    + `<td>${r.git?.commit ? esc(r.git.commit.slice(0, 7)) + (r.git.dirty ? '*' : '') : '–'}</td>${dateCell(r.createdAt)}`
    + METRICS.map((m) => `<td class="num">${num(r.metrics[m] ?? null, 3)}${r.intervals[m] ? `<small>${num(r.intervals[m]!.low, 2)}–${num(r.intervals[m]!.high, 2)}</small>` : ''}</td>`).join('')
    + `<td>${r.overrides.map((o) => `<code>${esc(o)}</code>`).join(' ')}</td></tr>`).join('');
  root.append(el('table', 'runs', `<thead><tr><th>#</th><th>run</th><th>version</th><th>git</th><th>date</th>${METRICS.map((m) => `<th class="num">${m}</th>`).join('')}<th>overrides</th></tr></thead><tbody>${rows}</tbody>`));
  root.dataset.ready = 'true';
}
