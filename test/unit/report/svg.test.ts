import { describe, expect, it } from 'vitest';
import { barChart, confusionHeatmap, escapeXml, lineChart } from '../../../src/report/svg.js';

describe('escapeXml', () => {
  it('escapes the five XML-significant characters', () => {
    expect(escapeXml(`<a href="x">&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;');
  });
});

describe('lineChart', () => {
  const svg = lineChart(
    [{ name: '<b>series</b>', points: [[0, 0], [0.5, Number.NaN], [1, 1], [Infinity, 2]] }, { name: 'dots', points: [[0.5, 0.5]], dots: true, line: false }],
    { title: 'T & <U>', xLabel: 'x', yLabel: 'y', xDomain: [0, 1], yDomain: [0, 1], markers: [{ x: 0.5, label: 't = 0.5' }, { y: 0.25, label: 'base' }] },
  );
  it('escapes every text and has no namespace unless standalone', () => {
    expect(svg).toContain('<title>T &amp; &lt;U&gt;</title>');
    expect(svg).toContain('&lt;b&gt;series&lt;/b&gt;');
    expect(svg).not.toContain('<b>');
    expect(svg.startsWith('<svg viewBox')).toBe(true);
    expect(lineChart([], { title: 'x', standalone: true })).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });
  it('drops non-finite points and maps the domain onto the plot area', () => {
    // plot area: x 52..464, y 256 (bottom) .. 28 (top)
    expect(svg).toContain('points="52.0,256.0 464.0,28.0"');
    expect(svg).not.toContain('NaN');
    expect(svg).not.toContain('Infinity');
  });
  it('draws scatter series as dots only, and markers as dashed lines with labels', () => {
    expect(svg.match(/<polyline/g)?.length).toBe(1);
    expect(svg).toContain('<circle cx="258.0" cy="142.0" r="3"');
    expect(svg).toContain('<line x1="258.0" x2="258.0" y1="28" y2="256"');
    expect(svg).toContain('>t = 0.5</text>');
    expect(svg).toContain('y1="199.0" y2="199.0"');
  });
  it('draws a staircase for step series', () => {
    const s = lineChart([{ name: 's', points: [[0, 0], [1, 1]], step: true }], { title: 's', xDomain: [0, 1], yDomain: [0, 1] });
    expect(s).toContain('points="52.0,256.0 464.0,256.0 464.0,28.0"');
  });
  it('survives empty and constant data', () => {
    expect(lineChart([{ name: 'e', points: [] }], { title: 'e' })).toContain('</svg>');
    expect(lineChart([{ name: 'c', points: [[1, 2], [1, 2]] }], { title: 'c' })).not.toContain('NaN');
  });
});

describe('barChart', () => {
  it('draws one bar per class and stage with its value, escaped', () => {
    const svg = barChart({ categories: ['source', '<hold-out>'], series: [{ name: 'crack', values: [10, 5] }, { name: 'no&crack', values: [20, 0] }] }, { title: 'counts' });
    expect(svg.match(/<rect [^>]*><title>/g)?.length).toBe(4);
    expect(svg).toContain('<title>no&amp;crack / &lt;hold-out&gt;: 0</title>');
    expect(svg).toContain('>20</text>');
  });
});

describe('confusionHeatmap', () => {
  it('shows counts and row shares with escaped labels', () => {
    const svg = confusionHeatmap([[3, 1], [0, 4]], ['<p>', 'n'], ['<p>', 'n'], { title: 'cm' });
    expect(svg).toContain('>75.0%</text>');
    expect(svg).toContain('>100.0%</text>');
    expect(svg).toContain('actual &lt;p&gt;');
    expect(svg).not.toContain('<p>');
  });
});

/** Numeric attributes of the first element matching `selector` (a tag and class). */
function box(svg: string, cls: string): { x: number; y: number; width: number; height: number } {
  const tag = new RegExp(`<rect class="${cls}"([^>]*)>`).exec(svg);
  if (!tag) throw new Error(`no rect.${cls}`);
  const num = (a: string) => Number(new RegExp(`\\b${a}="([^"]+)"`).exec(tag[1]!)![1]);
  return { x: num('x'), y: num('y'), width: num('width'), height: num('height') };
}

describe('legends and labels outside the plot area', () => {
  const series = Array.from({ length: 5 }, (_, i) => ({ name: `trial series ${i} with a long descriptive name`, points: [[0, i / 5], [1, 1 - i / 5]] as [number, number][] }));
  const svg = lineChart(series, { title: 't', xDomain: [0, 1], yDomain: [0, 1], legend: 'bottom-right', markers: [{ x: 0.559, label: 'threshold 0.559' }] });
  const viewBox = /viewBox="0 0 (\d+) (\d+)"/.exec(svg)!.slice(1).map(Number);

  it('puts the legend box right of the plot area, inside the picture', () => {
    const plot = box(svg, 'plot-area'), legend = box(svg, 'legend');
    expect(legend.x).toBeGreaterThanOrEqual(plot.x + plot.width);
    expect(legend.x + legend.width).toBeLessThanOrEqual(viewBox[0]!);
    expect(legend.y + legend.height).toBeLessThanOrEqual(viewBox[1]!);
  });

  it('puts a threshold marker label above the plot area, with its full value', () => {
    const plot = box(svg, 'plot-area');
    const label = /<text class="marker-label" x="[\d.]+" y="([\d.]+)"[^>]*>([^<]+)</.exec(svg)!;
    expect(Number(label[1])).toBeLessThan(plot.y);
    expect(label[2]).toBe('threshold 0.559');
  });

  it('does the same for bar charts, and a log axis keeps a 1:160 class visible', () => {
    const bars = barChart({ categories: ['source', 'sample'], series: [{ name: 'crack', values: [1500, 75] }, { name: 'no-crack', values: [15000, 12000] }] }, { title: 'counts', log: true });
    const plot = box(bars, 'plot-area'), legend = box(bars, 'legend');
    expect(legend.x).toBeGreaterThanOrEqual(plot.x + plot.width);
    const heights = [...bars.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)"[^>]*><title>crack/g)].map((m) => Number(m[1]));
    // 75 of 12,000 on a linear axis would be under 2 pixels high
    expect(Math.min(...heights)).toBeGreaterThan(50);
    expect(bars).toContain('>10k</text>');
  });
});
