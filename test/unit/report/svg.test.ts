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
