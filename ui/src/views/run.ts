/**
 * One run: its summary, the report (the run's own report.html, framed), and the error gallery with
 * filters (false negatives, false positives), sorted by confidence, the threshold beside each
 * probability.
 */
import { filesBase, loadRun } from '../api.js';
import { duration, el, esc, href, num } from '../dom.js';
import type { GalleryItem, RunDetail } from '../types.js';
import { trialsSection } from './trials.js';

function fileUrl(key: string, rel: string): string {
  return `${filesBase}${[...key.split('/'), ...rel.split('/')].map(encodeURIComponent).join('/')}`;
}

/** A picture the report kept: a PNG data URI as is, else a file of the run folder. */
function picture(key: string, src: string): string {
  return /^data:image\/png;base64,[A-Za-z0-9+/]*={0,2}$/.test(src) ? src : fileUrl(key, src);
}

function galleryHtml(d: RunDetail, items: readonly GalleryItem[]): string {
  const t = d.threshold;
  return items.map((g) => `<figure class="err ${g.kind}" data-kind="${g.kind}">`
    + (g.original ? `<img src="${esc(picture(d.row.key, g.original))}" alt="stored image" width="96" height="96">` : '<div class="noimg">no picture kept</div>')
    + (g.model ? `<img src="${esc(picture(d.row.key, g.model))}" alt="as the model saw it" width="96" height="96">` : '')
    + `<figcaption><b>${g.kind === 'fn' ? 'false negative' : 'false positive'}</b><br><span class="ref">${esc(g.ref)}</span><br>`
    + `p ${num(g.probability, 3)} <span class="muted">threshold ${num(t, 3)}</span></figcaption></figure>`).join('');
}

export function gallerySection(root: HTMLElement, d: RunDetail): void {
  const fn = d.gallery.filter((g) => g.kind === 'fn').length, fp = d.gallery.length - fn;
  const t = d.threshold ?? 0.5;
  // Most confident errors first: farthest from the threshold on the wrong side.
  const sorted = [...d.gallery].sort((a, b) => Math.abs(b.probability - t) - Math.abs(a.probability - t));
  const box = el('section', 'gallery-section', `<div class="toolbar" role="group" aria-label="error filter">`
    + `<button data-filter="all" class="on">all errors (${d.gallery.length})</button><button data-filter="fn">false negatives (${fn})</button><button data-filter="fp">false positives (${fp})</button>`
    + '<span class="muted">most confident first; pictures where the report kept them</span></div><div class="gallery" id="gallery"></div>');
  root.append(box);
  const grid = box.querySelector<HTMLElement>('#gallery')!;
  const show = (f: string) => {
    const items = f === 'all' ? sorted : sorted.filter((g) => g.kind === f);
    grid.innerHTML = items.length ? galleryHtml(d, items.slice(0, 300)) + (items.length > 300 ? `<p class="muted">and ${items.length - 300} more in predictions.csv</p>` : '') : '<p class="muted">none</p>';
    box.querySelectorAll<HTMLElement>('button[data-filter]').forEach((b) => b.classList.toggle('on', b.dataset.filter === f));
  };
  box.querySelector('.toolbar')!.addEventListener('click', (e) => {
    const f = (e.target as HTMLElement).closest<HTMLElement>('button[data-filter]')?.dataset.filter;
    if (f) show(f);
  });
  show('all');
}

export async function runView(root: HTMLElement, key: string, tab: string): Promise<void> {
  const d = await loadRun(key);
  const r = d.row;
  root.innerHTML = '';
  const metrics = ['f1', 'mcc', 'recall', 'precision', 'fnr'].filter((m) => r.metrics[m] !== undefined)
    .map((m) => `<div class="kpi"><span>${esc(m)}</span><b>${num(r.metrics[m], 3)}</b>${r.intervals[m] ? `<small>${num(r.intervals[m]!.low, 2)}–${num(r.intervals[m]!.high, 2)}</small>` : ''}</div>`).join('');
  const status = r.status === 'running' ? `<a href="${href('live', key)}">running: watch live</a>` : `${esc(r.status)}${r.error ? ` at ${esc(r.error.stage ?? '?')}: ${esc(r.error.message)}` : ''}`;
  root.append(el('header', 'run-head', `<h2>${r.label ? `${esc(r.label)}: ` : ''}${esc(r.name)} <span class="muted">v${esc(r.version ?? '?')} · ${esc(r.id)}</span></h2>`
    + `<p>${esc(r.description ?? '')}</p>${r.note ? `<p class="note-text">${esc(r.note)}</p>` : ''}<p>status: <span class="status s-${esc(r.status)}">${status}</span> · ${esc(duration(r.seconds))} · threshold ${num(d.threshold, 3)} · <a href="${href('history', r.name)}">history of ${esc(r.name)}</a></p>`
    + `<div class="kpis">${metrics}</div>`));
  const tabs = [['report', 'Report'], ['errors', `Error gallery (${d.gallery.length})`], ['trials', `Trials (${d.trials.length})`]] as const;
  root.append(el('nav', 'tabs', tabs.map(([t, label]) => `<a href="${href('run', key)}/${t}" class="${t === tab ? 'on' : ''}" data-tab="${t}">${esc(label)}</a>`).join('')));
  const body = el('div', 'tab-body');
  root.append(body);
  if (tab === 'errors') gallerySection(body, d);
  else if (tab === 'trials') trialsSection(body, d);
  else if (r.report) {
    body.append(el('p', '', `<a href="${esc(fileUrl(key, 'report.html'))}" target="_blank" rel="noopener">open the report on its own</a>`));
    const frame = el('iframe', 'report');
    frame.src = fileUrl(key, 'report.html');
    frame.title = 'report';
    frame.setAttribute('sandbox', 'allow-same-origin allow-popups');
    body.append(frame);
  } else body.append(el('p', 'muted', 'This run has no report (it did not finish).'));
  root.dataset.ready = 'true';
}
