/**
 * Runs: one row per run. Sort by any column, filter (text and `metric > value`), group by
 * pipeline, select two or more to compare. Sorting and filtering cover every run; the first
 * 100 rows of the result are laid out (more on request), built as one HTML string with every
 * value escaped.
 */
import { loadRuns } from '../api.js';
import { dateCell, duration, el, esc, href, num } from '../dom.js';
import { applyFilter, fieldValue, parseFilter } from '../filter.js';
import type { RunRow } from '../types.js';

const KEY_METRICS = ['f1', 'mcc', 'recall', 'precision', 'fnr', 'pr-auc'];
const MAX_PARAM_COLUMNS = 12;
/** Rows laid out at once: a table of 1,000 rows costs the browser a second of layout. */
const PAGE = 100;

interface State { sort: string; desc: boolean; filter: string; group: boolean; selected: Set<string>; limit: number }
const state: State = { sort: 'date', desc: true, filter: '', group: false, selected: new Set(), limit: PAGE };

function statusCell(r: RunRow): string {
  const label = r.status === 'failed' || r.status === 'interrupted' ? `${r.status}${r.error?.stage ? ` at ${r.error.stage}` : ''}` : r.status;
  const link = r.status === 'running' ? `<a href="${href('live', r.key)}">${esc(label)}</a>` : esc(label);
  return `<span class="status s-${esc(r.status)}" title="${esc(r.error?.message ?? '')}">${link}</span>`;
}

function metricCell(r: RunRow, m: string): string {
  const v = r.metrics[m];
  if (v === undefined) return '<td class="num">–</td>';
  const iv = r.intervals[m];
  return `<td class="num">${num(v, 3)}${iv ? `<small>${num(iv.low, 2)}–${num(iv.high, 2)}</small>` : ''}</td>`;
}

function sortValue(r: RunRow, key: string): string | number | null {
  switch (key) {
    case 'date': return r.id;
    case 'run': return r.name;
    case 'git': return r.git?.commit ?? null;
    case 'overrides': return r.overrides.join(' ');
    case 'note': return r.note ?? r.description;
    default: return key.startsWith('param:') ? fieldValue(r, key.slice(6)) : fieldValue(r, key);
  }
}

function compareRows(a: RunRow, b: RunRow, key: string, desc: boolean): number {
  const x = sortValue(a, key), y = sortValue(b, key);
  if (x === null && y === null) return 0;
  if (x === null) return 1;
  if (y === null) return -1;
  const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
  return desc ? -c : c;
}

/** Parameters whose value differs between the rows shown. */
function differingParams(rows: readonly RunRow[]): string[] {
  const keys = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r.params)) keys.add(k);
  return [...keys].filter((k) => new Set(rows.map((r) => r.params[k] ?? '')).size > 1).sort().slice(0, MAX_PARAM_COLUMNS);
}

function rowHtml(r: RunRow, params: readonly string[]): string {
  const git = r.git?.commit ? `${esc(r.git.commit.slice(0, 7))}${r.git.dirty ? '<span class="dirty" title="uncommitted changes">*</span>' : ''}` : '–';
  const obj = r.objective ? `${esc(r.objective.metric)} ${num(r.objective.holdout, 4)}` : '–';
  return `<tr data-key="${esc(r.key)}"${state.selected.has(r.key) ? ' class="sel"' : ''}>`
    + `<td><input type="checkbox" aria-label="select" data-select="${esc(r.key)}"${state.selected.has(r.key) ? ' checked' : ''}></td>`
    + `<td>${r.label ? `<b class="label">${esc(r.label)}</b> ` : ''}<a href="${href('run', r.key)}">${esc(r.name)}</a><small>${esc(r.id)}</small></td>`
    + `<td class="num">${r.version === null ? '–' : `v${esc(r.version)}`}</td>`
    + `<td class="note" title="${esc(r.note ?? r.description ?? '')}">${esc(r.note ?? r.description ?? '')}</td><td>${git}</td><td>${statusCell(r)}</td>`
    + `${dateCell(r.createdAt)}<td class="num">${esc(duration(r.seconds))}</td><td class="num obj">${obj}</td>`
    + KEY_METRICS.map((m) => metricCell(r, m)).join('')
    + `<td class="ovr">${r.overrides.map((o) => `<code>${esc(o)}</code>`).join(' ')}</td>`
    + params.map((p) => `<td class="param">${esc(r.params[p] ?? '–')}</td>`).join('')
    + '</tr>';
}

export async function runsView(root: HTMLElement): Promise<() => void> {
  let data = await loadRuns();
  let lastText = JSON.stringify(data.runs);
  root.innerHTML = '';
  const bar = el('div', 'toolbar', `<input type="search" id="filter" placeholder="filter: words, or f1 > 0.8, status = failed, model.training.epochs >= 5" value="${esc(state.filter)}">`
    + `<label><input type="checkbox" id="group"${state.group ? ' checked' : ''}> group by pipeline</label>`
    + '<button id="compare" disabled>Compare</button><span id="count" class="muted"></span><span id="filter-msg" class="warn"></span>');
  const wrap = el('div', 'table-wrap');
  root.append(bar, wrap);
  const filterBox = bar.querySelector<HTMLInputElement>('#filter')!;
  const compareBtn = bar.querySelector<HTMLButtonElement>('#compare')!;

  const render = () => {
    const { rows, unknown } = applyFilter(data.runs, parseFilter(state.filter));
    rows.sort((a, b) => compareRows(a, b, state.sort, state.desc) || (a.id < b.id ? 1 : -1));
    if (state.group) rows.sort((a, b) => a.name.localeCompare(b.name));
    const params = differingParams(rows);
    const th = (key: string, label: string, cls = '') => `<th data-sort="${esc(key)}" class="${cls}${state.sort === key ? (state.desc ? ' desc' : ' asc') : ''}">${esc(label)}</th>`;
    const head = `<tr><th></th>${th('run', 'run')}${th('version', 'ver')}${th('note', 'note')}${th('git', 'git')}${th('status', 'status')}${th('date', 'date')}${th('seconds', 'duration')}${th('objective', 'objective')}`
      + KEY_METRICS.map((m) => th(m, m, 'num')).join('') + th('overrides', 'overrides') + params.map((p) => th(`param:${p}`, p, 'param')).join('') + '</tr>';
    const cols = 11 + KEY_METRICS.length + params.length;
    let body = '';
    let group: string | null = null;
    const shown = rows.slice(0, state.limit);
    for (const r of shown) {
      if (state.group && r.name !== group) {
        group = r.name;
        const n = rows.filter((x) => x.name === group).length;
        body += `<tr class="group"><td colspan="${cols}">${esc(group)} <span class="muted">${n} run${n === 1 ? '' : 's'}</span> · <a href="${href('history', group)}">history</a></td></tr>`;
      }
      body += rowHtml(r, params);
    }
    const more = rows.length - shown.length;
    wrap.innerHTML = `<table class="runs" id="runs-table"><thead>${head}</thead><tbody>${body}</tbody></table>`
      + (more > 0 ? `<p class="more"><button id="more">show ${Math.min(PAGE * 5, more)} more</button> <button id="all">show all ${rows.length}</button> <span class="muted">${shown.length} of ${rows.length} shown</span></p>` : '')
      + (rows.length === 0 ? `<p class="empty">${data.runs.length === 0 ? 'No runs yet: <code>assay run pipelines/quickstart.yaml</code>' : 'No run matches the filter.'}</p>` : '');
    bar.querySelector('#count')!.textContent = `${rows.length} of ${data.runs.length} runs`;
    bar.querySelector('#filter-msg')!.textContent = unknown.length ? `no run has ${unknown.join(', ')}` : '';
    compareBtn.disabled = state.selected.size < 2;
    compareBtn.textContent = `Compare${state.selected.size ? ` (${state.selected.size})` : ''}`;
    root.dataset.ready = 'true';
  };

  filterBox.addEventListener('input', () => { state.filter = filterBox.value; state.limit = PAGE; render(); });
  bar.querySelector<HTMLInputElement>('#group')!.addEventListener('change', (e) => { state.group = (e.target as HTMLInputElement).checked; render(); });
  compareBtn.addEventListener('click', () => {
    // Oldest first: the baseline is the earliest selected run.
    const keys = data.runs.filter((r) => state.selected.has(r.key)).map((r) => r.key).reverse();
    location.hash = `#/compare?runs=${keys.map(encodeURIComponent).join(',')}`;
  });
  wrap.addEventListener('click', (e) => {
    const t = e.target as HTMLElement;
    if (t.id === 'more' || t.id === 'all') {
      state.limit = t.id === 'all' ? Infinity : state.limit + PAGE * 5;
      render();
      return;
    }
    const sort = t.closest<HTMLElement>('th[data-sort]')?.dataset.sort;
    if (sort) {
      state.desc = state.sort === sort ? !state.desc : sort === 'date';
      state.sort = sort;
      render();
    }
  });
  wrap.addEventListener('change', (e) => {
    const t = e.target as HTMLInputElement;
    const key = t.dataset.select;
    if (!key) return;
    if (t.checked) state.selected.add(key); else state.selected.delete(key);
    t.closest('tr')?.classList.toggle('sel', t.checked);
    compareBtn.disabled = state.selected.size < 2;
    compareBtn.textContent = `Compare${state.selected.size ? ` (${state.selected.size})` : ''}`;
  });
  render();
  // New and finished runs appear without a reload (the server re-reads only changed folders).
  const timer = window.setInterval(async () => {
    if (document.hidden) return;
    try {
      const next = await loadRuns();
      const text = JSON.stringify(next.runs);
      if (text !== lastText) { data = next; lastText = text; render(); }
    } catch { /* the server went away; keep what is shown */ }
  }, 3000);
  return () => window.clearInterval(timer);
}
