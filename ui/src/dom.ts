/** Small DOM helpers. Every text that comes from run data goes through `esc` before it meets HTML. */
import { localMinute } from '../../src/core/local-time.js';

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape text for HTML content and quoted attribute values. */
export function esc(v: unknown): string {
  return String(v ?? '').replace(/[&<>"']/g, (c) => ESC[c]!);
}

/** A number with `d` decimals, or a dash. */
export function num(v: number | null | undefined, d = 4): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(d);
}

/** Seconds as `12.3 s`, `4 min 05 s` or `1 h 02 min`. */
export function duration(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return '–';
  if (s < 60) return `${s.toFixed(1)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(Math.round(s % 60)).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.round((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** A table cell with a time: local `2026-11-29 19:13` as `assay runs` prints it, the full ISO timestamp on hover. */
export function dateCell(iso: string | null | undefined): string {
  return iso ? `<td class="time" title="${esc(iso)}">${esc(localMinute(iso))}</td>` : '<td class="time">–</td>';
}

/** Hash link to a view. */
export function href(view: string, ...parts: string[]): string {
  return `#/${[view, ...parts].map((p) => p.split('/').map(encodeURIComponent).join('/')).join('/')}`;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, html?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (html !== undefined) e.innerHTML = html;
  return e;
}

/** Distinct colours for overlaid runs. */
export const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
