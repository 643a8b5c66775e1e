/**
 * What both report formats say, computed once: the headline rows, the sentences that put the
 * numbers in context, and small lookups. Sentences are plain text; each renderer escapes them.
 */
import type { MetricName } from '../core/spec.js';
import type { Interval } from '../evaluate/bootstrap.js';
import type { TrialResult } from '../learn/protocol.js';
import type { ReportInput } from './model.js';
import { sig } from './format.js';

export interface HeadlineRow {
  readonly metric: MetricName;
  readonly label: string;
  readonly value: number;
  readonly interval: Interval | null;
  /** The interval is a Wilson score interval (a proportion at 0 or 1), not the bootstrap's. */
  readonly wilson: boolean;
  readonly validation: number | null;
  /** Precision and F1 at the sampled prevalence (same recall and false-positive rate); null where not shown. */
  readonly atSampled: number | null;
}

/** The class mix the model was trained and tuned at, when it differs from the hold-out's. */
export interface SampledPrevalence {
  /** Positive share of the sample. */
  readonly share: number;
  /** `1:160` (negatives per positive) or `2:1`. */
  readonly ratio: string;
  /** The hold-out's mix in the same notation. */
  readonly holdoutRatio: string;
  readonly precision: number;
  readonly f1: number;
}

export interface ReportSummary {
  readonly positiveName: string;
  /** The other class (or the other classes joined with " / "). */
  readonly negativeName: string;
  /** F1, MCC, FNR, recall, precision, then accuracy. */
  readonly headline: readonly HeadlineRow[];
  /** Interval coverage in percent, e.g. 95. */
  readonly levelPercent: number;
  readonly accuracySentence: string;
  readonly uncertaintySentence: string;
  readonly objectiveSentence: string;
  readonly searchSentence: string;
  /** Which intervals are Wilson score intervals and why; '' when none. */
  readonly wilsonSentence: string;
  readonly sampled: SampledPrevalence | null;
  /** "At the sampled prevalence (1:160) this precision would be ..."; '' when the mixes agree. */
  readonly prevalenceSentence: string;
  readonly best: TrialResult | undefined;
}

const HEADLINE: readonly [MetricName, string][] = [
  ['f1', 'F1'], ['mcc', 'MCC'], ['fnr', 'FNR (false-negative rate)'], ['recall', 'Recall'], ['precision', 'Precision'], ['accuracy', 'Accuracy'],
];

/** Fixed 3-decimal rendering; "n/a" for non-finite values. */
export function num(v: number | null | undefined, digits = 3): string {
  return v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(digits);
}

/** Integer with thousands separators. */
export function count(v: number): string {
  return Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : 'n/a';
}

/** Seconds as `12.3 s` or `4 min 05 s`. */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'n/a';
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const m = Math.floor(seconds / 60), s = Math.round(seconds - m * 60);
  return `${m} min ${String(s).padStart(2, '0')} s`;
}

/** A hyperparameter record as `name=value, ...` in key order. */
export function paramsText(params: Readonly<Record<string, unknown>>): string {
  return Object.keys(params).sort().map((k) => `${k}=${String(params[k])}`).join(', ');
}

/** The interval for a headline metric; FNR is derived from recall (FNR = 1 - recall) when not given. */
function intervalFor(input: ReportInput, metric: MetricName): Interval | null {
  const given = input.holdout.intervals[metric];
  if (given) return given;
  const recall = input.holdout.intervals.recall;
  if (metric === 'fnr' && recall && input.holdout.positives > 0) {
    return { estimate: 1 - recall.estimate, low: 1 - recall.high, high: 1 - recall.low };
  }
  return null;
}

export function summarize(input: ReportInput): ReportSummary {
  const { holdout, classes, positive } = input;
  const positiveName = classes[positive] ?? 'positive';
  const negativeName = classes.filter((_, i) => i !== positive).join(' / ') || 'negative';
  const levelPercent = Math.round((holdout.level ?? 0.95) * 1000) / 10;
  const sampled = sampledPrevalence(input, positiveName);
  const headline = HEADLINE.map(([metric, label]) => {
    const interval = intervalFor(input, metric);
    return {
      metric, label, value: holdout.metrics[metric], interval,
      wilson: (interval as { method?: string } | null)?.method === 'wilson',
      validation: input.validation?.metrics[metric] ?? null,
      atSampled: sampled === null ? null : metric === 'precision' ? sampled.precision : metric === 'f1' ? sampled.f1 : null,
    };
  });
  const wilson = headline.filter((r) => r.wilson);
  return {
    positiveName, negativeName, headline, levelPercent, sampled,
    wilsonSentence: wilson.length === 0 ? '' : `${wilson.map((r) => r.label.split(' ')[0]).join(', ')} ${wilson.length === 1 ? 'is' : 'are'} at ${wilson.map((r) => num(r.value)).join(', ')}, where a bootstrap cannot vary (every resample gives the same value), so ${wilson.length === 1 ? 'its interval is a' : 'their intervals are'} ${levelPercent}% Wilson score interval${wilson.length === 1 ? '' : 's'} from the confusion counts.`,
    prevalenceSentence: sampled === null ? '' : `The model was trained and tuned at the sampled prevalence (${sampled.ratio}); the hold-out keeps the source's (${sampled.holdoutRatio}). `
      + `At the sampled prevalence (${sampled.ratio}) this precision would be ${num(sampled.precision)} and F1 ${num(sampled.f1)} (same recall and false-positive rate).`,
    accuracySentence: accuracySentence(input, positiveName, negativeName),
    uncertaintySentence: uncertaintySentence(input, positiveName, levelPercent),
    objectiveSentence: `Objective: ${input.objective.metric}${input.objective.metric === 'fbeta' ? ` (beta ${input.objective.beta})` : ''}; `
      + `decision threshold ${num(input.objective.threshold)} (${input.objective.rule}); "${positiveName}" is the positive class.`,
    searchSentence: searchSentence(input),
    best: input.trials.find((t) => t.index === input.bestTrial),
  };
}

function accuracySentence(input: ReportInput, positiveName: string, negativeName: string): string {
  const { n, positives, metrics } = input.holdout;
  if (n === 0) return 'The hold-out is empty.';
  const majorityIsNegative = n - positives >= positives;
  const majority = majorityIsNegative ? negativeName : positiveName;
  const majorityCount = majorityIsNegative ? n - positives : positives;
  const baseline = majorityCount / n;
  const acc = metrics.accuracy;
  const base = `always predicting "${majority}": ${num(baseline)} (${count(majorityCount)} of ${count(n)} hold-out items are ${majority})`;
  if (acc <= baseline) return `Accuracy ${num(acc)} is no better than ${base}; accuracy says nothing here, read F1, MCC and FNR.`;
  if (baseline >= 0.7) {
    return `Accuracy ${num(acc)} is high mostly because of the class imbalance: it would nearly be reached by ${base}. Read F1, MCC and FNR instead.`;
  }
  return `For comparison, accuracy ${num(acc)} against ${base}.`;
}

function uncertaintySentence(input: ReportInput, positiveName: string, levelPercent: number): string {
  const { positives, n, resamples } = input.holdout;
  const f1 = input.holdout.intervals.f1;
  const step = positives > 0 ? ` Each ${positiveName} item missed or found moves recall by 1/${positives} = ${num(1 / positives)}.` : '';
  if (!f1) return `No bootstrap intervals were computed; with ${count(positives)} positives in ${count(n)} hold-out items, single numbers can move a lot.${step}`;
  return `With ${count(positives)} positives (${positiveName}) in the hold-out of ${count(n)}, F1's ${levelPercent}% interval spans `
    + `${num(f1.low)}-${num(f1.high)} (width ${num(f1.high - f1.low)}; ${count(resamples)} bootstrap resamples).${step}`;
}

function searchSentence(input: ReportInput): string {
  const s = input.search;
  const budget = s.secondsBudget === null ? 'no time budget' : `a budget of ${duration(s.secondsBudget)}`;
  return `${s.strategy} search ran ${s.trialsRun} of ${s.trialsPlanned} planned trials in ${duration(s.secondsUsed)} (${budget}); `
    + `stopped by ${s.stoppedBy}; ${s.pruned} pruned.`;
}

/** `negatives:positives` as `1:160` (or `2:1` when positives are the majority). */
export function mixRatio(share: number): string {
  if (!(share > 0 && share < 1)) return share >= 1 ? '1:0' : '0:1';
  return share <= 0.5 ? `1:${sig((1 - share) / share, 3)}` : `${sig(share / (1 - share), 3)}:1`;
}

/**
 * Precision and F1 at the sample's class mix, from the hold-out's recall and false-positive rate:
 * precision' = R·π / (R·π + FPR·(1 − π)). Null when there is no sample row, or its positive
 * share is within a factor 1.5 of the hold-out's (the numbers would barely move).
 */
function sampledPrevalence(input: ReportInput, positiveName: string): SampledPrevalence | null {
  const shareOf = (stage: string): number | null => {
    const row = input.counts.find((r) => r.stage === stage);
    if (!row) return null;
    const total = Object.values(row.counts).reduce((a, b) => a + b, 0);
    return total > 0 ? (row.counts[positiveName] ?? 0) / total : null;
  };
  const sample = shareOf('sample');
  const { n, positives, metrics } = input.holdout;
  if (sample === null || n === 0 || positives === 0 || positives === n || sample <= 0 || sample >= 1) return null;
  const holdoutShare = positives / n;
  if (Math.max(sample / holdoutShare, holdoutShare / sample) < 1.5) return null;
  const r = metrics.recall, fpr = metrics.fpr;
  if (!Number.isFinite(r) || !Number.isFinite(fpr) || r * sample + fpr * (1 - sample) === 0) return null;
  const precision = (r * sample) / (r * sample + fpr * (1 - sample));
  const f1 = precision + r === 0 ? 0 : (2 * precision * r) / (precision + r);
  return { share: sample, ratio: mixRatio(sample), holdoutRatio: mixRatio(holdoutShare), precision, f1 };
}
