import { describe, expect, it } from 'vitest';
import { loadPipeline, validatePipelineText } from '../../../src/config/index.js';

function problems(text: string): string[] {
  const r = validatePipelineText(text, 'p.yaml');
  const ds = r.ok ? r.warnings : r.diagnostics;
  return ds.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}${d.hint ? ` (${d.hint})` : ''}`);
}

const THREE = `assay: 1
name: t
data:
  source: image-folder
  path: d
  classes: { circle: c, square: s, cross: x }
model: { family: cnn }
`;

describe('multi-class pipelines (data.positive left out)', () => {
  it('validate with more than two classes, defaulting the objective to macro-f1', () => {
    const r = validatePipelineText(THREE, 'p.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(r.spec.data).not.toHaveProperty('positive');
    expect(r.spec.objective.metric).toBe('macro-f1');
    expect(r.warnings).toEqual([]);
  });

  it('keep f1 as the default, and every binary key, when data.positive is set', () => {
    const r = validatePipelineText(THREE.replace('  classes:', '  positive: circle\n  classes:'), 'p.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(r.spec.objective.metric).toBe('f1');
    expect(r.spec.data).toMatchObject({ positive: 'circle' });
  });

  it('require data.positive for two classes, at the data block', () => {
    expect(problems(THREE.replace(', cross: x', ''))).toEqual([
      '3:1 semantic.positive-required data.positive is required for 2 classes (circle, square); only more than two classes may leave it out (add positive: circle)',
    ]);
  });

  it('refuse the binary-only options and metrics, each at its place', () => {
    const text = `${THREE}objective: { metric: f1, threshold: 0.3, prevalence: 0.1 }\nsplit: { folds: 3 }\n`;
    expect(problems(text)).toEqual([
      '8:22 semantic.metric-classes f1 is a binary metric and this problem is multi-class (no data.positive) (use one of accuracy, mcc, balanced-accuracy, log-loss, macro-precision, macro-recall, macro-f1, weighted-f1, or set data.positive)',
      '8:37 semantic.binary-only a fixed threshold needs a positive class; a multi-class problem decides by arg-max (set data.positive, or remove objective.threshold)',
      '8:42 semantic.binary-only objective.prevalence reweights the positive class, and this problem is multi-class (no data.positive) (set data.positive, or remove objective.prevalence)',
    ]);
  });

  it('read per-class constraints and check the class and the metric', () => {
    // NOTE: a per-class key holds brackets, which YAML's flow style reads as a list: write it in block style (or quoted).
    const ok = `${THREE}objective:
  metric: macro-f1
  threshold:
    maximize: macro-f1
    subject-to:
      recall[cross]: ">= 0.9"
      accuracy: "> 0.5"
`;
    const r = validatePipelineText(ok, 'p.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(r.spec.objective.threshold).toEqual({
      kind: 'constrained', optimize: 'macro-f1',
      subjectTo: [{ metric: 'recall', class: 'cross', op: '>=', value: 0.9 }, { metric: 'accuracy', op: '>', value: 0.5 }],
    });
    const bad = ok.replace('recall[cross]', 'recall[crosss]').replace('accuracy: "> 0.5"', 'precision: "> 0.5"');
    expect(problems(bad)).toEqual([
      '13:7 semantic.unknown-class recall[crosss] names class "crosss", which the data does not have (classes: circle, square, cross) (did you mean "cross"?)',
      '14:7 semantic.metric-classes precision is a binary metric and this problem is multi-class (no data.positive) (use one of accuracy, mcc, balanced-accuracy, log-loss, macro-precision, macro-recall, macro-f1, weighted-f1, or set data.positive)',
    ]);
    expect(problems(ok.replace('recall[cross]', 'specificity[cross]'))[0]).toMatch(/^13:7 schema\./);
  });

  it('refuse multi-class metrics and per-class constraints in a binary pipeline', () => {
    const text = `${THREE.replace('  classes:', '  positive: circle\n  classes:')}objective: { metric: macro-f1, threshold: { maximize: f1, subject-to: { "recall[cross]": ">= 0.9" } } }\n`;
    expect(problems(text)).toEqual([
      '9:22 semantic.metric-classes macro-f1 is a multi-class metric and this problem is binary (data.positive is set) (use one of accuracy, precision, recall, specificity, f1, fbeta, mcc, balanced-accuracy, fnr, fpr, pr-auc, roc-auc, log-loss, or leave out data.positive for more than two classes)',
      '9:73 semantic.metric-classes recall[cross] constrains one class of a multi-class problem; this problem is binary (data.positive is set) (write recall: "..." for the positive class)',
    ]);
  });
});

describe('the shipped 10-class example', () => {
  it('validates without warnings as a multi-class pipeline over ten classes', async () => {
    const r = await loadPipeline('pipelines/fashion-10class.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(r.warnings).toEqual([]);
    expect(r.spec.data).not.toHaveProperty('positive');
    expect(r.spec.data.source === 'image-folder' && Object.keys(r.spec.data.classes)).toHaveLength(10);
    expect(r.spec.objective.metric).toBe('accuracy');
  });
});
