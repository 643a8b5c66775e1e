/**
 * Every metric, in report order. A new metric is one module in this folder plus one line here
 * (and its name in core/spec.ts's MetricName union, which this map must cover).
 */
import type { MetricName } from '../../core/spec.js';
import { accuracy } from './accuracy.js';
import { balancedAccuracy } from './balanced-accuracy.js';
import { f1 } from './f1.js';
import { fbeta } from './fbeta.js';
import { fnr } from './fnr.js';
import { fpr } from './fpr.js';
import type { MetricKind } from './kind.js';
import { logLoss } from './log-loss.js';
import { macroF1 } from './macro-f1.js';
import { macroPrecision } from './macro-precision.js';
import { macroRecall } from './macro-recall.js';
import { mcc } from './mcc.js';
import { prAuc } from './pr-auc.js';
import { precision } from './precision.js';
import { recall } from './recall.js';
import { rocAuc } from './roc-auc.js';
import { specificity } from './specificity.js';
import { weightedF1 } from './weighted-f1.js';

export const METRIC_KINDS = {
  accuracy,
  precision,
  recall,
  specificity,
  f1,
  fbeta,
  mcc,
  'balanced-accuracy': balancedAccuracy,
  fnr,
  fpr,
  'pr-auc': prAuc,
  'roc-auc': rocAuc,
  'log-loss': logLoss,
  'macro-precision': macroPrecision,
  'macro-recall': macroRecall,
  'macro-f1': macroF1,
  'weighted-f1': weightedF1,
} as const satisfies { readonly [N in MetricName]: MetricKind<N> };

/** Every metric name, binary and multi-class, in schema order. */
export const ALL_METRIC_NAMES = Object.keys(METRIC_KINDS) as MetricName[];

/** The metrics a binary prediction is scored with, in report (and metrics.json) order. */
export const METRIC_NAMES = ALL_METRIC_NAMES.filter((n) => METRIC_KINDS[n].binary !== null);

/** The metrics a multi-class (arg-max) prediction is scored with, in report (and metrics.json) order. */
export const MULTICLASS_METRIC_NAMES = ALL_METRIC_NAMES.filter((n) => METRIC_KINDS[n].multiclass !== null);

/** Metrics computed from the confusion counts at a threshold. */
export type ThresholdMetricName = { [N in MetricName]: (typeof METRIC_KINDS)[N] extends MetricKind<N, 'confusion'> ? N : never }[MetricName];

/** Metrics computed from the scores alone: they cannot choose or constrain a threshold. */
export const THRESHOLD_FREE_METRICS: ReadonlySet<MetricName> = new Set(METRIC_NAMES.filter((n) => METRIC_KINDS[n].binary?.from === 'scores'));

/** Metrics where smaller is better. */
export const MINIMIZED_METRICS: ReadonlySet<MetricName> = new Set(ALL_METRIC_NAMES.filter((n) => METRIC_KINDS[n].direction === 'minimize'));

/** The module of a metric. */
export function metricKind<N extends MetricName>(name: N): (typeof METRIC_KINDS)[N] {
  return METRIC_KINDS[name];
}
