/**
 * The report's charts, built from a ReportInput as SVG strings (inline for HTML, standalone files
 * for Markdown). Curves use the hold-out probabilities; learning curves the best trial's records.
 */
import { isMinimized, prCurve, rocCurve } from '../evaluate/metrics.js';
import { metricCurve } from '../evaluate/threshold.js';
import type { ReportInput } from './model.js';
import { barChart, confusionHeatmap, lineChart } from './svg.js';
import { num, summarize, type ReportSummary } from './summary.js';
import { sig } from './format.js';

export type ChartName = 'confusion' | 'pr' | 'roc' | 'threshold' | 'learning-loss' | 'learning-objective' | 'trials' | 'counts';

/** Each chart with its file name (`charts/<name>.svg` in Markdown) and a caption. */
export interface Chart {
  readonly name: ChartName;
  readonly caption: string;
  readonly svg: string;
}

/** Every chart the input has data for, in report order (learning curves need a best trial with records). */
export function buildCharts(input: ReportInput, standalone: boolean, summary: ReportSummary = summarize(input)): Chart[] {
  const { holdout, objective } = input;
  const { positiveName: pos, negativeName: neg } = summary;
  const c = holdout.confusion;
  const out: Chart[] = [];
  out.push({
    name: 'confusion', caption: 'Confusion matrix on the hold-out (rows: actual, columns: predicted; shade: share of the row).',
    svg: confusionHeatmap([[c.tp, c.fn], [c.fp, c.tn]], [pos, neg], [pos, neg], { title: 'Hold-out confusion matrix', standalone }),
  });
  const probs = holdout.probabilities, labels = holdout.labels;
  const hasCurves = probs.length > 0 && probs.length === labels.length;
  if (hasCurves) {
    const pr = prCurve(probs, labels);
    const baseRate = holdout.n > 0 ? holdout.positives / holdout.n : 0;
    const op = holdout.metrics;
    out.push({
      name: 'pr', caption: `Precision-recall curve on the hold-out (average precision ${num(op['pr-auc'])}); dot: the chosen threshold; dashed: a random ranking.`,
      svg: lineChart([
        { name: 'PR curve', points: pr.recall.map((r, i) => [r, pr.precision[i]!] as const) },
        { name: 'chosen threshold', points: [[op.recall, op.precision]], dots: true, line: false, color: '#c92a2a' },
      ], { legend: 'bottom-left', title: 'Precision-recall (hold-out)', xLabel: 'recall', yLabel: 'precision', xDomain: [0, 1], yDomain: [0, 1], standalone, markers: [{ y: baseRate, label: `random: ${num(baseRate)}`, color: '#888' }] }),
    });
    const roc = rocCurve(probs, labels);
    out.push({
      name: 'roc', caption: `ROC curve on the hold-out (AUC ${num(op['roc-auc'])}); dot: the chosen threshold.`,
      svg: lineChart([
        { name: 'ROC curve', points: roc.fpr.map((f, i) => [f, roc.tpr[i]!] as const) },
        { name: 'random', points: [[0, 0], [1, 1]], dashed: true, color: '#888' },
        { name: 'chosen threshold', points: [[op.fpr, op.recall]], dots: true, line: false, color: '#c92a2a' },
      ], { legend: 'bottom-right', title: 'ROC (hold-out)', xLabel: 'false-positive rate', yLabel: 'true-positive rate (recall)', xDomain: [0, 1], yDomain: [0, 1], standalone }),
    });
    const metrics = [...new Set([objective.metric, 'recall', 'precision'] as const)];
    out.push({
      name: 'threshold', caption: `Hold-out ${metrics.join(', ')} against the decision threshold; the dashed line is the threshold chosen on validation (${num(objective.threshold)}).`,
      svg: lineChart(metrics.map((m) => {
        const curve = metricCurve(probs, labels, m, objective.beta);
        return { name: m, points: curve.thresholds.map((t, i) => [t, curve.values[i]!] as const).filter(([t]) => t >= 0 && t <= 1).reverse() };
      }), { title: 'Metric vs threshold (hold-out)', xLabel: 'threshold', yLabel: 'value', xDomain: [0, 1], yDomain: [0, 1], legend: 'bottom-right', standalone, markers: [{ x: objective.threshold, label: `threshold ${sig(objective.threshold)}` }] }),
    });
  }
  const best = summary.best;
  if (best && best.curves.length > 0) {
    const ep = best.curves.map((r) => r.epoch);
    out.push({
      name: 'learning-loss', caption: `Loss per epoch of the best trial (#${best.index + 1}); the dashed line marks its best epoch (${best.bestEpoch}).`,
      svg: lineChart([
        { name: 'train loss', points: best.curves.map((r, i) => [ep[i]!, r.trainLoss] as const), dots: true },
        { name: 'validation loss', points: best.curves.map((r, i) => [ep[i]!, r.valLoss] as const), dots: true },
      ], { title: `Learning curve: loss (trial #${best.index + 1})`, xLabel: 'epoch', yLabel: 'loss', standalone, integerX: true, markers: [{ x: best.bestEpoch, label: `best epoch ${best.bestEpoch}` }] }),
    });
    out.push({
      name: 'learning-objective', caption: `${best.metric} per epoch of the best trial on training and validation data; dashed: best epoch.`,
      svg: lineChart([
        { name: `train ${best.metric}`, points: best.curves.map((r, i) => [ep[i]!, r.trainObjective] as const), dots: true },
        { name: `validation ${best.metric}`, points: best.curves.map((r, i) => [ep[i]!, r.valObjective] as const), dots: true },
      ], { title: `Learning curve: ${best.metric} (trial #${best.index + 1})`, xLabel: 'epoch', yLabel: best.metric, standalone, integerX: true, legend: 'bottom-right', markers: [{ x: best.bestEpoch, label: `best epoch ${best.bestEpoch}` }] }),
    });
  }
  if (input.trials.length > 0) {
    const trials = [...input.trials].sort((a, b) => a.index - b.index);
    const minimize = isMinimized(trials[0]!.metric);
    let bestSoFar = minimize ? Infinity : -Infinity;
    const running = trials.filter((t) => Number.isFinite(t.score)).map((t) => {
      bestSoFar = minimize ? Math.min(bestSoFar, t.score) : Math.max(bestSoFar, t.score);
      return [t.index + 1, bestSoFar] as const;
    });
    out.push({
      name: 'trials', caption: `Validation ${trials[0]!.metric} of each trial in search order, with the best so far.`,
      svg: lineChart([
        { name: 'trial score', points: trials.filter((t) => !t.pruned).map((t) => [t.index + 1, t.score] as const), dots: true, line: false, color: '#1f6fb4' },
        { name: 'pruned trial', points: trials.filter((t) => t.pruned).map((t) => [t.index + 1, t.score] as const), dots: true, line: false, color: '#adb5bd' },
        { name: 'best so far', points: running, step: true, color: '#2b8a3e' },
      ], { title: 'Objective per trial', xLabel: 'trial', yLabel: trials[0]!.metric, standalone, integerX: true, legend: minimize ? 'top-right' : 'bottom-right', xDomain: [trials[0]!.index + 0.5, trials[trials.length - 1]!.index + 1.5] }),
    });
  }
  if (input.counts.length > 0) {
    const values = input.counts.flatMap((r) => Object.values(r.counts)).filter((v) => v > 0);
    // NOTE: at 1:160 the rare class's bars vanish on a linear axis; a log axis keeps them visible.
    const log = values.length > 0 && Math.max(...values) / Math.min(...values) > 20;
    out.push({
      name: 'counts', caption: `Items per class at every stage${log ? ' (logarithmic axis: the classes differ by more than 20 times; each bar is labelled with its count)' : ''}.`,
      svg: barChart({ categories: input.counts.map((r) => r.stage), series: input.classes.map((cls) => ({ name: cls, values: input.counts.map((r) => r.counts[cls] ?? 0) })) },
        { title: 'Class counts per stage', yLabel: log ? 'items (log scale)' : 'items', standalone, width: 640, log }),
    });
  }
  return out;
}
