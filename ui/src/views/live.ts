/**
 * A run in progress: its stage, the stages done, trials finished, the best score so far and an
 * ETA, updated by server-sent events from the run's progress.json. A static export shows the
 * record as it was exported.
 */
import { isStatic, loadRun, watchRun } from '../api.js';
import { duration, el, esc, href, num } from '../dom.js';
import type { ProgressRecord, RunRow } from '../types.js';

const STAGES = ['ingest', 'decode', 'holdout', 'sample', 'split', 'features', 'resample', 'search', 'evaluate'];

function render(box: HTMLElement, key: string, row: RunRow, p: ProgressRecord | null): void {
  const done = new Map((p?.stages ?? []).map((s) => [s.name, s]));
  const stages = STAGES.map((s) => {
    const rec = done.get(s);
    const cls = rec ? 'done' : p?.stage === s ? 'now' : 'todo';
    return `<li class="${cls}" data-stage="${s}">${esc(s)}${rec ? ` <small>${rec.cached ? 'cached' : `${rec.seconds.toFixed(1)} s`}</small>` : p?.stage === s && p.work && s !== 'search' ? ` <small>${p.work.done}/${p.work.total}</small>` : ''}</li>`;
  }).join('');
  const t = p?.trials;
  const pct = t?.planned ? Math.round((100 * t.done) / t.planned) : 0;
  const elapsed = p ? (Date.parse(p.updatedAt) - Date.parse(p.startedAt)) / 1000 : null;
  const state = row.status === 'running' ? 'running' : row.status;
  box.innerHTML = `<p class="live-state">state: <b id="live-state" class="status s-${esc(state)}">${esc(state)}</b>${row.status !== 'running' ? ` · <a href="${href('run', key)}">open the run</a>` : ''}</p>`
    + `<ol class="stages">${stages}</ol>`
    + `<div class="kpis"><div class="kpi"><span>stage</span><b id="live-stage">${esc(p?.stage ?? (row.status === 'running' ? '…' : 'done'))}</b></div>`
    + `<div class="kpi"><span>trials</span><b id="live-trials">${t ? `${t.done}${t.planned ? ` / ${t.planned}` : ''}` : '–'}</b></div>`
    + `<div class="kpi"><span>best so far (${esc(t?.metric ?? '')})</span><b id="live-best">${num(t?.best ?? null, 4)}</b></div>`
    + `<div class="kpi"><span>ETA of the search</span><b id="live-eta">${p?.etaSeconds === null || p?.etaSeconds === undefined ? '–' : duration(p.etaSeconds)}</b></div>`
    + `<div class="kpi"><span>elapsed</span><b>${duration(elapsed)}</b></div></div>`
    + `<div class="bar"><div class="fill" id="live-bar"></div></div>`
    + (p?.work?.detail ? `<p class="muted" id="live-detail">${esc(p.work.detail)}</p>` : '')
    + (row.error ? `<p class="warn">${esc(row.error.stage ?? '')}: ${esc(row.error.message)}</p>` : '');
  box.querySelector<HTMLElement>('#live-bar')!.style.width = `${pct}%`;
}

export async function liveView(root: HTMLElement, key: string): Promise<() => void> {
  const d = await loadRun(key);
  root.innerHTML = '';
  root.append(el('h2', '', `Live: <a href="${href('run', key)}">${esc(key)}</a>`));
  const box = el('section', 'live');
  root.append(box);
  render(box, key, d.row, d.progress);
  root.dataset.ready = 'true';
  if (isStatic) return () => undefined;
  return watchRun(key, (data) => {
    const { row, progress } = data as { row: RunRow; progress: ProgressRecord | null };
    render(box, key, row, progress);
  }, () => { root.dataset.ended = 'true'; });
}
