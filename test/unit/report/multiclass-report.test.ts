import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.js';
import { scoreMulticlassHoldout } from '../../../src/evaluate/multiclass-holdout.js';
import { renderMulticlassHtml, renderMulticlassMarkdown, type MulticlassReportInput } from '../../../src/report/multiclass.js';
import { makeInput } from './fixture.js';

const CLASSES = ['circle', 'square', 'triangle'];
// 9 items, 3 per class, two of them mistaken.
const LABELS = [0, 0, 0, 1, 1, 1, 2, 2, 2];
const PREDICTED = [0, 0, 1, 1, 1, 1, 2, 0, 2];
const PROBS = PREDICTED.flatMap((p) => CLASSES.map((_, c) => (c === p ? 0.8 : 0.1)));

function multiclassInput(): MulticlassReportInput {
  const base = makeInput();
  return {
    run: base.run, classes: CLASSES, metric: 'macro-f1', rule: 'arg-max',
    holdout: scoreMulticlassHoldout(LABELS.map((_, i) => i), PROBS, LABELS, CLASSES, { resamples: 20, rng: new Rng(3) }),
    resamples: 20, trials: base.trials, bestTrial: base.bestTrial,
    counts: [{ stage: 'source', counts: { circle: 3, square: 3, triangle: 3 } }],
    stages: base.stages, environment: base.environment, gallery: { mistakes: [] },
  };
}

describe('the multi-class report', () => {
  it('gives the start time to the minute and says it is UTC, in report.md and report.html', () => {
    const input = multiclassInput();
    expect(input.run.createdAt).toBe('2024-05-01T10:00:00.000Z');
    const md = renderMulticlassMarkdown(input);
    const html = renderMulticlassHtml(input);
    expect(md).toContain(', started 2024-05-01 10:00 UTC.');
    expect(html).toContain(', started 2024-05-01 10:00 UTC.</p>');
    for (const text of [md, html]) expect(text).not.toContain('2024-05-01T10:00');
  });
});
