/**
 * Fill in every default of a schema-valid document, staying in the YAML language (kebab-case keys).
 * The result is what a run's lock records: the pipeline exactly as it ran, nothing implicit.
 * Defaults here and the `default` annotations in the schema must agree (test/unit/config/drift.test.ts).
 */
import type { FeatureKind } from '../core/spec.js';
import { STEP_KINDS } from '../features/kinds/registry.js';

/** A map in the YAML-language form. */
export type YamlMap = Record<string, unknown>;

export const DEFAULT_HOLDOUT = { fraction: 0.2, stratify: true } as const;
export const DEFAULT_SPLIT = { validation: 0.2, stratify: true } as const;

const isMap = (v: unknown): v is YamlMap => v !== null && typeof v === 'object' && !Array.isArray(v);
const map = (v: unknown): YamlMap => (isMap(v) ? v : {});

/** Keep only defined entries, so optional keys stay absent rather than `undefined`. */
function defined(m: YamlMap): YamlMap {
  return Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined));
}

/** `group-by: "regex"` -> `{pattern: "regex"}`; a map stays as it is. */
function groupBy(v: unknown): YamlMap | undefined {
  if (v === undefined) return undefined;
  return typeof v === 'string' ? { pattern: v } : map(v);
}

/** Startup trials of a Bayesian search when not given: min(trials, max(parallel, 4)). */
export function defaultStartup(trials: number, parallel: number): number {
  return Math.min(trials, Math.max(parallel, 4));
}

/** The document with every default filled in (the input must have passed schema validation). */
export function withDefaults(document: unknown): YamlMap {
  const d = map(document);
  const search = map(d['search']);
  const trials = (search['trials'] as number | undefined) ?? 8;
  const parallel = (search['parallel'] as number | undefined) ?? 1;
  const objective = map(d['objective']);
  const report = map(d['report']);
  return defined({
    assay: 1,
    name: d['name'],
    version: d['version'] ?? 1,
    description: d['description'] ?? '',
    seed: d['seed'] ?? 0,
    backend: d['backend'] ?? 'auto',
    data: data(map(d['data'])),
    holdout: holdout(d['holdout']),
    sampling: d['sampling'] ?? 'all',
    split: split(d['split']),
    features: ((d['features'] ?? []) as unknown[]).map(step),
    resample: resample(map(d['resample'] ?? { method: 'none' })),
    model: model(map(d['model'])),
    objective: { metric: objective['metric'] ?? defaultMetric(map(d['data'])), beta: objective['beta'] ?? 1, threshold: objective['threshold'] ?? 'tune', prevalence: objective['prevalence'] ?? 'sample' },
    search: defined({
      strategy: search['strategy'] ?? 'bayesian',
      trials,
      time: search['time'],
      parallel,
      pruning: search['pruning'] ?? 'median',
      startup: search['startup'] ?? defaultStartup(trials, parallel),
      // NOTE: 1 (the best trial alone) is left out, so such pipelines resolve as they always did.
      ensemble: search['ensemble'] === 1 ? undefined : search['ensemble'],
    }),
    report: { 'false-positives': report['false-positives'] ?? 16, bootstrap: report['bootstrap'] ?? 1000 },
  });
}

/** f1 for a binary problem; macro-f1 when data.positive is left out (multi-class; synthetic data always names one). */
function defaultMetric(d: YamlMap): string {
  return d['positive'] === undefined && d['source'] !== 'synthetic-cracks' ? 'macro-f1' : 'f1';
}

function data(d: YamlMap): YamlMap {
  const common = { 'on-error': d['on-error'] ?? 'fail', duplicates: d['duplicates'] ?? 'report' };
  switch (d['source']) {
    case 'synthetic-cracks':
      return { source: d['source'], size: d['size'] ?? 96, counts: d['counts'], 'hard-negatives': d['hard-negatives'] ?? 0.3, positive: d['positive'] ?? 'crack' };
    case 'csv':
      return defined({ source: d['source'], path: d['path'], label: d['label'], image: d['image'], columns: d['columns'] ?? [], classes: d['classes'], positive: d['positive'], ...common });
    default:
      return defined({ source: d['source'], path: d['path'], classes: d['classes'], positive: d['positive'], ...common });
  }
}

function holdout(v: unknown): YamlMap {
  if (v === undefined) return { ...DEFAULT_HOLDOUT };
  const h = map(v);
  if (h['counts'] !== undefined) return defined({ counts: h['counts'], 'group-by': groupBy(h['group-by']) });
  return defined({ fraction: h['fraction'] ?? DEFAULT_HOLDOUT.fraction, stratify: h['stratify'] ?? true, 'group-by': groupBy(h['group-by']) });
}

function split(v: unknown): YamlMap {
  if (v === undefined) return { ...DEFAULT_SPLIT };
  const s = map(v);
  const common = { stratify: s['stratify'] ?? true, 'group-by': groupBy(s['group-by']) };
  if (s['folds'] !== undefined) return defined({ folds: s['folds'], ...common });
  return defined({ validation: s['validation'] ?? DEFAULT_SPLIT.validation, ...common });
}

/** `{}` or null step parameters become the kind's full parameter map (its module's defaults). */
function step(s: unknown): YamlMap {
  const [kind, params] = Object.entries(map(s))[0]!;
  return { [kind]: { ...STEP_KINDS[kind as FeatureKind]?.defaults, ...map(params) } };
}

function resample(r: YamlMap): YamlMap {
  switch (r['method']) {
    case 'smote':
      return { method: 'smote', ratio: r['ratio'], k: r['k'] ?? 5 };
    case 'balanced-batches':
      return { method: 'balanced-batches', ratio: r['ratio'] ?? 1 };
    default:
      return { ...r };
  }
}

function model(m: YamlMap): YamlMap {
  const t = map(m['training']);
  const es = t['early-stopping'] ?? true;
  return {
    family: m['family'],
    space: m['space'] ?? {},
    training: {
      epochs: t['epochs'] ?? 20,
      'batch-size': t['batch-size'] ?? 32,
      optimizer: t['optimizer'] ?? 'adam',
      'learning-rate': t['learning-rate'] ?? 0.001,
      schedule: t['schedule'] ?? 'constant',
      'early-stopping': es === false ? false : { patience: map(es)['patience'] ?? 5, 'min-delta': map(es)['min-delta'] ?? 0 },
    },
  };
}
