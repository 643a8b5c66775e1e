/**
 * Model, objective and search checks: search-space parameters each chosen family accepts (per
 * FAMILY_PARAMS), ranges inside the family's limits, threshold goals that make sense.
 */
import type { FamilyName, ParamValue, PipelineSpec, SpaceParam } from '../core/spec.js';
import type { MetricName } from '../core/spec.js';
import { METRIC_KINDS, MINIMIZED_METRICS, THRESHOLD_FREE_METRICS } from '../evaluate/metric-kinds/registry.js';
import { FAMILY_PARAMS, type ParamDef } from '../learn/families/params.js';
import { didYouMean } from './did-you-mean.js';
import { constraintKey } from './semantic-classes.js';
import type { Reporter } from './located.js';
import type { Segment } from './path.js';

/** Points of a grid dimension: every integer of an int range, 5 points of a float or log range, each choice. */
export const GRID_POINTS = 5;

export function checkModel(spec: PipelineSpec, r: Reporter): void {
  const { families, space, training } = spec.model;
  for (const [name, param] of Object.entries(space)) {
    const at = ['model', 'space', name];
    const owners = families.filter((f) => FAMILY_PARAMS[f][name] !== undefined);
    if (owners.length === 0) {
      const others = (Object.keys(FAMILY_PARAMS) as FamilyName[]).filter((f) => FAMILY_PARAMS[f][name] !== undefined);
      const known = [...new Set(families.flatMap((f) => Object.keys(FAMILY_PARAMS[f])))];
      const hint = name === 'family' ? 'choose families with model.family: {choice: [...]}'
        : others.length > 0 ? `${name} belongs to ${others.join(', ')}` : didYouMean(name, known) ?? `${families.join(', ')} accept${families.length === 1 ? 's' : ''}: ${known.join(', ')}`;
      r.key('semantic.unknown-param', at, `"${name}" is not a parameter of ${families.join(' or ')}`, hint);
      continue;
    }
    if ((param.kind === 'int' || param.kind === 'float' || param.kind === 'log') && param.low > param.high) {
      r.value('semantic.range-order', [...at, param.kind], `${name}: low ${param.low} is above high ${param.high}`);
    }
    const seen = new Set<string>();
    for (const f of owners) {
      for (const d of checkParam(name, param, FAMILY_PARAMS[f][name]!)) {
        const id = `${d.at.join('/')}|${d.message}`;
        if (seen.has(id)) continue;
        seen.add(id);
        r.value(d.code, [...at, ...d.at], `${d.message}${families.length > 1 ? ` (for ${f})` : ''}`);
      }
    }
  }
  if (training.earlyStopping !== null && training.earlyStopping.patience >= training.epochs) {
    r.warn('semantic.early-stopping', ['model', 'training', 'early-stopping', 'patience'], `patience ${training.earlyStopping.patience} is not below epochs ${training.epochs}, so early stopping never triggers`);
  }
  const tabular = spec.data.source === 'csv' && spec.data.image === undefined;
  const mixed = spec.data.source === 'csv' && spec.data.image !== undefined && spec.data.columns.length > 0;
  if (tabular && families.includes('cnn')) {
    r.value('semantic.family-data', ['model', 'family'], 'the cnn family needs images, but this csv data is tabular (no image column)', 'use mlp or logistic');
  }
  const single = families.filter((f) => f !== 'two-branch');
  if (mixed && single.length > 0) {
    r.value('semantic.family-data', ['model', 'family'], `this csv data is mixed (an image column and feature columns), which only the two-branch family takes (not ${single.join(', ')})`, 'use two-branch, or leave out data.columns (images) or data.image (a table)');
  }
  if (!mixed && families.includes('two-branch')) {
    r.value('semantic.family-data', ['model', 'family'], 'the two-branch family needs csv data with an image column and feature columns (data.image and data.columns)', 'use cnn for images, mlp or logistic for tables');
  }
}

interface ParamProblem { readonly code: string; readonly at: readonly Segment[]; readonly message: string }

/** Problems of one space entry against one family's definition of that parameter. */
function checkParam(name: string, p: SpaceParam, def: ParamDef): ParamProblem[] {
  const out: ParamProblem[] = [];
  const limits = `${def.min ?? '-inf'}..${def.max ?? 'inf'}`;
  const checkValue = (v: ParamValue, at: readonly Segment[]): void => {
    if (def.type === 'choice') {
      if (!def.values!.includes(v)) out.push({ code: 'semantic.param-value', at, message: `${name} must be one of ${def.values!.join(', ')} (found ${JSON.stringify(v)})` });
      return;
    }
    if (typeof v !== 'number') { out.push({ code: 'semantic.param-type', at, message: `${name} takes numbers (found ${JSON.stringify(v)})` }); return; }
    if (def.type === 'int' && !Number.isInteger(v)) { out.push({ code: 'semantic.param-type', at, message: `${name} takes whole numbers (found ${v})` }); return; }
    if ((def.min !== undefined && v < def.min) || (def.max !== undefined && v > def.max)) {
      out.push({ code: 'semantic.param-range', at, message: `${name} must be within ${limits} (found ${v})` });
    }
  };
  switch (p.kind) {
    case 'int':
    case 'float':
    case 'log':
      if (def.type === 'choice') out.push({ code: 'semantic.param-type', at: [], message: `${name} is a choice among ${def.values!.join(', ')}; use {choice: [...]} or a fixed value` });
      else if (def.type === 'int' && p.kind !== 'int') out.push({ code: 'semantic.param-type', at: [], message: `${name} takes whole numbers; use {int: [lo, hi]} or {choice: [...]}` });
      else { checkValue(p.low, [p.kind, 0]); checkValue(p.high, [p.kind, 1]); }
      break;
    case 'choice':
      p.values.forEach((v, i) => checkValue(v, ['choice', i]));
      break;
    case 'fixed':
      checkValue(p.value, []);
      break;
    default:
      p satisfies never;
  }
  return out;
}

/** Checks of `objective`; `document` tells maximize from minimize, which the spec does not keep. */
export function checkObjective(spec: PipelineSpec, r: Reporter, document: unknown): void {
  const t = spec.objective.threshold;
  if (t.kind !== 'constrained') return;
  const raw = ((document as { objective?: { threshold?: Record<string, unknown> } }).objective?.threshold ?? {});
  const goal = 'maximize' in raw ? 'maximize' : 'minimize';
  const at = ['objective', 'threshold', goal];
  const minimized = MINIMIZED_METRICS.has(t.optimize);
  if (goal === 'maximize' && minimized) r.value('semantic.direction', at, `${t.optimize} is better when smaller; maximizing it picks the worst threshold`, `write minimize: ${t.optimize}`);
  if (goal === 'minimize' && !minimized) r.value('semantic.direction', at, `${t.optimize} is better when larger; minimizing it picks the worst threshold`, `write maximize: ${t.optimize}`);
  const free = (m: MetricName): boolean => THRESHOLD_FREE_METRICS.has(m);
  if (free(t.optimize)) r.value('semantic.threshold-metric', at, `${t.optimize} does not depend on the threshold, so it cannot choose one`);
  for (const c of t.subjectTo) {
    const cAt = ['objective', 'threshold', 'subject-to', constraintKey(c)];
    if (free(c.metric)) r.key('semantic.threshold-metric', cAt, `${c.metric} does not depend on the threshold, so it cannot constrain it`);
    const range = METRIC_KINDS[c.metric].range;
    if (range !== null && (c.value < range[0] || c.value > range[1])) r.value('semantic.range', cAt, `${c.metric} lies in [${range[0]}, ${range[1]}]; ${c.op} ${c.value} can never hold or always holds`);
  }
}

export function checkSearch(spec: PipelineSpec, r: Reporter): void {
  const s = spec.search;
  if (s.timeSeconds !== null && s.timeSeconds <= 0) r.value('semantic.range', ['search', 'time'], 'search.time must be longer than zero');
  if (s.parallel > s.trials) r.warn('semantic.parallel', ['search', 'parallel'], `parallel ${s.parallel} exceeds trials ${s.trials}; only ${s.trials} run at once`);
  if (s.strategy === 'bayesian' && s.startup > s.trials) r.warn('semantic.startup', ['search', 'startup'], `startup ${s.startup} exceeds trials ${s.trials}, so the search stays random`);
  if (s.ensemble !== undefined) {
    if (spec.split.kind === 'k-fold') r.value('semantic.ensemble', ['search', 'ensemble'], `ensemble ${s.ensemble} needs a validation split: a k-fold run already averages its fold models, and its trials have no single validation part to choose one threshold on`, 'write ensemble: 1, or split: { validation: 0.2 }');
    else if (s.ensemble > s.trials) r.warn('semantic.ensemble', ['search', 'ensemble'], `ensemble ${s.ensemble} exceeds trials ${s.trials}; the final model averages every finished trial`);
  }
  if (s.strategy === 'grid') {
    const size = gridSize(spec);
    if (size > s.trials) r.warn('semantic.grid-size', ['search', 'trials'], `the grid has ${size} points; trials ${s.trials} visits only the first ${s.trials}`);
  }
}

/** Grid points over every family (a family's grid is the product of its dimensions' points). */
export function gridSize(spec: PipelineSpec): number {
  const points = (p: SpaceParam): number => {
    switch (p.kind) {
      case 'int': return Math.max(1, p.high - p.low + 1);
      case 'float':
      case 'log': return p.low === p.high ? 1 : GRID_POINTS;
      case 'choice': return p.values.length;
      case 'fixed': return 1;
      default: return p satisfies never;
    }
  };
  return spec.model.families.reduce((sum, f) => sum + Object.entries(spec.model.space)
    .filter(([name]) => FAMILY_PARAMS[f][name] !== undefined)
    .reduce((n, [, p]) => n * points(p), 1), 0);
}
