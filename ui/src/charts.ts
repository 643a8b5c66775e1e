/** Interactive charts through uPlot (canvas): zoom by dragging, values under the cursor in the legend. */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { el, esc } from './dom.js';

export interface Series {
  readonly label: string;
  readonly color: string;
  readonly values: readonly (number | null)[];
  /** Points only, no line (scatter). */
  readonly points?: boolean;
  readonly dash?: boolean;
  readonly width?: number;
}

export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  readonly x: readonly number[];
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  /** Fixed y range, e.g. [0, 1] for rates. */
  readonly yRange?: readonly [number, number];
  readonly xRange?: readonly [number, number];
  readonly height?: number;
  /** x is an integer count (trial, epoch, run): ticks on whole numbers only. */
  readonly xInt?: boolean;
  /** Tick labels for x = 1..n (e.g. a run's version), with `xInt`. */
  readonly xTicks?: readonly string[];
}

const INT_INCRS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];

/** A titled chart in `parent`; returns the wrapper (carries data-chart=id for tests). */
export function chart(parent: HTMLElement, spec: ChartSpec): HTMLElement {
  const box = el('div', 'chart', `<h4>${esc(spec.title)}</h4>`);
  box.dataset.chart = spec.id;
  parent.append(box);
  const width = Math.max(280, Math.min(560, (parent.clientWidth || 560) - 16));
  const opts: uPlot.Options = {
    width, height: spec.height ?? 240,
    scales: {
      x: { time: false, ...(spec.xRange ? { range: [spec.xRange[0], spec.xRange[1]] as uPlot.Range.MinMax } : {}) },
      y: spec.yRange ? { range: [spec.yRange[0], spec.yRange[1]] as uPlot.Range.MinMax } : {},
    },
    axes: [
      {
        label: spec.xLabel, size: 36, space: spec.xTicks ? 70 : 50,
        ...(spec.xInt ? { incrs: INT_INCRS } : {}),
        ...(spec.xTicks ? { values: (_u: uPlot, splits: number[]) => splits.map((v) => spec.xTicks![v - 1] ?? '') } : {}),
      },
      { label: spec.yLabel, size: 50 },
    ],
    series: [
      { label: spec.xLabel },
      ...spec.series.map((s): uPlot.Series => ({
        label: s.label, stroke: s.color, width: s.width ?? (s.points ? 0 : 2), spanGaps: !s.points,
        dash: s.dash ? [6, 4] : undefined,
        ...(s.points ? { paths: () => null, points: { show: true, size: 7, stroke: s.color, fill: s.color } } : { points: { show: false } }),
      })),
    ],
    legend: { live: true },
  };
  // uPlot wants strictly ascending x: equal x values (a scatter of trials) are nudged apart invisibly.
  const x = Array.from(spec.x);
  for (let i = 1; i < x.length; i++) if (x[i]! <= x[i - 1]!) x[i] = x[i - 1]! + Math.max(1e-9, Math.abs(x[i - 1]!) * 1e-9);
  const data = [x, ...spec.series.map((s) => Array.from(s.values))] as uPlot.AlignedData;
  new uPlot(opts, data, box);
  return box;
}
