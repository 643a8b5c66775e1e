/**
 * The report's tables as plain text cells; the Markdown and HTML renderers escape and lay them out.
 */
import { METRIC_NAMES } from '../evaluate/metric-kinds/registry.js';
import type { ReportInput } from './model.js';
import { count, duration, num, type ReportSummary } from './summary.js';
import { sig, shortDuration, utcMinute } from './format.js';

export interface TextTable {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Index of a row to emphasise (e.g. the best trial), if any. */
  readonly highlight?: number;
}

/**
 * Every hold-out metric once: the headline metrics first with their intervals (and, where the
 * sample's class mix differs from the hold-out's, precision and F1 at that mix), then the rest.
 * fbeta is left out when beta is 1 (it is F1 again).
 */
export function metricsTable(input: ReportInput, s: ReportSummary): TextTable {
  const shown = new Set<string>(s.headline.map((r) => r.metric));
  const rest = METRIC_NAMES.filter((m) => !shown.has(m) && !(m === 'fbeta' && input.objective.beta === 1));
  const sampled = s.sampled ? [`At ${s.sampled.ratio} (sampled)`] : [];
  const blank = s.sampled ? [''] : [];
  return {
    header: ['Metric', 'Hold-out', `${s.levelPercent}% interval`, input.ensemble ? 'Validation (ensemble)' : 'Validation (best trial)', ...sampled],
    rows: [
      ...s.headline.map((r) => [r.label, num(r.value), r.interval ? `${num(r.interval.low)} - ${num(r.interval.high)}${r.wilson ? ' (Wilson)' : ''}` : '', num(r.validation), ...(s.sampled ? [r.atSampled === null ? '' : num(r.atSampled)] : [])]),
      ...rest.map((m) => [m === 'fbeta' ? `fbeta (beta ${input.objective.beta})` : m, num(input.holdout.metrics[m]), '', num(input.validation?.metrics[m] ?? null), ...blank]),
    ],
  };
}

export function confusionTable(input: ReportInput, s: ReportSummary): TextTable {
  const c = input.holdout.confusion;
  return {
    header: ['', `predicted ${s.positiveName}`, `predicted ${s.negativeName}`],
    rows: [
      [`actual ${s.positiveName}`, `${count(c.tp)} (true positives)`, `${count(c.fn)} (false negatives)`],
      [`actual ${s.negativeName}`, `${count(c.fp)} (false positives)`, `${count(c.tn)} (true negatives)`],
    ],
  };
}

/** ' (best)', and for an ensemble's members ' (member i of m)' (with the best: ' (best, member 1 of m)'). */
export function trialMark(input: Pick<ReportInput, 'bestTrial' | 'ensemble'>, index: number): string {
  const marks = index === input.bestTrial ? ['best'] : [];
  const i = input.ensemble?.members.indexOf(index) ?? -1;
  if (i >= 0) marks.push(`member ${i + 1} of ${input.ensemble!.members.length}`);
  return marks.length > 0 ? ` (${marks.join(', ')})` : '';
}

export function trialsTable(input: ReportInput): TextTable {
  const trials = [...input.trials].sort((a, b) => a.index - b.index);
  const metric = trials[0]?.metric ?? input.objective.metric;
  return {
    header: ['Trial', 'Family', 'Parameters', `Validation ${metric}`, 'Threshold', 'Epochs (best)', 'Time', 'Pruned', 'Note'],
    rows: trials.map((t) => [
      `#${t.index + 1}${trialMark(input, t.index)}`, t.family, paramsShort(t.params), sig(t.score, 3), sig(t.threshold, 3),
      `${t.epochs} (${t.bestEpoch})`, shortDuration(t.seconds), t.pruned ? 'yes' : 'no', t.error ?? '',
    ]),
    highlight: trials.findIndex((t) => t.index === input.bestTrial),
  };
}

/**
 * The facts under the report's title, each `label: value`: start (UTC, to the minute), duration,
 * git commit (12 characters) and whether the tree had changes, backend, command-line overrides.
 */
export function headerFacts(input: ReportInput): [string, string][] {
  const { run } = input;
  const out: [string, string][] = [['run', run.id], ['started', utcMinute(run.createdAt)]];
  if (run.seconds !== undefined) out.push(['duration', duration(run.seconds)]);
  if (run.git) out.push(['commit', run.git.commit === null ? 'not in a git repository' : `${run.git.commit.slice(0, 12)}${run.git.dirty ? ' (uncommitted changes in tracked files)' : ''}`]);
  if (run.backend) out.push(['backend', run.backend]);
  if (input.ensemble) out.push(['model', input.ensemble.headline]);
  out.push(['overrides', run.overrides.length > 0 ? run.overrides.map((o) => `--set ${o}`).join(' ') : 'none']);
  return out;
}

/** Hyperparameters as `name=value, ...` in key order, numbers to 3 significant digits. */
export function paramsShort(params: Readonly<Record<string, unknown>>): string {
  return Object.keys(params).sort().map((k) => {
    const v = params[k];
    return `${k}=${typeof v === 'number' ? sig(v, 3) : String(v)}`;
  }).join(', ');
}

export function countsTable(input: ReportInput, s: ReportSummary): TextTable {
  return {
    header: ['Stage', ...input.classes, 'Total', `${s.positiveName} share`],
    rows: input.counts.map((r) => {
      const total = input.classes.reduce((a, c) => a + (r.counts[c] ?? 0), 0);
      const pos = r.counts[s.positiveName] ?? 0;
      return [r.stage, ...input.classes.map((c) => count(r.counts[c] ?? 0)), count(total), total > 0 ? `${(100 * pos / total).toFixed(1)}%` : 'n/a'];
    }),
  };
}

export function stagesTable(input: Pick<ReportInput, 'stages'>): TextTable {
  return {
    header: ['Stage', 'Cache key', 'Cache', 'Time'],
    rows: input.stages.map((st) => [st.name, st.key, st.cached ? 'hit' : 'ran', duration(st.seconds)]),
  };
}

export function skippedTable(input: ReportInput): TextTable {
  return { header: ['File', 'Reason'], rows: input.dataIssues.skipped.map((b) => [b.ref, b.reason]) };
}

export function duplicatesTable(input: ReportInput): TextTable {
  return { header: ['Group', 'Identical files'], rows: input.dataIssues.duplicates.map((g, i) => [String(i + 1), g.join(', ')]) };
}

export function environmentTable(input: Pick<ReportInput, 'environment'>): TextTable {
  return { header: ['Key', 'Value'], rows: Object.keys(input.environment).sort().map((k) => [k, input.environment[k]!]) };
}

/** A sentence on how much of the stage totals the timings cover. */
export function stagesSentence(input: Pick<ReportInput, 'stages'>): string {
  const hits = input.stages.filter((s) => s.cached).length;
  const total = input.stages.reduce((a, s) => a + s.seconds, 0);
  return `${input.stages.length} stages in ${duration(total)}; ${hits} restored from the cache.`;
}
