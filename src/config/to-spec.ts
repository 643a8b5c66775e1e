/**
 * The defaults-filled YAML form (see defaults.ts) -> the typed PipelineSpec every other module reads.
 * Pure renaming and reshaping: kebab-case keys become camelCase, unions get their `kind`.
 */
import { match } from 'ts-pattern';
import type {
  ClassName, DataSpec, FamilyName, FeatureKind, FeatureStep, GroupBy, HoldoutSpec, MetricName, ModelSpec,
  ObjectiveSpec, ParamValue, PipelineSpec, PrevalenceSpec, ResampleSpec, SamplingSpec, SpaceParam, SplitSpec, ThresholdSpec, Comparison, SearchSpec,
} from '../core/spec.js';
import { STEP_KINDS } from '../features/kinds/registry.js';
import { withDefaults, type YamlMap } from './defaults.js';

type Counts = Readonly<Record<ClassName, number>>;
const m = (v: unknown): YamlMap => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as YamlMap) : {});

/** Seconds in a duration like `90s`, `12m`, `1h30m` (a number is already seconds); null when it does not parse. */
export function parseDuration(v: string | number): number | null {
  if (typeof v === 'number') return v > 0 ? v : null;
  const r = /^(?=[0-9])(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?$/.exec(v);
  if (!r) return null;
  return Number(r[1] ?? 0) * 3600 + Number(r[2] ?? 0) * 60 + Number(r[3] ?? 0);
}

/** Schema-valid document -> PipelineSpec (defaults applied). */
export function toSpec(document: unknown): PipelineSpec {
  return specFromResolved(withDefaults(document));
}

/** The defaults-filled YAML form -> PipelineSpec. */
export function specFromResolved(r: YamlMap): PipelineSpec {
  const search = m(r['search']);
  const report = m(r['report']);
  return {
    assay: 1,
    name: r['name'] as string,
    version: r['version'] as number,
    description: r['description'] as string,
    seed: r['seed'] as number,
    backend: r['backend'] as PipelineSpec['backend'],
    data: data(m(r['data'])),
    holdout: holdout(m(r['holdout'])),
    sampling: sampling(r['sampling']),
    split: split(m(r['split'])),
    features: (r['features'] as unknown[]).map(step),
    resample: resample(m(r['resample'])),
    model: model(m(r['model'])),
    objective: objective(m(r['objective'])),
    search: {
      strategy: search['strategy'] as SearchSpec['strategy'],
      trials: search['trials'] as number,
      timeSeconds: search['time'] === undefined ? null : parseDuration(search['time'] as string | number),
      parallel: search['parallel'] as number,
      pruning: search['pruning'] as SearchSpec['pruning'],
      startup: search['startup'] as number,
      ...(typeof search['ensemble'] === 'number' && search['ensemble'] > 1 ? { ensemble: search['ensemble'] } : {}),
    },
    report: { falsePositives: report['false-positives'] as number, bootstrap: report['bootstrap'] as number },
  };
}

function data(d: YamlMap): DataSpec {
  const onError = d['on-error'] as 'fail' | 'skip';
  const duplicates = d['duplicates'] as 'report' | 'drop';
  switch (d['source']) {
    case 'synthetic-cracks':
      // NOTE: the generator reads no files, so on-error/duplicates are not part of its language.
      return { source: 'synthetic-cracks', size: d['size'] as number, counts: d['counts'] as Record<'crack' | 'no-crack', number>, hardNegatives: d['hard-negatives'] as number, positive: d['positive'] as string, onError: 'fail', duplicates: 'report' };
    case 'csv':
      return {
        source: 'csv', path: d['path'] as string, label: d['label'] as string,
        ...(d['image'] !== undefined ? { image: d['image'] as string } : {}),
        columns: d['columns'] as string[],
        ...(d['classes'] !== undefined ? { classes: d['classes'] as string[] } : {}),
        ...positive(d), onError, duplicates,
      };
    default:
      // NOTE: class order (= class index) is the file's key order: the schema rejects integer-like
      // class names, the only keys a JS object would reorder.
      return { source: 'image-folder', path: d['path'] as string, classes: d['classes'] as Record<string, string>, ...positive(d), onError, duplicates };
  }
}

/** `{positive}` when the pipeline names one (binary), `{}` for multi-class. */
function positive(d: YamlMap): { positive?: string } {
  return d['positive'] === undefined ? {} : { positive: d['positive'] as string };
}

function groupBy(v: unknown): { groupBy?: GroupBy } {
  if (v === undefined) return {};
  const g = m(v);
  return { groupBy: g['column'] !== undefined ? { kind: 'column', column: g['column'] as string } : { kind: 'pattern', pattern: g['pattern'] as string } };
}

function holdout(h: YamlMap): HoldoutSpec {
  if (h['counts'] !== undefined) return { kind: 'counts', counts: h['counts'] as Counts, ...groupBy(h['group-by']) };
  return { kind: 'fraction', fraction: h['fraction'] as number, stratify: h['stratify'] as boolean, ...groupBy(h['group-by']) };
}

function sampling(v: unknown): SamplingSpec {
  const s = m(v);
  if (s['counts'] !== undefined) return { kind: 'counts', counts: s['counts'] as Counts };
  if (s['ratio'] !== undefined) {
    return {
      kind: 'ratio', ratio: s['ratio'] as Counts,
      ...(s['total'] !== undefined ? { total: s['total'] as number } : {}), ...(s['at-most'] !== undefined ? { atMost: s['at-most'] as number } : {}),
    };
  }
  return { kind: 'all' };
}

function split(s: YamlMap): SplitSpec {
  if (s['folds'] !== undefined) return { kind: 'k-fold', folds: s['folds'] as number, stratify: s['stratify'] as boolean, ...groupBy(s['group-by']) };
  return { kind: 'fraction', validation: s['validation'] as number, stratify: s['stratify'] as boolean, ...groupBy(s['group-by']) };
}

function step(v: unknown): FeatureStep {
  const [kind, raw] = Object.entries(m(v))[0]!;
  return STEP_KINDS[kind as FeatureKind].fromYaml(m(raw));
}

function resample(r: YamlMap): ResampleSpec {
  const ratio = r['ratio'] as number;
  return match(r['method'] as ResampleSpec['method'])
    .with('none', (): ResampleSpec => ({ method: 'none' }))
    .with('random-oversample', 'random-undersample', (method): ResampleSpec => ({ method, ratio }))
    .with('smote', (): ResampleSpec => ({ method: 'smote', ratio, k: r['k'] as number }))
    .with('class-weights', (): ResampleSpec => ({ method: 'class-weights', weights: r['weights'] as 'balanced' | Counts }))
    .with('balanced-batches', (): ResampleSpec => ({ method: 'balanced-batches', ratio }))
    .exhaustive();
}

/** `{int: [2, 4]}` -> `{kind: 'int', low: 2, high: 4}`; a scalar -> `{kind: 'fixed'}`. */
export function spaceParam(v: unknown): SpaceParam {
  if (v === null || typeof v !== 'object') return { kind: 'fixed', value: v as ParamValue };
  const [kind, arg] = Object.entries(v as YamlMap)[0]!;
  if (kind === 'choice') return { kind: 'choice', values: arg as ParamValue[] };
  const [low, high] = arg as [number, number];
  return { kind: kind as 'int' | 'float' | 'log', low, high };
}

/** The families a `model.family` value names, in order. */
export function families(v: unknown): FamilyName[] {
  return typeof v === 'string' ? [v as FamilyName] : (m(v)['choice'] as FamilyName[]);
}

function model(d: YamlMap): ModelSpec {
  const t = m(d['training']);
  const es = t['early-stopping'];
  return {
    families: families(d['family']),
    space: Object.fromEntries(Object.entries(m(d['space'])).map(([k, v]) => [k, spaceParam(v)])),
    training: {
      epochs: t['epochs'] as number,
      batchSize: t['batch-size'] as number,
      optimizer: t['optimizer'] as 'adam' | 'sgd' | 'rmsprop',
      learningRate: t['learning-rate'] as number,
      schedule: t['schedule'] as 'constant' | 'cosine' | 'step',
      earlyStopping: es === false ? null : { patience: m(es)['patience'] as number, minDelta: m(es)['min-delta'] as number },
    },
  };
}

/** `">= 0.95"` -> `{op: '>=', value: 0.95}`. */
export function parseComparison(text: string): { op: Comparison; value: number } {
  const r = /^\s*(>=|<=|>|<)\s*(\S+)\s*$/.exec(text)!;
  return { op: r[1] as Comparison, value: Number(r[2]) };
}

function threshold(v: unknown): ThresholdSpec {
  if (typeof v === 'number') return { kind: 'fixed', value: v };
  if (v === 'tune') return { kind: 'tune' };
  const t = m(v);
  const optimize = (t['maximize'] ?? t['minimize']) as MetricName;
  const subjectTo = Object.entries(m(t['subject-to'])).map(([key, c]) => ({ ...constraintTarget(key), ...parseComparison(c as string) }));
  return { kind: 'constrained', optimize, subjectTo };
}

/** `recall` -> {metric: recall}; `recall[crack]` -> {metric: recall, class: crack}. */
export function constraintTarget(key: string): { metric: MetricName; class?: string } {
  const r = /^([a-z0-9-]+)\[(.+)\]$/.exec(key);
  return r === null ? { metric: key as MetricName } : { metric: r[1] as MetricName, class: r[2]! };
}

function objective(o: YamlMap): ObjectiveSpec {
  return { metric: o['metric'] as MetricName, beta: o['beta'] as number, threshold: threshold(o['threshold']), prevalence: prevalence(o['prevalence']) };
}

function prevalence(v: unknown): PrevalenceSpec {
  if (typeof v === 'number') return { kind: 'fixed', value: v };
  return v === 'source' ? { kind: 'source' } : { kind: 'sample' };
}
