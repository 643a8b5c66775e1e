/**
 * assay's library API. The CLI imports only this module. Functions that need the tensor engine
 * load it lazily, so `validate`, `runs` and `diff` start fast.
 */
export type { PipelineSpec, FeatureStep, MetricName, DataSpec } from './core/spec.js';
export type { Diagnostic } from './core/diagnostics.js';
export { formatDiagnostic, formatDiagnostics, SHOWN_DIAGNOSTICS } from './core/diagnostics.js';
export { AssayError, InvalidPipelineError, UsageError, DataError, StageError, NotFoundError } from './core/errors.js';
export { loadPipeline, validatePipelineText } from './config/index.js';
export { validatePipeline, type ValidateOptions } from './run/validate-pipeline.js';
export { listRuns, resolveRun, holdoutFingerprint, type RunSummary, type RunStatus } from './store/run-status.js';
export { removeRuns, pruneIncomplete, type RemoveResult } from './store/run-remove.js';
export { RUN_FILES, writeRunNote, readMetricsText, readReport, reportFile, reportName, METRICS_FILE, type RunFile } from './store/run-folder.js';
export { runsTable, renderRunsText, renderRunsMarkdown, ledgerCounts, type RunsTable, type RunsTableOptions } from './results/runs-table.js';
export { ledgerSentence } from './report/ledger.js';
export { schemaProperties, settablePathsNamed } from './config/schema-paths.js';
export { SCHEMA_URL } from './config/schema.js';
export { StageCache, defaultCacheDir } from './store/cache.js';
export { explainRun } from './run/explain.js';
export { cacheFolderProblem, cacheStatus, cacheGc, type CacheGcOptions } from './run/cache-commands.js';
export { parseDuration, type GcResult } from './store/cache-gc.js';
export type { RunOptions, RunResult } from './run/run-pipeline.js';
export { consoleProgress, silentProgress, type Progress, type Verbosity } from './stages/progress.js';

import type { RunOptions, RunResult } from './run/run-pipeline.js';

/** Validate and run a pipeline, writing a run folder (see run/run-pipeline.ts). */
export async function runPipeline(opts: RunOptions): Promise<RunResult> {
  return (await import('./run/run-pipeline.js')).runPipeline(opts);
}

/** Which tensor backend would be used, and why (for `assay doctor`). */
export async function doctor() {
  return (await import('./learn/backend/backend.js')).describeBackends();
}

/** Write a synthetic crack image folder (for `assay synth`). */
export async function writeSyntheticFolder(...args: Parameters<typeof import('./data/synth.js').writeSyntheticFolder>) {
  return (await import('./data/synth.js')).writeSyntheticFolder(...args);
}

/** Write the generated mixed set (images + a CSV; for `assay synth --mixed`). */
export async function writeMixedSet(...args: Parameters<typeof import('./data/synth-mixed.js').writeMixedSet>) {
  return (await import('./data/synth-mixed.js')).writeMixedSet(...args);
}

// What users do with finished runs: diff, rerun, predict (src/results/).
export { diffRuns, DIFF_RESAMPLES, type DiffOptions, type RunDiff, type MetricDiff, type MetricNoise, type StageDiff } from './results/diff-runs.js';
export { renderDiffText, renderDiffMarkdown } from './results/diff-render.js';
export { renderDiffHtml } from './results/diff-html.js';
export { compareRuns, type RunComparison, type RunDifference } from './results/compare-runs.js';
export { rerunRun, type RerunOptions, type RerunResult } from './results/rerun.js';
export { showRunText } from './results/show-run.js';
export { bestTrialNumber } from './results/trial-number.js';
export { formatPredictCsv, type PredictRow } from './results/predict-csv.js';
export type { PredictOptions, PredictResult } from './results/predict.js';

import type { PredictOptions, PredictResult } from './results/predict.js';

/** Score image files with a run's model and stored transform (see results/predict.ts); loads tfjs. */
export async function predictFiles(opts: PredictOptions): Promise<PredictResult> {
  return (await import('./results/predict.js')).predictFiles(opts);
}

// `assay ui`: the web app over the runs folder, and its static export (src/ui/).
export { startUiServer, type UiServer, type UiServerOptions } from './ui/server.js';
export { exportSite as exportUiSite, type ExportResult } from './ui/export.js';
// Trials on other machines and runs shared between them (src/queue/, src/run/artifact-sync.ts).
export type { QueueWorkerOptions, QueueWorker } from './queue/queue-worker.js';
export type { SyncedRun } from './run/artifact-sync.js';

/** Serve trial jobs from a job queue (for `assay worker`); loads BullMQ and tfjs. */
export async function startQueueWorker(opts: Omit<import('./queue/queue-worker.js').QueueWorkerOptions, 'script'>) {
  const [{ startQueueWorker: start }, { trialWorkerScript }] = await Promise.all([import('./queue/queue-worker.js'), import('./stages/trial-executors.js')]);
  return start({ ...opts, script: trialWorkerScript() });
}

/** Copy finished run folders to the artifact store (`assay cache push`). */
export async function pushRuns(...args: Parameters<typeof import('./run/artifact-sync.js').pushRuns>) {
  return (await import('./run/artifact-sync.js')).pushRuns(...args);
}

/** Copy run folders from the artifact store, verified (`assay cache pull`). */
export async function pullRuns(...args: Parameters<typeof import('./run/artifact-sync.js').pullRuns>) {
  return (await import('./run/artifact-sync.js')).pullRuns(...args);
}
