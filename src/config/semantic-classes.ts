/**
 * Binary versus multi-class: `data.positive` left out makes a multi-class problem (arg-max
 * decision). The threshold and prevalence options, and the binary metrics, need a positive class;
 * the multi-class metrics and per-class constraints (`recall[crack]`) need its absence.
 */
import type { ClassName, PipelineSpec } from '../core/spec.js';
import { METRIC_NAMES, MULTICLASS_METRIC_NAMES } from '../evaluate/metric-kinds/registry.js';
import { didYouMean } from './did-you-mean.js';
import type { Reporter } from './located.js';

/** Metrics a per-class constraint may name: `recall[crack]`. */
export const PER_CLASS_METRICS = ['precision', 'recall', 'f1'] as const;

/** The YAML key of a constraint: `recall` or `recall[crack]`. */
export function constraintKey(c: { readonly metric: string; readonly class?: ClassName }): string {
  return c.class === undefined ? c.metric : `${c.metric}[${c.class}]`;
}

export function checkClassKinds(spec: PipelineSpec, r: Reporter, classes: readonly ClassName[] | null): void {
  const multi = spec.data.positive === undefined;
  const { metric, threshold, prevalence } = spec.objective;
  if (multi && classes !== null && classes.length <= 2) {
    r.key('semantic.positive-required', ['data'], `data.positive is required for ${classes.length} classes (${classes.join(', ')}); only more than two classes may leave it out`, `add positive: ${classes[0] ?? '<class>'}`);
  }
  const allowed = multi ? MULTICLASS_METRIC_NAMES : METRIC_NAMES;
  const wrong = (m: string): string => multi
    ? `${m} is a binary metric and this problem is multi-class (no data.positive)`
    : `${m} is a multi-class metric and this problem is binary (data.positive is set)`;
  const hint = multi ? `use one of ${MULTICLASS_METRIC_NAMES.join(', ')}, or set data.positive` : `use one of ${METRIC_NAMES.join(', ')}, or leave out data.positive for more than two classes`;
  if (!allowed.includes(metric)) r.value('semantic.metric-classes', ['objective', 'metric'], wrong(metric), hint);
  if (multi && prevalence.kind !== 'sample') {
    r.key('semantic.binary-only', ['objective', 'prevalence'], 'objective.prevalence reweights the positive class, and this problem is multi-class (no data.positive)', 'set data.positive, or remove objective.prevalence');
  }
  if (threshold.kind === 'fixed' && multi) {
    r.value('semantic.binary-only', ['objective', 'threshold'], 'a fixed threshold needs a positive class; a multi-class problem decides by arg-max', 'set data.positive, or remove objective.threshold');
  }
  if (threshold.kind !== 'constrained') return;
  const goal = ['objective', 'threshold', 'maximize'];
  if (!allowed.includes(threshold.optimize)) r.value('semantic.metric-classes', goal, wrong(threshold.optimize), hint);
  for (const c of threshold.subjectTo) {
    const at = ['objective', 'threshold', 'subject-to', constraintKey(c)];
    if (c.class === undefined) {
      if (!allowed.includes(c.metric)) r.key('semantic.metric-classes', at, wrong(c.metric), hint);
      continue;
    }
    if (!multi) {
      r.key('semantic.metric-classes', at, `${constraintKey(c)} constrains one class of a multi-class problem; this problem is binary (data.positive is set)`, `write ${c.metric}: "..." for the positive class`);
    } else if (classes !== null && !classes.includes(c.class)) {
      r.key('semantic.unknown-class', at, `${constraintKey(c)} names class "${c.class}", which the data does not have (classes: ${classes.join(', ')})`, didYouMean(c.class, classes));
    }
  }
}
