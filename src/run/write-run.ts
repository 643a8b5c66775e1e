/**
 * Writes a finished run's folder: the pipeline as given, the lock (resolved pipeline, stage keys,
 * data fingerprint, environment), metrics, trials, hold-out predictions, reports and the model
 * with everything `assay predict` needs to apply exactly the same transform.
 */
import type { Inventory } from '../core/data.js';
import type { PipelineSpec } from '../core/spec.js';
import type { BackendInfo } from '../learn/backend/backend.js';
import type { TrialPlacement } from '../learn/search/executor.js';
import { planSteps } from '../features/steps.js';
import { environment, gitState } from '../store/environment.js';
import {
  clearRunningMark, LOCK_VERSION, lockHoldout, writeHoldout, writeLock, writeMetrics, writeModel, writeNote, writePipelineText,
  writePredictions, writeTrials, type LockHead, type MetricsRecord, type PredictionRecord, type PreprocessRecord, type RunId,
} from '../store/run-folder.js';
import { withWilsonAtBounds } from '../evaluate/wilson.js';
import type { DecodeOutput } from '../stages/decode.js';
import { isMulticlassEvaluation, type EvaluateOutput } from '../stages/evaluate.js';
import { multiclassHoldoutRecord, multiclassPredictions } from './multiclass-run.js';
import type { FeaturesOutput } from '../stages/features.js';
import type { HoldoutOutput } from '../stages/holdout.js';
import type { Progress } from '../stages/progress.js';
import type { ResampleOutput } from '../stages/resample.js';
import type { SampleOutput } from '../stages/sample.js';
import type { SearchOutput } from '../stages/search.js';
import type { SplitOutput } from '../stages/split.js';
import type { StageRecord } from '../stages/stage.js';
import { writeReports } from './report-input.js';

export { LOCK_VERSION };

export interface RunBase {
  readonly id: RunId;
  readonly dir: string;
  readonly file: string;
  readonly text: string;
  readonly resolved: unknown;
  readonly overrides: readonly string[];
  readonly createdAt: string;
  readonly spec: PipelineSpec;
  readonly stages: readonly StageRecord[];
  readonly backend: BackendInfo | null;
  /** The run's own name (`--name`) and note (`--note`), when given. */
  readonly label?: string;
  readonly note?: string;
  /** The runs folder this run is written under (for the hold-out ledger). */
  readonly runsDir: string;
  /** Where the trials ran (set once the search executed; absent when it was cached). Never part of a key. */
  readonly execution?: { readonly trials?: TrialPlacement };
}

export interface RunRecord extends RunBase {
  readonly backend: BackendInfo;
  readonly inventory: Inventory;
  readonly dataFingerprint: string;
  readonly root: string;
  readonly decode: DecodeOutput;
  readonly holdout: HoldoutOutput;
  readonly sample: SampleOutput;
  readonly split: SplitOutput;
  readonly features: FeaturesOutput;
  readonly resample: ResampleOutput;
  readonly search: SearchOutput;
  readonly evaluation: EvaluateOutput;
}

/** What `assay predict` reads from `model/preprocess.json`, with this version's fitted transform. */
export type Preprocess = PreprocessRecord<FeaturesOutput['folds'][number]['fitted']>;

async function lockBase(run: RunBase): Promise<LockHead> {
  return {
    lockVersion: LOCK_VERSION,
    run: run.id,
    ...(run.label ? { label: run.label } : {}),
    createdAt: run.createdAt,
    file: run.file,
    overrides: run.overrides,
    pipeline: run.resolved,
    stages: run.stages.map((s) => ({ name: s.name, key: s.key, cached: s.cached, ...(s.stored ? {} : { stored: false }), seconds: round(s.seconds, 3), summary: s.summary, fingerprint: s.fingerprint })),
    backend: run.backend,
    ...(run.execution?.trials ? { execution: run.execution } : {}),
    environment: environment(),
    git: await gitState(run.file),
  };
}

/**
 * Record a failed or interrupted run (an error with code `interrupted`): which stage and why. The
 * cache stays consistent (entries are atomic). A failure to write it (a full disk) leaves the
 * folder without a lock, which reads as incomplete.
 */
export async function writeFailedLock(run: RunBase, err: unknown): Promise<void> {
  try {
    await writePipelineText(run.dir, run.text);
    await writeRunNote(run);
    const stage = (err as { stage?: string }).stage ?? null;
    const message = err instanceof Error ? err.message : String(err);
    const status = (err as { code?: unknown }).code === 'interrupted' ? 'interrupted' : 'failed';
    await writeLock(run.dir, { ...(await lockBase(run)), status, error: { stage, message } });
    await clearRunningMark(run.dir);
  } catch {
    // The original error matters more than a failure to record it.
  }
}

async function writeRunNote(run: RunBase): Promise<void> {
  if (run.note) await writeNote(run.dir, run.note);
}

export async function writeRunFolder(run: RunRecord, progress: Progress): Promise<unknown> {
  const { dir, spec, inventory, evaluation, search } = run;
  // NOTE: every file is written atomically and lock.json last, so a run killed (or a disk filled)
  // on the way leaves no lock and reads as incomplete, never as finished with half a report.
  await writePipelineText(dir, run.text);
  await writeRunNote(run);

  const holdoutIds = run.holdout.holdout.map((i) => inventory.items[i]!.id);
  const folds = run.features.folds.length;
  const multi = isMulticlassEvaluation(evaluation);
  const metrics: MetricsRecord = {
    objective: multi ? { metric: spec.objective.metric, rule: 'argmax' } : {
      metric: spec.objective.metric, threshold: evaluation.threshold, rule: spec.objective.threshold.kind,
      // NOTE: only when set, so runs without it write the metrics.json they always did.
      ...(spec.objective.prevalence.kind === 'sample' ? {} : { prevalence: { kind: spec.objective.prevalence.kind, share: search.prevalence, negativeWeights: search.negativeWeights } }),
    },
    holdout: multi ? multiclassHoldoutRecord(evaluation, inventory.classes) : {
      n: evaluation.predictions.indices.length,
      positives: evaluation.predictions.labels01.reduce((a, b) => a + b, 0),
      metrics: evaluation.metrics,
      // NOTE: a proportion at 0 or 1 gets a Wilson interval (the bootstrap cannot vary there).
      intervals: withWilsonAtBounds(evaluation.intervals, evaluation.confusion),
      confusion: evaluation.confusion,
    },
    validation: {
      // NOTE: k-fold runs: n counts the pooled out-of-fold predictions, every sampled item once.
      n: search.best.valProbabilities.length / (multi ? inventory.classes.length : 1),
      score: search.best.score,
      bestEpoch: search.best.bestEpoch,
      // NOTE: only for k > 1, so single-split runs write the metrics.json they always did.
      ...(folds > 1 ? { folds } : {}),
      // NOTE: an ensemble's score and threshold on validation, next to the best single trial's above.
      ...(search.ensemble ? { ensemble: { score: search.ensemble.score, threshold: search.ensemble.threshold, logLoss: search.ensemble.valLogLoss } } : {}),
    },
    search: {
      strategy: spec.search.strategy,
      trials: search.used.trials,
      planned: search.planned.trials,
      seconds: round(search.used.seconds, 1),
      budgetSeconds: search.planned.seconds,
      stoppedBy: search.stoppedBy,
      // NOTE: trials are numbered from 1 for people, as the console and the report say; folders
      // written before this have `best`, the index from 0 (results/trial-number.ts reads both).
      bestTrial: search.best.index + 1,
      family: search.best.family,
      params: search.best.params,
      pruned: search.trials.filter((t) => t.pruned).length,
      failed: search.trials.filter((t) => t.error !== undefined).length,
      reused: search.reused,
      ...(search.ensemble ? { ensemble: { requested: search.ensemble.requested, trials: search.ensemble.members.map((i) => i + 1), bestThreshold: search.best.threshold } } : {}),
    },
  };
  await writeMetrics(dir, metrics);
  await writeTrials(dir, search.trials);
  await writeHoldout(dir, holdoutIds);

  if (multi) await writePredictions(dir, multiclassPredictions(evaluation, inventory), inventory.classes);
  else {
    const rows: PredictionRecord[] = evaluation.predictions.indices.map((idx, i) => {
      const item = inventory.items[idx]!;
      const p = evaluation.predictions.probabilities[i]!;
      const prediction = p >= evaluation.threshold ? inventory.classes[inventory.positive]! : otherClass(inventory);
      return { ref: item.ref, id: item.id, label: inventory.classes[item.label]!, probability: p, prediction };
    });
    await writePredictions(dir, rows);
  }

  const decoded = run.decode.decoded;
  const preprocess: Preprocess = {
    // NOTE: image runs keep the layout they always had, so `rerun --check` of an older run matches.
    ...(decoded.kind === 'table' ? { input: 'table' as const, columns: decoded.table.columns } : {}),
    ...(decoded.kind === 'mixed' ? { input: 'mixed' as const, columns: decoded.table.columns, layout: run.features.layout } : {}),
    classes: inventory.classes,
    positive: inventory.positive,
    // NOTE: a multi-class run decides by arg-max (positive -1); its threshold is unused.
    threshold: multi ? 0 : evaluation.threshold,
    geometry: planSteps(spec.features).geometry,
    fitted: run.features.folds[0]!.fitted,
    exampleShape: run.features.exampleShape,
    family: search.best.family,
    params: search.best.params,
    backend: run.backend.name,
    ...(folds > 1 ? { folds: run.features.folds.map((f) => ({ fitted: f.fitted })) } : {}),
    ...(search.ensemble ? { ensemble: { trials: search.ensemble.members.map((i) => i + 1) } } : {}),
  };
  // One fold: model.json + weights.bin in model/ as always; k folds: model/fold-<f>/ each.
  // An ensemble: model/member-<i>/ each, best first.
  await writeModel(dir, search.ensemble ? { kind: 'members', dirs: search.ensemble.modelDirs }
    : folds === 1 ? { kind: 'single', dir: search.bestModelDir } : { kind: 'folds', dirs: search.bestModelDirs }, preprocess);

  await writeReports(run, metrics, progress);

  const lock = {
    ...(await lockBase(run)),
    status: 'finished' as const,
    trialKeys: search.trialKeys,
    data: {
      source: spec.data.source,
      root: run.root,
      fingerprint: run.dataFingerprint,
      items: inventory.items.length,
      classes: inventory.classes,
      positive: inventory.classes[inventory.positive],
      skipped: [...inventory.skipped, ...run.decode.bad],
      holdout: lockHoldout(holdoutIds.length),
    },
  };
  // The lock is written last: a run folder with a finished lock is complete.
  await writeLock(dir, lock);
  await clearRunningMark(dir);
  return metrics;
}

function otherClass(inventory: Inventory): string {
  return inventory.classes.length === 2 ? inventory.classes[1 - inventory.positive]! : `not-${inventory.classes[inventory.positive]}`;
}


function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
