import { describe, expect, it } from 'vitest';
import { validatePipelineText } from '../../../src/config/index.js';
import type { FeatureStep } from '../../../src/core/spec.js';
import { applyTabular, fitTabular } from '../../../src/features/tabular.js';

// 4 rows x 3 model columns: amount (numeric), color=blue, color=red (one-hot of `color`).
const COLUMNS = ['amount', 'color=blue', 'color=red'];
const DATA = ['amount', 'color'];
const X = Float32Array.of(0, 1, 0, 9, 0, 1, 99, 1, 0, -3, 0, 1);

const fit = (steps: FeatureStep[]) => fitTabular(steps, X, 3, COLUMNS, DATA);

describe('table steps', () => {
  it('standardize takes the numeric columns and leaves the one-hot columns alone', () => {
    const f = fit([{ kind: 'standardize', columns: 'numeric' }]);
    const mean = (0 + 9 + 99 - 3) / 4;
    const std = Math.sqrt([0, 9, 99, -3].reduce((a, v) => a + (v - mean) ** 2, 0) / 4);
    expect(f.steps[0]).toMatchObject({ kind: 'standardize', columns: [0] });
    const s = f.steps[0] as unknown as { mean: number[]; std: number[] };
    expect(s.mean[0]).toBeCloseTo(mean, 5);
    expect(s.std[0]).toBeCloseTo(std, 4);
    const out = applyTabular(f, X, 3);
    expect(out[0]).toBeCloseTo((0 - mean) / std, 5);
    expect(Array.from(out.filter((_, i) => i % 3 !== 0))).toEqual([1, 0, 0, 1, 1, 0, 0, 1]);
  });

  it('log1p is sign(x) log(1 + |x|), defined for negative values too', () => {
    const out = applyTabular(fit([{ kind: 'log1p', columns: ['amount'] }]), X, 3);
    expect([out[0], out[3], out[6], out[9]].map((v) => Number(v!.toFixed(5)))).toEqual([0, Math.log(10), Math.log(100), -Math.log(4)].map((v) => Number(Math.fround(v).toFixed(5))));
  });

  it('clip uses fixed bounds, or the training quantiles it learned, on later rows too', () => {
    const fixed = fit([{ kind: 'clip', columns: 'numeric', bounds: { kind: 'fixed', min: 0, max: 10 } }]);
    expect(Array.from(applyTabular(fixed, X, 3)).filter((_, i) => i % 3 === 0)).toEqual([0, 9, 10, 0]);
    const q = fit([{ kind: 'clip', columns: 'numeric', bounds: { kind: 'quantile', quantile: 0.25 } }]);
    // Sorted training values -3, 0, 9, 99: type-7 quantiles 0.25 -> -0.75, 0.75 -> 31.5.
    expect(q.steps[0]).toEqual({ kind: 'clip', columns: [0], min: [-0.75], max: [31.5] });
    expect(Array.from(applyTabular(q, Float32Array.of(1000, 0, 0, -1000, 0, 0), 3))).toEqual([31.5, 0, 0, -0.75, 0, 0]);
  });

  it('refuses a column the table lacks, a one-hot column, and a table step without columns', () => {
    expect(() => fit([{ kind: 'log1p', columns: ['amnt'] }])).toThrow('feature step log1p names column amnt, which the table does not have (columns: amount, color=blue, color=red)');
    expect(() => fit([{ kind: 'standardize', columns: ['color=red'] }])).toThrow('feature step standardize names column color=red, a one-hot or indicator column; it takes numeric columns');
    expect(() => fitTabular([{ kind: 'log1p', columns: 'numeric' }], X, 3)).toThrow('feature step log1p takes table columns; this data has none');
  });

  it('validates in a tabular pipeline and is refused, located, on images', () => {
    const csv = `assay: 1\nname: t\ndata: { source: csv, path: t.csv, label: y, columns: [amount, color], positive: a }\nmodel: { family: mlp }\nfeatures:\n  - clip: { quantile: 0.05 }\n  - log1p: { columns: [amount] }\n  - standardize: {}\n`;
    const r = validatePipelineText(csv, 'p.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(r.spec.features).toEqual([
      { kind: 'clip', columns: 'numeric', bounds: { kind: 'quantile', quantile: 0.05 } },
      { kind: 'log1p', columns: ['amount'] },
      { kind: 'standardize', columns: 'numeric' },
    ]);
    const images = `assay: 1\nname: t\ndata: { source: synthetic-cracks, counts: { crack: 10, no-crack: 10 } }\nmodel: { family: cnn }\nfeatures:\n  - log1p: {}\n`;
    const bad = validatePipelineText(images, 'p.yaml');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`)).toEqual(['6:5 semantic.table-step feature step log1p takes table columns, but this data is images']);
  });

  it('reads impute and one-hot with their defaults, and locates a column name data.columns lacks', () => {
    const head = `assay: 1\nname: t\ndata: { source: csv, path: t.csv, label: y, columns: [amount, color], positive: a }\nmodel: { family: mlp }\nfeatures:\n`;
    const r = validatePipelineText(`${head}  - impute:\n  - impute: { columns: categorical, strategy: most-frequent, indicator: true }\n  - one-hot: {}\n`, 'p.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(r.spec.features).toEqual([
      { kind: 'impute', columns: 'numeric', strategy: 'median', indicator: false },
      { kind: 'impute', columns: 'categorical', strategy: 'most-frequent', indicator: true },
      { kind: 'one-hot', columns: 'categorical' },
    ]);
    const bad = validatePipelineText(`${head}  - impute: { columns: [amount, colour] }\n  - one-hot: { columns: [region] }\n`, 'p.yaml');
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`)).toEqual([
        '6:33 semantic.step-column feature step impute names column colour, which is not one of data.columns (amount, color)',
        '7:26 semantic.step-column feature step one-hot names column region, which is not one of data.columns (amount, color)',
      ]);
    }
    const strategy = validatePipelineText(`${head}  - impute: { strategy: mean }\n`, 'p.yaml');
    expect(strategy.ok).toBe(false);
  });
});
