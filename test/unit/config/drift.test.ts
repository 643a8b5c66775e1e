import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BACKENDS, FEATURE_KINDS, OPTIMIZERS, PRUNERS, RESAMPLE_METHODS, RESIZE_FITS, SCHEDULES, SCHEMA, STRATEGIES, loadPipeline, validatePipelineText, withDefaults,
} from '../../../src/config/index.js';
import { FAMILY_PARAMS } from '../../../src/learn/families/params.js';
import { STEP_KINDS } from '../../../src/features/kinds/registry.js';
import { FAMILY_NAMES, type PipelineSpec } from '../../../src/core/spec.js';
import { ALL_METRIC_NAMES } from '../../../src/evaluate/metric-kinds/registry.js';
import { sampleCounts } from '../../../src/data/partition/sample.js';

type Node = Record<string, any>;
const S = SCHEMA as Node;
const defs = S['$defs'] as Node;

/** The flagship example exactly as the project brief gives it. */
const FLAGSHIP = `assay: 1
name: crack-seed
version: 1
description: 160:1 crack detection, F1 objective, Bayesian search
seed: 2022
data:
  source: image-folder
  path: data/concrete-crack
  classes: { crack: Positive, no-crack: Negative }   # class name: folder
  positive: crack
holdout: { fraction: 0.05, stratify: true }          # carved first, used once
sampling: { counts: { no-crack: 14000, crack: 88 } } # or a ratio, e.g. { ratio: { no-crack: 160, crack: 1 } }
split: { validation: 0.2, stratify: true }
features:
  - resize: { width: 64, height: 64 }
  - grayscale: {}
  - normalize: { method: standard }                  # statistics fitted on the training part only
resample: { method: random-oversample, ratio: 0.2 }  # training part only
model:
  family: cnn
  space:
    blocks: { int: [2, 4] }
    filters: { choice: [8, 16, 32] }
    dropout: { float: [0.0, 0.5] }
    learning-rate: { log: [1.0e-4, 1.0e-2] }
  training: { epochs: 30, batch-size: 32, early-stopping: { patience: 5 } }
objective: { metric: f1, threshold: tune }
search: { strategy: bayesian, trials: 16, time: 12m, parallel: 2 }
`;

const FLAGSHIP_SPEC: PipelineSpec = {
  assay: 1,
  name: 'crack-seed',
  version: 1,
  description: '160:1 crack detection, F1 objective, Bayesian search',
  seed: 2022,
  backend: 'auto',
  data: { source: 'image-folder', path: 'data/concrete-crack', classes: { crack: 'Positive', 'no-crack': 'Negative' }, positive: 'crack', onError: 'fail', duplicates: 'report' },
  holdout: { kind: 'fraction', fraction: 0.05, stratify: true },
  sampling: { kind: 'counts', counts: { 'no-crack': 14000, crack: 88 } },
  split: { kind: 'fraction', validation: 0.2, stratify: true },
  features: [
    { kind: 'resize', width: 64, height: 64, fit: 'fill' },
    { kind: 'grayscale' },
    { kind: 'normalize', method: 'standard' },
  ],
  resample: { method: 'random-oversample', ratio: 0.2 },
  model: {
    families: ['cnn'],
    space: {
      blocks: { kind: 'int', low: 2, high: 4 },
      filters: { kind: 'choice', values: [8, 16, 32] },
      dropout: { kind: 'float', low: 0, high: 0.5 },
      'learning-rate': { kind: 'log', low: 1e-4, high: 1e-2 },
    },
    training: { epochs: 30, batchSize: 32, optimizer: 'adam', learningRate: 1e-3, schedule: 'constant', earlyStopping: { patience: 5, minDelta: 0 } },
  },
  objective: { metric: 'f1', beta: 1, threshold: { kind: 'tune' }, prevalence: { kind: 'sample' } },
  search: { strategy: 'bayesian', trials: 16, timeSeconds: 720, parallel: 2, pruning: 'median', startup: 4 },
  report: { falsePositives: 16, bootstrap: 1000 },
};

describe('schema and spec.ts agree', () => {
  it('lists the same feature kinds, metrics, families, resample methods and backends', () => {
    expect(Object.keys(defs['featureStep'].properties)).toEqual([...FEATURE_KINDS]);
    expect(defs['metric'].enum).toEqual([...ALL_METRIC_NAMES]);
    expect(defs['familyName'].enum).toEqual([...FAMILY_NAMES]);
    expect(defs['resample'].properties.method.enum).toEqual([...RESAMPLE_METHODS]);
    expect(S['properties'].backend.enum).toEqual([...BACKENDS]);
  });

  it('holds each feature-step kind\'s schema fragment and $defs exactly as its module declares them', () => {
    for (const [kind, def] of Object.entries(STEP_KINDS)) {
      expect(defs['featureStep'].properties[kind], kind).toEqual(def.schema);
      for (const [name, node] of Object.entries(('defs' in def ? def.defs : undefined) ?? {})) expect(defs[name], `${kind}: $defs.${name}`).toEqual(node);
    }
  });

  it('lists the same optimizers, schedules, strategies, pruners and resize fits', () => {
    expect(defs['training'].properties.optimizer.enum).toEqual([...OPTIMIZERS]);
    expect(defs['training'].properties.schedule.enum).toEqual([...SCHEDULES]);
    expect(defs['search'].properties.strategy.enum).toEqual([...STRATEGIES]);
    expect(defs['search'].properties.pruning.enum).toEqual([...PRUNERS]);
    expect(defs['resize'].properties.fit.enum).toEqual([...RESIZE_FITS]);
  });

  it('accepts every family parameter name as a search-space key', () => {
    const pattern = new RegExp(defs['model'].properties.space.propertyNames.pattern as string);
    for (const params of Object.values(FAMILY_PARAMS)) for (const name of Object.keys(params)) expect(name).toMatch(pattern);
  });

  it('documents the same defaults it applies', () => {
    const r = withDefaults({ assay: 1, name: 'x', data: { source: 'synthetic-cracks', counts: { crack: 1, 'no-crack': 1 } }, model: { family: 'cnn' }, features: [{ normalize: null }, { edges: null }, { augment: null }, { resize: { width: 1, height: 1 } }] }) as Node;
    const p = S['properties'];
    expect([r['version'], r['description'], r['seed'], r['backend']]).toEqual([p.version.default, p.description.default, p.seed.default, p.backend.default]);
    expect(r['holdout']).toEqual(defs['holdout'].default);
    expect(r['sampling']).toEqual(defs['sampling'].default);
    expect(r['split']).toEqual(defs['split'].default);
    expect(r['resample']).toEqual(defs['resample'].default);
    expect(r['data'].size).toBe(defs['syntheticData'].properties.size.default);
    expect(r['data']['hard-negatives']).toBe(defs['syntheticData'].properties['hard-negatives'].default);
    const defaultsOf = (node: Node): Node => Object.fromEntries(Object.entries(node['properties'] as Node).filter(([, v]) => 'default' in v).map(([k, v]) => [k, v.default]));
    expect(r['model'].training).toEqual(defaultsOf(defs['training']));
    expect(r['objective']).toEqual({ ...defaultsOf(defs['objective']), threshold: defs['threshold'].default, prevalence: defs['prevalence'].default });
    // NOTE: ensemble's default 1 (the best trial alone) is applied by leaving it out of the resolved
    // pipeline, so pipelines without it resolve, and lock, as they did before it existed.
    const { ensemble, ...search } = defaultsOf(defs['search']);
    expect(ensemble).toBe(1);
    expect(r['search']).toEqual({ ...search, startup: 4 }); // min(trials 8, max(parallel 1, 4))
    expect('ensemble' in r['search']).toBe(false);
    expect(r['report']).toEqual(defaultsOf(defs['report']));
    expect(r['features']).toEqual([
      { normalize: defaultsOf(defs['featureStep'].properties.normalize) },
      { edges: defaultsOf(defs['featureStep'].properties.edges) },
      { augment: defaultsOf(defs['augment']) },
      { resize: { width: 1, height: 1, ...defaultsOf(defs['resize']) } },
    ]);
  });

  it('gives editors an $id, a title and a description for every top-level key', () => {
    expect(S['$id']).toBe('urn:assay:schema:pipeline:v1');
    for (const [key, node] of Object.entries(S['properties'] as Node)) {
      const target = node.$ref ? defs[(node.$ref as string).replace('#/$defs/', '')] : node;
      expect(typeof target.title === 'string' || typeof node.title === 'string', key).toBe(true);
    }
  });
});

describe('the flagship pipeline', () => {
  it('turns the brief\'s example into exactly the expected PipelineSpec', () => {
    const r = validatePipelineText(FLAGSHIP, 'crack-seed.yaml');
    expect(r.ok && r.spec).toEqual(FLAGSHIP_SPEC);
    expect(r.ok && r.warnings).toEqual([]);
  });

  it('ships as pipelines/crack-seed.yaml with the schema comment and the dataset\'s source', async () => {
    const file = path.resolve('pipelines/crack-seed.yaml');
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schemas/pipeline.v1.schema.json');
    expect(existsSync(path.resolve(path.dirname(file), '../schemas/pipeline.v1.schema.json'))).toBe(true);
    expect(text).toContain('10.17632/5y9wdsg2zt.2');
    const r = await loadPipeline(file);
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(r.warnings).toEqual([]);
    // The shipped file is tuned for two cores; the protocol it measures is the brief's.
    expect(r.spec.data).toEqual(FLAGSHIP_SPEC.data);
    expect(r.spec.holdout).toEqual(FLAGSHIP_SPEC.holdout);
    // The brief's counts on the protocol's data (1,425 cracks and 14,250 surfaces after the hold-out),
    // written as a ratio with a cap so that other folders keep 160:1 instead of being refused.
    expect(r.spec.sampling).toEqual({ kind: 'ratio', ratio: { 'no-crack': 160, crack: 1 }, atMost: 14088 });
    const brief = FLAGSHIP_SPEC.sampling.kind === 'counts' ? FLAGSHIP_SPEC.sampling.counts : {};
    expect(sampleCounts(r.spec.sampling, [1425, 14250], ['crack', 'no-crack'])).toEqual([brief['crack'], brief['no-crack']]);
    expect(r.spec.split).toEqual(FLAGSHIP_SPEC.split);
    // The objective is the brief's, with the threshold tuned for the source's class mix: the
    // hold-out keeps the source's 1:10, while validation has the sample's 1:160.
    expect(r.spec.objective).toEqual({ ...FLAGSHIP_SPEC.objective, prevalence: { kind: 'source' } });
  });

  it('ships a quickstart on synthetic data that validates without warnings', async () => {
    const text = readFileSync('pipelines/quickstart.yaml', 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schemas/pipeline.v1.schema.json');
    const r = await loadPipeline('pipelines/quickstart.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(r.warnings).toEqual([]);
    expect(r.spec.data.source).toBe('synthetic-cracks');
    expect(r.spec.search).toMatchObject({ strategy: 'bayesian', parallel: 2 });
  });

  it('ships a tabular example with impute and one-hot on a small table with missing cells', async () => {
    const text = readFileSync('pipelines/claims-impute.yaml', 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schemas/pipeline.v1.schema.json');
    const r = await loadPipeline('pipelines/claims-impute.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(r.warnings).toEqual([]);
    expect(r.spec.features.map((f) => f.kind)).toEqual(['impute', 'impute', 'one-hot', 'log1p', 'standardize']);
    const csv = readFileSync(r.spec.data.source === 'csv' ? r.spec.data.path : '', 'utf8').split('\n');
    expect(csv[0]).toBe('amount,age,region,outcome');
    expect(csv.some((l) => l.startsWith(',') || l.includes(',NA,') || l.includes(',,'))).toBe(true);
  });
});
