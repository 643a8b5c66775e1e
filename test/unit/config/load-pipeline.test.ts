import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPipeline, validatePipelineText, type LoadResult } from '../../../src/config/index.js';
import type { Diagnostic } from '../../../src/core/diagnostics.js';

/** Diagnostics as `line:col code message (hint)`, the parts a user reads. */
function problems(text: string, overrides: readonly string[] = []): string[] {
  const r = validatePipelineText(text, 'p.yaml', overrides);
  if (r.ok) return [];
  return r.diagnostics.map(brief);
}
function brief(d: Diagnostic): string {
  return `${d.file === 'p.yaml' ? '' : `${d.file}:`}${d.line}:${d.col} ${d.code} ${d.message}${d.hint ? ` (${d.hint})` : ''}`;
}
function ok(r: LoadResult): Extract<LoadResult, { ok: true }> {
  if (!r.ok) throw new Error(r.diagnostics.map(brief).join('\n'));
  return r;
}

const HEAD = `assay: 1
name: t
data: { source: synthetic-cracks, counts: { crack: 10, no-crack: 100 } }
model: { family: cnn }
`;

describe('validatePipelineText: YAML syntax', () => {
  it('reports every syntax error at its line:col and stops there', () => {
    expect(problems('assay: @x\nname: t\nseed: "a\\q"\n')).toEqual([
      '1:8 yaml.syntax Plain value cannot start with reserved character @',
      '3:9 yaml.syntax Invalid escape sequence \\q',
    ]);
    expect(problems('assay: 1\nname: t\nseed: 3\n\tmodel: x\nreport: {a: 1]\n')).toEqual([
      '4:1 yaml.syntax Tabs are not allowed as indentation',
      '5:14 yaml.syntax Flow map in block collection must be sufficiently indented and end with a }',
    ]);
  });

  it('rejects duplicate keys, in block and flow maps', () => {
    expect(problems('assay: 1\nname: a\nname: b\ndata: {a: 1, a: 2}\n')).toEqual([
      '3:1 yaml.duplicate-key duplicate key "name" (each key may appear once in a map)',
      '4:14 yaml.duplicate-key duplicate key "a" (each key may appear once in a map)',
    ]);
  });

  it('reports an unknown alias and an alias bomb as located yaml.alias problems, not a crash', () => {
    expect(problems(`${HEAD}seed: *nope\n`)).toEqual(['5:7 yaml.alias unknown alias *nope (an alias needs an anchor &nope earlier in the file)']);
    const lols = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 9; i++) lols.push(`${'abcdefghi'[i]}: &${'abcdefghi'[i]} [${Array(9).fill(`*${'abcdefghi'[i - 1]}`).join(', ')}]`);
    expect(problems(`${HEAD}${lols.join('\n')}\n`)).toEqual([
      '6:8 yaml.alias aliases expand to more than 1000 values (a "billion laughs" document?); write the values out instead',
    ]);
    expect(problems(`${HEAD}{ a: 1 }: 2\n`)).toEqual(['5:1 yaml.syntax a map key must be plain text or a number, not a map or list']);
    // A few aliases are fine.
    expect(problems(`${HEAD}report: &r { bootstrap: 10 }\n`)).toEqual([]);
  });

  it('says "nested deeper than 64 levels" for deep flow and block nesting, at the first level too deep', () => {
    expect(problems(`${HEAD}search: ${'['.repeat(5000)}${']'.repeat(5000)}\n`)).toEqual([expect.stringMatching(/^5:\d+ yaml.depth nested deeper than 64 levels$/)]);
    expect(problems(`${HEAD}search: ${'{a: '.repeat(80)}1${'}'.repeat(80)}\n`)).toEqual(['5:261 yaml.depth nested deeper than 64 levels']);
    const block = Array.from({ length: 100 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n');
    expect(problems(`${HEAD}${block} 1\n`)).toEqual(['69:129 yaml.depth nested deeper than 64 levels']);
  });

  it('reports 16,000 unknown keys, each at its line, in one pass', () => {
    const keys = Array.from({ length: 16_000 }, (_, i) => `k${i}: 1`).join('\n');
    const all = problems(`${HEAD}${keys}\n`);
    expect(all).toHaveLength(16_000);
    expect(all[0]).toBe('5:1 schema.unknown-key unknown key "k0" in the pipeline');
    expect(all[15_999]).toBe('16004:1 schema.unknown-key unknown key "k15999" in the pipeline');
  });

  it('says an empty file or a list is not a pipeline', () => {
    expect(problems('')).toEqual(['1:1 schema.type the pipeline must be a map (found nothing)']);
    expect(problems('# only a comment\n- a\n')).toEqual(['2:1 schema.type the pipeline must be a map (found a list)']);
  });
});

describe('validatePipelineText: schema problems, located and explained', () => {
  it('locates an unknown top-level key at the key, with a did-you-mean hint', () => {
    expect(problems(`${HEAD}serach: { trials: 3 }\n`)).toEqual(['5:1 schema.unknown-key unknown key "serach" in the pipeline (did you mean "search"?)']);
  });

  it('lists the allowed keys when nothing is close', () => {
    expect(problems(`${HEAD}report: { zzz: 1 }\n`)).toEqual(['5:11 schema.unknown-key unknown key "zzz" in report (expected one of: false-positives, bootstrap)']);
  });

  it('names a misspelled step kind and suggests the right one', () => {
    expect(problems(`${HEAD}features:\n  - resize: { width: 64, height: 64 }\n  - centre-crop: { fraction: 0.5 }\n`)).toEqual([
      '7:5 schema.unknown-key unknown feature step "centre-crop" in features[1] (did you mean "center-crop"?)',
    ]);
  });

  it('reports a wrong type, a range and a pattern at the value', () => {
    expect(problems(`${HEAD}search: { trials: four, parallel: 32, time: 12 min }\n`)).toEqual([
      '5:19 schema.type search.trials must be an integer (found "four")',
      '5:35 schema.range search.parallel must be <= 16 (found 32)',
      '5:45 schema.pattern search.time must be a duration like 90s, 12m or 1h30m (found "12 min")',
    ]);
  });

  it('locates a missing required key at the document start or at the parent key', () => {
    expect(problems('# yaml-language-server: $schema=x\nassay: 1\ndata: { source: synthetic-cracks, counts: { crack: 1, no-crack: 2 } }\nmodel: { family: cnn }\n'))
      .toEqual(['2:1 schema.required the pipeline is missing required key "name"']);
    expect(problems('assay: 1\nname: t\ndata:\n  source: image-folder\n  classes: { a: A, b: B }\n  positive: a\nmodel: { family: cnn }\n'))
      .toEqual(['3:1 schema.required data is missing required key "path"']);
  });

  it('reports several problems of one file at once, in file order', () => {
    const text = `assay: 2
name: Bad Name
backend: gpu
data:
  source: image-folder
  path: x
  classes: { crack: P, no-crack: N }
  positive: crack
  on-eror: skip
features:
  - grayscale: {}
    normalize: {}
model:
  family: cnx
`;
    expect(problems(text)).toEqual([
      '1:8 schema.enum assay must be 1 (found 2)',
      "2:7 schema.pattern name must be lowercase letters, digits, '-', '_' and '.', starting with a letter or digit (found \"Bad Name\")",
      '3:10 schema.enum backend must be one of auto, wasm, cpu, tensorflow, tensorflow-gpu (found "gpu") (did you mean "cpu"?)',
      '9:3 schema.unknown-key unknown key "on-eror" in data (did you mean "on-error"?)',
      '11:5 schema.shape features[0] must be a single-key map such as {resize: {width: 64, height: 64}} (found keys grayscale, normalize) (each list item is one step: did you forget a "-"?)',
      '14:11 schema.enum model.family must be one of cnn, mlp, logistic, two-branch (found "cnx") (did you mean "cnn"?)',
    ]);
  });

  it('checks the keys of a data block against its own source', () => {
    expect(problems('assay: 1\nname: t\ndata: { source: synthetic-cracks, size: 8, path: x, counts: { crack: 1, no-crack: 2 } }\nmodel: { family: cnn }\n')).toEqual([
      '3:41 schema.range data.size must be >= 16 (found 8)',
      '3:44 schema.unknown-key unknown key "path" in data (expected one of: source, size, counts, hard-negatives, positive)',
    ]);
    expect(problems('assay: 1\nname: t\ndata: { source: folder }\nmodel: { family: cnn }\n')).toEqual([
      '3:17 schema.enum data.source must be one of image-folder, synthetic-cracks, csv (found "folder")',
    ]);
  });

  it('collapses alternatives into one message per problem', () => {
    expect(problems(`${HEAD}sampling: { total: 5 }\n`)).toEqual([
      '5:1 schema.required sampling needs counts or ratio (expected all, {counts: {class: n}} or {ratio: {class: r}, total?: n} or {ratio: {class: r}, at-most: n})',
    ]);
    expect(problems(`${HEAD}sampling: 3\n`)).toEqual(['5:11 schema.type sampling must be all, {counts: {class: n}} or {ratio: {class: r}, total?: n} or {ratio: {class: r}, at-most: n} (found 3)']);
    expect(problems(`${HEAD}sampling: al\n`)).toEqual(['5:11 schema.enum sampling must be "all" (found "al") (did you mean "all"?)']);
    expect(problems(`${HEAD}holdout: { counts: { crack: 1, no-crack: 3 }, fraction: 0.1 }\n`)).toEqual([
      '5:47 schema.conflict "fraction" cannot be combined with "counts" in holdout',
    ]);
    expect(problems(`${HEAD}features:\n  - center-crop: { width: 3 }\n`)).toEqual(['6:20 schema.required "width" in features[0].center-crop needs "height" too']);
  });

  it('reports a misspelled key of a key-constrained map at that key', () => {
    expect(problems(`${HEAD}objective: { threshold: { maximize: recall, subject-to: { prcision: ">= 0.9" } } }\n`)).toEqual([
      '5:59 schema.enum "prcision" is not allowed as a key of objective.threshold.subject-to: expected one of accuracy, precision, recall, specificity, f1, fbeta, mcc, balanced-accuracy, fnr, fpr, pr-auc, roc-auc, log-loss, macro-precision, macro-recall, macro-f1, weighted-f1 (did you mean "precision"?)',
    ]);
  });

  it('locates a bad bound of a search range at that bound', () => {
    expect(problems('assay: 1\nname: t\ndata: { source: synthetic-cracks, counts: { crack: 1, no-crack: 2 } }\nmodel:\n  family: cnn\n  space:\n    blocks: { int: [1.5, 3] }\n    learning-rate: { log: [0, 1] }\n')).toEqual([
      '7:21 schema.type model.space.blocks.int[0] must be an integer (found 1.5)',
      '8:28 schema.range model.space.learning-rate.log[0] must be > 0 (found 0)',
    ]);
  });
});

describe('validatePipelineText: defaults', () => {
  it('fills every default into the spec and the resolved form, keeping the document as written', () => {
    const r = ok(validatePipelineText(HEAD, 'p.yaml'));
    expect(r.document).toEqual({ assay: 1, name: 't', data: { source: 'synthetic-cracks', counts: { crack: 10, 'no-crack': 100 } }, model: { family: 'cnn' } });
    expect(r.spec).toEqual({
      assay: 1, name: 't', version: 1, description: '', seed: 0, backend: 'auto',
      data: { source: 'synthetic-cracks', size: 96, counts: { crack: 10, 'no-crack': 100 }, hardNegatives: 0.3, positive: 'crack', onError: 'fail', duplicates: 'report' },
      holdout: { kind: 'fraction', fraction: 0.2, stratify: true },
      sampling: { kind: 'all' },
      split: { kind: 'fraction', validation: 0.2, stratify: true },
      features: [],
      resample: { method: 'none' },
      model: { families: ['cnn'], space: {}, training: { epochs: 20, batchSize: 32, optimizer: 'adam', learningRate: 0.001, schedule: 'constant', earlyStopping: { patience: 5, minDelta: 0 } } },
      objective: { metric: 'f1', beta: 1, threshold: { kind: 'tune' }, prevalence: { kind: 'sample' } },
      search: { strategy: 'bayesian', trials: 8, timeSeconds: null, parallel: 1, pruning: 'median', startup: 4 },
      report: { falsePositives: 16, bootstrap: 1000 },
    });
    expect(r.resolved).toMatchObject({ sampling: 'all', holdout: { fraction: 0.2, stratify: true }, search: { startup: 4 }, model: { training: { 'early-stopping': { patience: 5, 'min-delta': 0 } } } });
    expect(r.warnings).toEqual([]);
  });

  it('fills step parameters, startup from trials and parallel, and turns early stopping off with false', () => {
    const r = ok(validatePipelineText(`${HEAD.replace('model: { family: cnn }\n', '')}model: { family: cnn, training: { early-stopping: false } }
features: [ { edges: }, { augment: { rotate90: true } } ]
search: { trials: 3, parallel: 2, time: 1h30m }
`, 'p.yaml'));
    expect(r.spec.features).toEqual([
      { kind: 'edges', method: 'sobel', mode: 'append' },
      { kind: 'augment', augment: { flipHorizontal: false, flipVertical: false, rotate90: true, brightness: 0, contrast: 0, translate: 0 } },
    ]);
    expect(r.spec.search).toEqual({ strategy: 'bayesian', trials: 3, timeSeconds: 5400, parallel: 2, pruning: 'median', startup: 3 });
    expect(r.spec.model.training.earlyStopping).toBeNull();
    const fixed = ok(validatePipelineText(`${HEAD}objective: { threshold: 0.3 }\n`, 'p.yaml'));
    expect(fixed.spec.objective.threshold).toEqual({ kind: 'fixed', value: 0.3 });
    expect(problems(`${HEAD}objective: { threshold: 1.5 }\n`)).toEqual(['5:25 schema.range objective.threshold must be <= 1 (found 1.5)']);
  });

  it('maps group-by, k-fold, constrained thresholds and class weights to their spec forms', () => {
    const r = ok(validatePipelineText(`${HEAD}holdout: { counts: { crack: 2, no-crack: 20 }, group-by: "^(\\\\w+)_" }
split: { folds: 5, stratify: false }
resample: { method: class-weights, weights: { crack: 10, no-crack: 1 } }
objective: { metric: fbeta, beta: 2, threshold: { maximize: recall, subject-to: { precision: ">= 0.95", fpr: "< .1" } } }
`, 'p.yaml'));
    expect(r.spec.holdout).toEqual({ kind: 'counts', counts: { crack: 2, 'no-crack': 20 }, groupBy: { kind: 'pattern', pattern: '^(\\w+)_' } });
    expect(r.spec.split).toEqual({ kind: 'k-fold', folds: 5, stratify: false });
    expect(r.spec.resample).toEqual({ method: 'class-weights', weights: { crack: 10, 'no-crack': 1 } });
    expect(r.spec.objective).toEqual({
      metric: 'fbeta', beta: 2,
      threshold: { kind: 'constrained', optimize: 'recall', subjectTo: [{ metric: 'precision', op: '>=', value: 0.95 }, { metric: 'fpr', op: '<', value: 0.1 }] },
      prevalence: { kind: 'sample' },
    });
  });

  it('locates any path for later checks, falling back to the nearest existing key', () => {
    const r = ok(validatePipelineText(`# comment\n${HEAD}sampling: { counts: { crack: 5, no-crack: 50 } }\n`, 'p.yaml'));
    expect(r.locate('sampling.counts.no-crack')).toEqual({ file: 'p.yaml', line: 6, col: 33 });
    expect(r.locate('sampling.counts.other')).toEqual({ file: 'p.yaml', line: 6, col: 13 });
    expect(r.locate('report.bootstrap')).toEqual({ file: 'p.yaml', line: 2, col: 1 });
  });
});

describe('loadPipeline', () => {
  it('reads a file and validates it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'assay-config-'));
    const file = path.join(dir, 'p.yaml');
    writeFileSync(file, HEAD);
    const r = ok(await loadPipeline(file, { overrides: ['seed=5'] }));
    expect(r.text).toBe(HEAD);
    expect(r.spec.seed).toBe(5);
  });

  it('uses given text instead of reading, and reports an unreadable file as a diagnostic', async () => {
    expect((await loadPipeline('/nonexistent/p.yaml', { text: HEAD })).ok).toBe(true);
    expect(await loadPipeline('/nonexistent/p.yaml')).toEqual({
      ok: false,
      diagnostics: [{ code: 'file.read', severity: 'error', path: '', file: '/nonexistent/p.yaml', line: 1, col: 1, message: 'cannot read the pipeline: no such file' }],
    });
  });
});
