/**
 * `assay show RUN`: where a run's files are and what it found, before any detail: folder, report
 * path, status, dates, headline hold-out metrics with intervals, the best trial. Reads the run
 * folder's JSON files as written (older folders too); no tfjs.
 */
import path from 'node:path';
import { localMinute } from '../core/local-time.js';
import { sig } from '../report/format.js';
import { bestTrialNumber } from './trial-number.js';
import { currentMetricsShape } from './metrics-compat.js';
import {
  LOCK_FILE, METRICS_FILE, MODEL_DIR, PIPELINE_FILE, PREDICTIONS_FILE, presentReports, readLockOrNull, readMetricsJson, reportFile, reportName, TRIALS_FILE,
} from '../store/run-folder.js';

interface Interval { readonly low: number; readonly high: number }
interface Metrics {
  readonly objective?: { readonly metric?: string; readonly threshold?: number };
  readonly holdout?: {
    readonly n?: number; readonly positives?: number;
    readonly metrics?: Readonly<Record<string, number>>;
    readonly intervals?: Readonly<Record<string, Interval>>;
  };
  readonly search?: { readonly bestTrial?: number; readonly best?: number; readonly trials?: number; readonly planned?: number; readonly family?: string; readonly stoppedBy?: string; readonly ensemble?: { readonly trials?: readonly number[] } };
}

const HEADLINE = ['f1', 'mcc', 'fnr', 'recall', 'precision'] as const;

/** The summary `assay show` prints; `ok` is false when the run has no metrics (failed or unfinished). */
export async function showRunText(run: { readonly id: string; readonly dir: string; readonly status?: string; readonly detail?: string | null }, cwd = process.cwd()): Promise<{ text: string; ok: boolean }> {
  const rel = (p: string) => path.relative(cwd, p) || '.';
  const lock = await readLockOrNull(run.dir);
  const raw = await readMetricsJson(run.dir);
  const metrics = raw === null ? null : (currentMetricsShape(raw) as Metrics);
  // NOTE: the run folder reader's status (finished, failed, interrupted, running, incomplete) wins over the lock's word.
  const status = run.status ?? lock?.status ?? 'unknown';
  const finished = status === 'finished';
  const out: string[] = [];
  out.push(`run      ${run.id}${lock?.file ? `  (${lock.file})` : ''}`);
  out.push(`folder   ${rel(run.dir)}`);
  // NOTE: report.html is kept out of git; a clone has report.md only.
  const reports = await presentReports(run.dir);
  if (finished && reports.length > 0) out.push(`report   ${rel(reportFile(run.dir, reports[0]!))}${reports.length > 1 ? ` (and ${reportName('md')})` : ''}`);
  const when = lock?.createdAt ? `, started ${localMinute(lock.createdAt)}` : '';
  const why = run.detail ? ` (${run.detail})` : lock?.error ? ` (stage ${lock.error.stage ?? '?'}: ${lock.error.message ?? ''})` : '';
  out.push(`status   ${status}${when}${why}`);
  if (finished && metrics === null) out.push('metrics  metrics.json is missing or unreadable (not a regular file, or not JSON): the run folder is damaged');
  const h = metrics?.holdout;
  if (finished && metrics && h?.metrics) {
    const t = metrics.objective?.threshold;
    out.push('', `hold-out (${h.n ?? '?'} items, ${h.positives ?? '?'} positive)${typeof t === 'number' ? ` at threshold ${sig(t)}` : ''}:`);
    for (const m of HEADLINE) {
      const v = h.metrics[m];
      if (v === undefined) continue;
      const i = h.intervals?.[m];
      out.push(`  ${m.padEnd(10)} ${v.toFixed(4)}${i ? `  (95% CI ${i.low.toFixed(4)}..${i.high.toFixed(4)})` : ''}`);
    }
    const s = metrics.search;
    const best = bestTrialNumber(metrics);
    if (s && best !== null) out.push('', `best trial #${best} of ${s.trials ?? '?'}${s.family ? ` (${s.family})` : ''}; search stopped by ${s.stoppedBy ?? '?'}`);
    const members = s?.ensemble?.trials;
    if (members && members.length > 0) out.push(`model: ensemble of the top ${members.length} trials: ${members.map((n) => `#${n}`).join(', ')} (mean probability)`);
    const files = [PIPELINE_FILE, LOCK_FILE, METRICS_FILE, TRIALS_FILE, PREDICTIONS_FILE, reportName('md'), reportName('html'), `${MODEL_DIR}/`];
    out.push('', `files    ${files.join(' ')}`, `(assay show RUN --md prints the whole report; --json prints ${METRICS_FILE})`);
  }
  return { text: `${out.join('\n')}\n`, ok: finished && metrics !== null };
}
