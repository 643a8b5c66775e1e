/**
 * The interpreter: validate, then run the stages in order through the cache, then write the run
 * folder. The hold-out indices go from the `holdout` stage straight to `evaluate`; every stage in
 * between sees only the pool, so nothing fitted, sampled, resampled or searched can touch them.
 *
 *   ingest -> decode -> holdout -> sample -> split -> features -> resample -> search -> evaluate -> report
 */
import { describeEnsemble } from '../learn/search/ensemble.js';
import { rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { AssayError, DataError, InvalidPipelineError, UsageError } from '../core/errors.js';
import { formatDiagnostic } from '../core/diagnostics.js';
import type { PipelineSpec } from '../core/spec.js';
import { loadPipeline, countsDiagnostics, locateDataProblems, type LoadOk } from '../config/index.js';
import { readPipelineText } from '../data/read-file-bounded.js';
import { listInventory, readColumn } from '../data/sources/index.js';
import { availableCounts, sampleShortfall } from '../data/partition/index.js';
import { planSteps } from '../features/steps.js';
import { initBackend, type BackendInfo } from '../learn/backend/backend.js';
import { StageCache, defaultCacheDir } from '../store/cache.js';
import { openArtifactStore } from '../store/artifact-store.js';
import type { TrialPlacement } from '../learn/search/executor.js';
import { closeOutsideExecutors, type ExecutorChoice } from '../stages/trial-executors.js';
import { sha256 } from '../store/fingerprint.js';
import { createRunFolder, labelProblem, newRunId, type RunId } from '../store/run-folder.js';
import { packageVersion, assayVersion } from '../store/environment.js';
import { consoleProgress, type Progress } from '../stages/progress.js';
import { runStage, type StageContext, type StageRecord } from '../stages/stage.js';
import { ingestStage } from '../stages/ingest.js';
import { decodeStage, describeDecoded, enforceBadFilePolicy, missingPolicy } from '../stages/decode.js';
import { holdoutStage } from '../stages/holdout.js';
import { sampleStage } from '../stages/sample.js';
import { splitStage } from '../stages/split.js';
import { featuresStage } from '../stages/features.js';
import { resampleStage } from '../stages/resample.js';
import { searchStage } from '../stages/search.js';
import { evaluateStage, isMulticlassEvaluation } from '../stages/evaluate.js';
import { writeRunFolder, writeFailedLock, type RunRecord } from './write-run.js';
import { recordProgress } from './progress-record.js';
import { KERNELS_PACKAGE, kernelsDigest } from '../learn/backend/simd.js';

export interface RunOptions {
  /** Pipeline file (YAML). */
  readonly file: string;
  /** `path=value` overrides, recorded in the run. */
  readonly overrides?: readonly string[];
  readonly noCache?: boolean;
  /** Folder holding run folders (default `runs` under cwd). */
  readonly runsDir?: string;
  /** Stage cache folder (default $ASSAY_CACHE_DIR or `<runsDir>/.cache`). */
  readonly cacheDir?: string;
  readonly cwd?: string;
  readonly progress?: Progress;
  /** Pin the run id (used by `rerun` and tests). */
  readonly runId?: RunId;
  /**
   * Record an interrupted run (SIGINT/SIGTERM) in its lock, naming the stage, then exit with
   * 130/143. For the CLI; a library caller handles signals itself.
   */
  readonly handleSignals?: boolean;
  /** The run's own name (`--name`): shown by `assay runs`, usable wherever a run is named. */
  readonly label?: string;
  /** A note kept with the run (note.md); `assay runs note` edits it later. */
  readonly note?: string;
  /**
   * Package versions to record in cache keys instead of the installed ones (`assay` for assay
   * itself); for tests and tools that pin them.
   */
  readonly versions?: Readonly<Record<string, string>>;
  /**
   * Run the trials on a job queue (a Redis URL, see `assay worker`) instead of this machine;
   * the other stages run here. Needs `store`. Never changes a key or a result.
   */
  readonly queue?: string;
  /** Artifact store URL (file:///dir, s3://bucket/prefix) shared with the queue's workers. */
  readonly store?: string;
}

/** The installed version of `name` (`assay` for assay itself), or `absent`; memoized. */
function versionLookup(pinned: Readonly<Record<string, string>> = {}): (name: string) => string {
  const seen = new Map<string, string>();
  return (name) => {
    if (pinned[name] !== undefined) return pinned[name];
    if (!seen.has(name)) seen.set(name, name === 'assay' ? assayVersion() : name === KERNELS_PACKAGE ? kernelsDigest() : packageVersion(name) ?? 'absent');
    return seen.get(name)!;
  };
}

export interface RunResult {
  readonly id: RunId;
  readonly dir: string;
  readonly spec: PipelineSpec;
  readonly metrics: unknown;
  readonly stages: readonly StageRecord[];
}

/** Validate and run a pipeline; throws InvalidPipelineError (exit 2) or an AssayError naming the failed stage (exit 1). */
export async function runPipeline(opts: RunOptions): Promise<RunResult> {
  const cwd = path.resolve(opts.cwd ?? process.cwd());
  let progress = opts.progress ?? consoleProgress();
  // Read relative to `cwd`, but report problems under the path as the user gave it.
  const text = await readPipelineText(path.resolve(cwd, opts.file));
  if (typeof text !== 'string') {
    throw new InvalidPipelineError([{ code: 'file.read', severity: 'error', path: '', file: opts.file, line: 1, col: 1, message: `cannot read the pipeline: ${text.reason}` }]);
  }
  if (opts.label !== undefined) {
    const problem = labelProblem(opts.label);
    if (problem) throw new UsageError(`--name "${opts.label}" ${problem}`);
  }
  const loaded = await loadPipeline(opts.file, { overrides: opts.overrides ?? [], text });
  if (!loaded.ok) throw new InvalidPipelineError(loaded.diagnostics);
  const { spec } = loaded;
  for (const w of loaded.warnings) progress.line(formatDiagnostic(w), 'warning');
  const runsDir = path.resolve(cwd, opts.runsDir ?? 'runs');
  const id = opts.runId ?? newRunId();
  const cache = new StageCache(opts.cacheDir ? path.resolve(cwd, opts.cacheDir) : defaultCacheDir(runsDir), {
    warn: (m) => progress.line(`warning: ${m}`, 'warning'),
    ref: { runsDir, name: spec.name, run: id },
  });
  // NOTE: the queue is checked before anything starts: an unreachable Redis leaves no run folder
  // and no trace in the cache.
  const executor = opts.queue ? await queueChoice(opts.queue, opts.store, cache.root, id) : { kind: 'local' as const };
  // NOTE: the cache is opened (marked, this run registered) before the run folder exists, so a
  // cache folder that is also the runs folder is marked while it is still empty.
  await cache.open();
  const createdAt = new Date().toISOString();
  const dir = await createRunFolder(runsDir, spec.name, id, { label: opts.label, startedAt: createdAt, pipeline: loaded.resolved });
  const recorder = recordProgress(progress, { dir, run: id, name: spec.name, version: spec.version, metric: spec.objective.metric, plannedTrials: spec.search.trials });
  progress = recorder.progress;
  const ctx: { -readonly [K in keyof StageContext]: StageContext[K] } = {
    cache, noCache: opts.noCache ?? false, progress, cwd, packageVersion: versionLookup(opts.versions), transient: new Set(),
  };
  const stages: StageRecord[] = [];
  const execution: { trials?: TrialPlacement } = {};
  const base = {
    id, dir, file: opts.file, text: loaded.text, resolved: loaded.resolved, overrides: opts.overrides ?? [], createdAt, spec, runsDir, execution,
    ...(opts.label !== undefined ? { label: opts.label } : {}), ...(opts.note !== undefined ? { note: opts.note } : {}),
  };
  let backend: BackendInfo | null = null;
  /** Set once the counts pass: from then on only a located data problem (not a usage error) refuses the run. */
  let accepted = false;
  /** Set once training starts: from then on every failure is recorded in the run folder. */
  let training = false;
  progress.line(`run ${spec.name} v${spec.version} -> ${path.relative(cwd, dir) || dir}`);
  // NOTE: cache entries are atomic, so an interrupted run leaves the cache consistent; this only
  // records in the run folder that (and where) it was interrupted. Workers die with the process.
  let current = 'ingest';
  const trackStages: Progress = { ...progress, stageStart: (name) => { current = name; progress.stageStart(name); } };
  ctx.progress = trackStages;
  const onSignal = (signal: NodeJS.Signals) => {
    progress.line(`interrupted (${signal}) during stage ${current}; the cache is consistent, finished trials are kept`);
    const err = Object.assign(new AssayError('interrupted', `interrupted by ${signal} during stage ${current}`), { stage: current });
    // NOTE: a queue's keys are removed too; the stage's own clean-up never runs after a signal.
    const recorded = recorder.end('failed', { stage: current, message: err.message }).then(() => writeFailedLock({ ...base, stages, backend }, err));
    void Promise.all([recorded, closeOutsideExecutors()]).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  if (opts.handleSignals) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  try {
    const steps = planSteps(spec.features);
    const root = 'path' in spec.data ? path.resolve(cwd, spec.data.source === 'csv' ? path.dirname(spec.data.path) : spec.data.path) : cwd;
    // Listing and fingerprinting the files is the ingest stage's work (its progress shows under it).
    trackStages.stageStart('ingest');
    const listed = await listInventory(spec.data, {
      cwd, seed: spec.seed, missing: missingPolicy(spec.features),
      fingerprintCache: path.join(cache.root, 'fingerprints', `${spec.data.source}-${sha256(root).slice(0, 16)}.json`),
      progress: (done, total) => progress.tick(done, total, 'files'),
    });
    const ingest = await runStage(ingestStage, { data: spec.data, inventory: listed.inventory, fingerprint: listed.fingerprint }, ctx,
      (inv) => `${inv.items.length} items (${inv.classes.map((c, k) => `${c} ${inv.items.filter((i) => i.label === k).length}`).join(', ')})`);
    stages.push(ingest.record);
    const inventory = ingest.output;
    // group-by a CSV column: the values travel to the hold-out and split stages (and their keys).
    const column = [spec.holdout.groupBy, spec.split.groupBy].find((g) => g?.kind === 'column');
    const groups = column?.kind === 'column' && spec.data.source === 'csv'
      ? await readColumn(spec.data, inventory, column.column, { cwd, at: `${column === spec.holdout.groupBy ? 'holdout' : 'split'}.group-by.column` }) : null;

    const decode = await runStage(decodeStage, { data: spec.data, root, inventory, geometry: steps.geometry, seed: spec.seed, upstream: { ingest: ingest.record.key }, missing: missingPolicy(spec.features) }, ctx,
      (o) => `${describeDecoded(o.decoded)}${o.bad.length ? `, ${o.bad.length} unreadable` : ''}`);
    stages.push(decode.record);
    enforceBadFilePolicy(spec.data, decode.output.bad, inventory);

    const holdout = await runStage(holdoutStage, {
      inventory, groups, usable: decode.output.usable, spec: spec.holdout, duplicates: spec.data.duplicates, seed: spec.seed, upstream: { decode: decode.record.key },
    }, ctx, (o) => `${o.holdout.length} held out, ${o.pool.length} in the pool${o.dropped ? `, ${o.dropped} duplicates dropped` : ''}`);
    stages.push(holdout.record);

    const byClass = (counts: readonly number[]) => Object.fromEntries(inventory.classes.map((c, k) => [c, counts[k]!]));
    const beforeHoldout = availableCounts(inventory.items, decode.output.usable, inventory.classes.length);
    const afterHoldout = availableCounts(inventory.items, holdout.output.pool, inventory.classes.length);
    const shortfalls = countsDiagnostics(spec, byClass(beforeHoldout), loaded.locate, opts.file, byClass(afterHoldout));
    if (shortfalls.length > 0) throw new InvalidPipelineError(shortfalls);
    accepted = true;

    const sample = await runStage(sampleStage, { inventory, pool: holdout.output.pool, spec: spec.sampling, seed: spec.seed, upstream: { holdout: holdout.record.key } }, ctx,
      (o) => {
        const short = sampleShortfall(spec.sampling, afterHoldout, availableCounts(inventory.items, o.indices, inventory.classes.length), inventory.classes);
        return `${countsText(inventory, o.indices)}${short ? ` (${short})` : ''}`;
      });
    stages.push(sample.record);

    const split = await runStage(splitStage, { inventory, groups, indices: sample.output.indices, spec: spec.split, seed: spec.seed, upstream: { sample: sample.record.key } }, ctx,
      (o) => o.folds.length === 1 ? `train ${countsText(inventory, o.folds[0]!.train)} | validation ${countsText(inventory, o.folds[0]!.validation)}` : `${o.folds.length} folds`);
    stages.push(split.record);

    const features = await runStage(featuresStage, {
      inventory, decoded: decode.output.decoded, folds: split.output.folds, pixelSteps: steps.pixel, upstream: { decode: decode.record.key, split: split.record.key },
      ...(spec.data.source === 'csv' ? { dataColumns: spec.data.columns } : {}),
    }, ctx, (o) => `example shape [${o.exampleShape.join(', ')}]${steps.pixel.length ? `, fitted ${steps.pixel.map((s) => s.kind).join(', ')} on train` : ''}`);
    stages.push(features.record);

    const resample = await runStage(resampleStage, {
      folds: features.output.folds, spec: spec.resample, classes: inventory.classes, seed: spec.seed, upstream: { features: features.record.key },
    }, ctx, (o) => `${spec.resample.method}: ${countsList(inventory.classes, o.folds[0]!.before)} -> ${countsList(inventory.classes, o.folds[0]!.after)}`);
    stages.push(resample.record);

    training = true;
    backend = await initBackend(spec.backend);
    // NOTE: every fold trains: a trial of a k-fold search is k models scored out of fold.
    const folds = features.output.folds.length;
    const search = await runStage(searchStage, {
      spec, classes: inventory.classes, positive: inventory.positive, features: features.output.folds, resampled: resample.output.folds,
      backend: backend.name, upstream: { features: features.record.key, resample: resample.record.key },
      executor, onPlacement: (p) => { execution.trials = p; },
      // NOTE: objective.prevalence: source tunes for the source's mix: usable items before hold-out and sampling.
      sourceCounts: { positives: beforeHoldout[inventory.positive]!, negatives: beforeHoldout.reduce((a, b) => a + b, 0) - beforeHoldout[inventory.positive]! },
    }, ctx, (o) => `${o.used.trials} trials${o.reused ? ` (${o.reused} reused)` : ''}, best #${o.best.index + 1} ${spec.objective.metric} ${o.best.score.toFixed(4)} on validation${folds > 1 ? ` (${folds} folds, out of fold)` : ''}${o.ensemble ? `; ${describeEnsemble(o.ensemble)} ${spec.objective.metric} ${o.ensemble.score.toFixed(4)}` : ''}, stopped by ${o.stoppedBy}`);
    stages.push(search.record);

    const evaluation = await runStage(evaluateStage, {
      spec, inventory, decoded: decode.output.decoded, holdout: holdout.output.holdout,
      // An ensemble's members all come from the one validation split: its fitted transform for each.
      models: search.output.ensemble ? search.output.ensemble.modelDirs.map((dir) => ({ dir, fitted: features.output.folds[0]!.fitted }))
        : search.output.bestModelDirs.map((dir, f) => ({ dir, fitted: features.output.folds[f]!.fitted })),
      best: search.output.best, backend: backend.name, ...(search.output.ensemble ? { threshold: search.output.ensemble.threshold } : {}),
      upstream: { holdout: holdout.record.key, search: search.record.key, features: features.record.key, decode: decode.record.key },
    }, ctx, (o) => isMulticlassEvaluation(o)
      ? `hold-out ${['accuracy', 'macro-f1', spec.objective.metric].filter((m, i, all) => all.indexOf(m) === i).reverse().map((m) => `${m} ${o.metrics[m]!.toFixed(4)}`).join(', ')} (arg-max over ${inventory.classes.length} classes)`
      : `hold-out ${spec.objective.metric} ${o.metrics[spec.objective.metric].toFixed(4)}, mcc ${o.metrics.mcc.toFixed(4)}, fnr ${o.metrics.fnr.toFixed(4)} at threshold ${o.threshold.toFixed(3)}`);
    stages.push(evaluation.record);

    const record: RunRecord = {
      ...base, stages, backend, inventory, dataFingerprint: listed.fingerprint, root,
      decode: decode.output, holdout: holdout.output, sample: sample.output, split: split.output,
      features: features.output, resample: resample.output, search: search.output, evaluation: evaluation.output,
    };
    const metrics = await writeRunFolder(record, progress);
    await recorder.end('finished');
    return { id, dir, spec, metrics, stages };
  } catch (err) {
    await recorder.end('failed', { stage: (err as { stage?: string }).stage ?? null, message: err instanceof Error ? err.message : String(err) });
    // NOTE: a run refused for its input (exit 2: the data, as found while reading it) leaves no run
    // folder, like a run refused for its pipeline. The folder exists until then so that the run's
    // references in the cache stay live while it reads the data; the progress record has ended
    // above, so nothing writes into the folder once it is removed.
    const refused = training ? null : refusal(err, loaded, accepted);
    if (refused) {
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      await rmdir(path.dirname(dir)).catch(() => undefined);
      throw refused;
    }
    await writeFailedLock({ ...base, stages, backend }, err);
    throw err;
  } finally {
    await cache.discardScratch();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

/** The queue executor for this run, after checking the URLs and that Redis answers. */
async function queueChoice(url: string, store: string | undefined, cacheRoot: string, id: RunId): Promise<ExecutorChoice> {
  const { checkQueueUrl, probeQueue, runQueueName } = await import('../queue/connection.js');
  checkQueueUrl(url);
  if (!store) throw new UsageError('--queue needs an artifact store that this machine and the workers share: --store URL or ASSAY_STORE (file:///shared/dir or s3://bucket/prefix)');
  await openArtifactStore(store);
  await probeQueue(url);
  // NOTE: ASSAY_QUEUE_TIMEOUT: seconds Redis may be unreachable mid-search before the run fails.
  const timeout = Number(process.env.ASSAY_QUEUE_TIMEOUT);
  return { kind: 'queue', url, store, name: runQueueName(cacheRoot, id), ...(timeout > 0 ? { lostAfterMs: timeout * 1000 } : {}) };
}

/**
 * An error that refuses the run's input (exit 2): data problems located at their keys (as an
 * invalid pipeline), found by any stage before training (a split the data cannot give, a feature
 * step the columns do not fit); before the data is accepted, also an invalid pipeline or a usage
 * error (e.g. a bad ASSAY_MAX_FILE_BYTES).
 */
function refusal(err: unknown, loaded: LoadOk, accepted: boolean): AssayError | null {
  if (err instanceof DataError && err.problems.length > 0) return new InvalidPipelineError(locateDataProblems(err.code, err.problems, loaded.locate));
  if (!accepted && err instanceof AssayError && err.exitCode === 2) return err;
  return null;
}

function countsText(inventory: { classes: readonly string[]; items: readonly { label: number }[] }, indices: readonly number[]): string {
  const counts = new Array<number>(inventory.classes.length).fill(0);
  for (const i of indices) counts[inventory.items[i]!.label]!++;
  return countsList(inventory.classes, counts);
}

function countsList(classes: readonly string[], counts: readonly number[]): string {
  return classes.map((c, k) => `${c} ${counts[k]}`).join(', ');
}
