/**
 * Small dependency-free SVG charts (line, grouped bar, confusion heatmap). Every text is escaped;
 * non-finite points are dropped. Output is inline-ready (no xmlns, so an HTML page holds no URL);
 * pass `standalone: true` for a .svg file.
 */

/** Escapes text for XML/HTML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export const PALETTE: readonly string[] = ['#1f6fb4', '#d9480f', '#2b8a3e', '#862e9c', '#e67700', '#0b7285', '#5c5f66'];

export interface ChartFrame {
  readonly title: string;
  readonly xLabel?: string;
  readonly yLabel?: string;
  readonly width?: number;
  readonly height?: number;
  /** Adds the SVG namespace for use as a standalone file. */
  readonly standalone?: boolean;
}

export interface LineSeries {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
  readonly color?: string;
  readonly dashed?: boolean;
  /** Draw a dot at every point. */
  readonly dots?: boolean;
  /** Connect the points (default true; false with `dots` gives a scatter). */
  readonly line?: boolean;
  /** Draw as a staircase (hold y until the next x). */
  readonly step?: boolean;
}

/** A reference line (vertical at x or horizontal at y) with a label. */
export interface ChartMarker {
  readonly x?: number;
  readonly y?: number;
  readonly label: string;
  readonly color?: string;
}

/**
 * Accepted for compatibility; the legend always sits in its own column right of the plot area,
 * so it never covers data.
 */
export type LegendPosition = 'top-right' | 'bottom-right' | 'bottom-left' | 'top-left';

export interface LineChartOptions extends ChartFrame {
  /** Axis ranges; when absent, the data's range padded by 5%. */
  readonly xDomain?: readonly [number, number];
  readonly yDomain?: readonly [number, number];
  readonly markers?: readonly ChartMarker[];
  /** Label only whole numbers on the x axis (trials, epochs). */
  readonly integerX?: boolean;
  readonly legend?: LegendPosition;
}

const M = { left: 52, right: 16, top: 28, bottom: 44 };
/** Width of the legend column right of the plot area. */
const LEGEND_W = 150;
/** Approximate width of a character at font-size 11 (for fitting legend names). */
const CHAR_W = 6.2;

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
}

function extent(values: number[], fallback: readonly [number, number]): [number, number] {
  const f = values.filter(Number.isFinite);
  if (f.length === 0) return [fallback[0], fallback[1]];
  let lo = Math.min(...f), hi = Math.max(...f);
  if (lo === hi) { lo -= 0.5; hi += 0.5; }
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

function ticks(lo: number, hi: number, count = 5): number[] {
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((s) => s * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Number(t.toFixed(10)));
  return out;
}

function open(frame: ChartFrame, w: number, h: number): string {
  const ns = frame.standalone ? ' xmlns="http://www.w3.org/2000/svg"' : '';
  return `<svg${ns} viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${escapeXml(frame.title)}" font-family="sans-serif" font-size="11">`
    + `<title>${escapeXml(frame.title)}</title><rect width="${w}" height="${h}" fill="#fff"/>`
    + `<text x="${w / 2}" y="16" text-anchor="middle" font-size="13" font-weight="bold">${escapeXml(frame.title)}</text>`;
}

/** `w` is the right edge of the plot area plus M.right (the legend column, if any, lies beyond it). */
function axes(frame: ChartFrame, w: number, h: number, sx: (v: number) => number, sy: (v: number) => number, xt: number[], yt: number[], yText: (v: number) => string = fmt): string {
  const parts: string[] = [];
  for (const t of yt) parts.push(`<line x1="${M.left}" x2="${w - M.right}" y1="${sy(t).toFixed(1)}" y2="${sy(t).toFixed(1)}" stroke="#e5e5e5"/><text x="${M.left - 4}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end">${yText(t)}</text>`);
  for (const t of xt) parts.push(`<text x="${sx(t).toFixed(1)}" y="${h - M.bottom + 14}" text-anchor="middle">${fmt(t)}</text>`);
  parts.push(`<rect class="plot-area" x="${M.left}" y="${M.top}" width="${w - M.left - M.right}" height="${h - M.top - M.bottom}" fill="none" stroke="#888"/>`);
  if (frame.xLabel) parts.push(`<text x="${(M.left + w - M.right) / 2}" y="${h - 8}" text-anchor="middle">${escapeXml(frame.xLabel)}</text>`);
  if (frame.yLabel) parts.push(`<text transform="translate(12 ${(M.top + h - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(frame.yLabel)}</text>`);
  return parts.join('');
}

/** A name cut to fit the legend column. */
function fitName(name: string): string {
  const max = Math.floor((LEGEND_W - 34) / CHAR_W);
  return name.length > max ? `${name.slice(0, max - 1)}…` : name;
}

/** The legend, in its own column from x0 (right of the plot area), top-aligned with it. */
function legend(items: readonly { name: string; color: string; dashed?: boolean; line?: boolean; box?: boolean }[], x0: number): string {
  if (items.length === 0) return '';
  const boxW = LEGEND_W - 8, boxH = items.length * 14 + 6;
  const y0 = M.top;
  const box = `<rect class="legend" x="${x0}" y="${y0}" width="${boxW}" height="${boxH}" fill="#fff" stroke="#dee2e6"/>`;
  return box + items.map((s, i) => {
    const y = y0 + 15 + i * 14, x = x0 + 6;
    const label = `<text x="${x + 22}" y="${y}">${escapeXml(fitName(s.name))}<title>${escapeXml(s.name)}</title></text>`;
    if (s.box) return `<rect x="${x + 3}" y="${y - 9}" width="12" height="10" fill="${s.color}"/>${label}`;
    if (s.line === false) return `<circle cx="${x + 9}" cy="${y - 4}" r="3" fill="${s.color}"/>${label}`;
    return `<line x1="${x}" x2="${x + 18}" y1="${y - 4}" y2="${y - 4}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="4 3"' : ''}/>${label}`;
  }).join('');
}

/** A line chart: one polyline per series, optional dots, reference markers and a legend. */
export function lineChart(series: readonly LineSeries[], opts: LineChartOptions): string {
  const named = series.length > 0;
  // NOTE: `w` is the plot's frame; the legend column widens the picture beyond it.
  const w = opts.width ?? 480, h = opts.height ?? 300;
  const total = w + (named ? LEGEND_W : 0);
  const clean = series.map((s, i) => ({ ...s, color: s.color ?? PALETTE[i % PALETTE.length]!, points: s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)) }));
  const xs = clean.flatMap((s) => s.points.map((p) => p[0])), ys = clean.flatMap((s) => s.points.map((p) => p[1]));
  const [x0, x1] = opts.xDomain ?? extent(xs, [0, 1]);
  const [y0, y1] = opts.yDomain ?? extent(ys, [0, 1]);
  const sx = (v: number): number => M.left + ((v - x0) / (x1 - x0 || 1)) * (w - M.left - M.right);
  const sy = (v: number): number => h - M.bottom - ((v - y0) / (y1 - y0 || 1)) * (h - M.top - M.bottom);
  const xt = ticks(x0, x1).filter((t) => !opts.integerX || Number.isInteger(t));
  const parts = [open(opts, total, h), axes(opts, w, h, sx, sy, xt, ticks(y0, y1))];
  for (const s of clean) {
    if (s.points.length === 0) continue;
    const pts: string[] = [];
    s.points.forEach(([x, y], i) => {
      if (s.step && i > 0) pts.push(`${sx(x).toFixed(1)},${sy(s.points[i - 1]![1]).toFixed(1)}`);
      pts.push(`${sx(x).toFixed(1)},${sy(y).toFixed(1)}`);
    });
    if (s.line !== false) parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="4 3"' : ''} points="${pts.join(' ')}"><title>${escapeXml(s.name)}</title></polyline>`);
    if (s.dots) for (const [x, y] of s.points) parts.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3" fill="${s.color}"/>`);
  }
  for (const m of opts.markers ?? []) {
    const color = m.color ?? '#c92a2a';
    if (m.x !== undefined && Number.isFinite(m.x)) {
      // The label sits above the plot area, centred on the line, so it covers no data.
      const x = sx(m.x).toFixed(1);
      parts.push(`<line x1="${x}" x2="${x}" y1="${M.top}" y2="${h - M.bottom}" stroke="${color}" stroke-dasharray="5 3"/><text class="marker-label" x="${x}" y="${M.top - 3}" text-anchor="middle" fill="${color}">${escapeXml(m.label)}</text>`);
    }
    if (m.y !== undefined && Number.isFinite(m.y)) {
      const y = sy(m.y).toFixed(1);
      parts.push(`<line x1="${M.left}" x2="${w - M.right}" y1="${y}" y2="${y}" stroke="${color}" stroke-dasharray="5 3"/><text x="${M.left + 4}" y="${Number(y) - 3}" fill="${color}">${escapeXml(m.label)}</text>`);
    }
  }
  parts.push(legend(clean, w - M.right + 8), '</svg>');
  return parts.join('');
}

/**
 * Grouped bars: one group per category, one bar per series, with the value above each bar. With
 * `log` the y axis is logarithmic (1, 10, 100, ...), so a class 160 times rarer still shows a bar.
 */
export function barChart(data: { readonly categories: readonly string[]; readonly series: readonly { readonly name: string; readonly values: readonly number[] }[] }, opts: ChartFrame & { readonly log?: boolean }): string {
  const w = opts.width ?? 560, h = opts.height ?? 300;
  const total = w + (data.series.length > 0 ? LEGEND_W : 0);
  const max = Math.max(1, ...data.series.flatMap((s) => s.values.filter(Number.isFinite)));
  const top = opts.log ? 10 ** Math.ceil(Math.log10(max)) : max;
  const scale = (v: number): number => (opts.log ? Math.log10(Math.max(1, v)) / Math.log10(Math.max(10, top)) : v / max);
  const sy = (v: number): number => h - M.bottom - scale(v) * (h - M.top - M.bottom);
  const groupW = (w - M.left - M.right) / Math.max(1, data.categories.length);
  const barW = (groupW * 0.8) / Math.max(1, data.series.length);
  const yt = opts.log ? Array.from({ length: Math.round(Math.log10(Math.max(10, top))) + 1 }, (_, k) => 10 ** k) : ticks(0, max);
  const parts = [open(opts, total, h), axes(opts, w, h, () => 0, sy, [], yt, (t) => (t >= 1000 ? `${t / 1000}k` : fmt(t)))];
  data.categories.forEach((cat, ci) => {
    const gx = M.left + ci * groupW;
    parts.push(`<text x="${(gx + groupW / 2).toFixed(1)}" y="${h - M.bottom + 14}" text-anchor="middle">${escapeXml(cat)}</text>`);
    data.series.forEach((s, si) => {
      const v = s.values[ci] ?? 0;
      if (!Number.isFinite(v)) return;
      const x = gx + groupW * 0.1 + si * barW, y = sy(v);
      parts.push(`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(barW - 1).toFixed(1)}" height="${(h - M.bottom - y).toFixed(1)}" fill="${PALETTE[si % PALETTE.length]}"><title>${escapeXml(`${s.name} / ${cat}: ${v}`)}</title></rect>`);
      parts.push(`<text x="${(x + barW / 2).toFixed(1)}" y="${(y - 2).toFixed(1)}" text-anchor="middle" font-size="9">${fmt(v)}</text>`);
    });
  });
  parts.push(legend(data.series.map((s, i) => ({ name: s.name, color: PALETTE[i % PALETTE.length]!, box: true })), w - M.right + 8), '</svg>');
  return parts.join('');
}

/** Confusion matrix heatmap: rows are actual classes, columns predicted; shade by row share. */
export function confusionHeatmap(matrix: readonly (readonly number[])[], rowLabels: readonly string[], colLabels: readonly string[], opts: ChartFrame): string {
  const cell = 80, left = 130, top = 56;
  const w = opts.width ?? left + cell * colLabels.length + 16, h = opts.height ?? top + cell * rowLabels.length + 16;
  const parts = [open(opts, w, h)];
  parts.push(`<text x="${left + (cell * colLabels.length) / 2}" y="${top - 24}" text-anchor="middle" font-style="italic">predicted</text>`);
  colLabels.forEach((c, j) => parts.push(`<text x="${left + j * cell + cell / 2}" y="${top - 6}" text-anchor="middle">${escapeXml(c)}</text>`));
  matrix.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    parts.push(`<text x="${left - 6}" y="${top + i * cell + cell / 2 + 4}" text-anchor="end">actual ${escapeXml(rowLabels[i] ?? '')}</text>`);
    row.forEach((v, j) => {
      const share = total === 0 ? 0 : v / total;
      const light = Math.round(97 - share * 55);
      parts.push(`<rect x="${left + j * cell}" y="${top + i * cell}" width="${cell}" height="${cell}" fill="hsl(${i === j ? 140 : 0} 55% ${light}%)" stroke="#fff"/>`);
      parts.push(`<text x="${left + j * cell + cell / 2}" y="${top + i * cell + cell / 2}" text-anchor="middle" font-size="16" font-weight="bold">${v}</text>`);
      parts.push(`<text x="${left + j * cell + cell / 2}" y="${top + i * cell + cell / 2 + 16}" text-anchor="middle">${(share * 100).toFixed(1)}%</text>`);
    });
  });
  parts.push('</svg>');
  return parts.join('');
}
