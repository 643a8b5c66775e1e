/**
 * Stage `evaluate`: the one and only use of the hold-out. The best trial's model, with the
 * feature transform fitted on its training part and the threshold chosen on validation, scores
 * the hold-out once; metrics come with seeded bootstrap intervals. A k-fold trial is the ensemble
 * of its k models: each scores the hold-out through its own fold's fitted transform, and an
 * item's probability is their mean (`meanProbabilities`, as `assay predict` computes it).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isMulticlass, type Inventory } from '../core/data.js';
import { Rng } from '../core/rng.js';
import type { MetricName, PipelineSpec } from '../core/spec.js';
import { allMetrics, confusionAt, type Confusion } from '../evaluate/metrics.js';
import { objectiveKey } from '../evaluate/prevalence.js';
import { MULTICLASS_INTERVAL_METRICS, scoreMulticlassHoldout, type MulticlassHoldout } from '../evaluate/multiclass-holdout.js';
import { bootstrapIntervals, type Interval } from '../evaluate/bootstrap.js';
import { initBackend } from '../learn/backend/backend.js';
import { meanProbabilities } from '../learn/fold-aggregate.js';
import { loadModel } from '../learn/model-io.js';
import { predictProbabilities } from '../learn/train-ops.js';
import type { TrialResult } from '../learn/protocol.js';
import type { FittedPixelSteps } from '../features/index.js';
import type { Decoded } from './decode.js';
import { transformRows } from './features.js';
import { tensorPackages, type StageDef } from './stage.js';

/** Metrics given a 95% bootstrap interval in metrics.json and the report. */
export const INTERVAL_METRICS: readonly MetricName[] = ['f1', 'mcc', 'recall', 'precision', 'fnr'];

export interface EvaluateInput {
  readonly spec: PipelineSpec;
  readonly inventory: Inventory;
  /** Decoded images or table of every inventory item (the hold-out rows are read from it here). */
  readonly decoded: Decoded;
  /** Inventory indices of the hold-out: read here and nowhere else. */
  readonly holdout: readonly number[];
  /**
   * The best trial's model per fold, in fold order, each with the transform fitted on that fold's
   * training part (one entry for a validation split).
   */
  readonly models: readonly { readonly dir: string; readonly fitted: FittedPixelSteps }[];
  readonly best: TrialResult;
  /** The threshold chosen on validation for `models` together (an ensemble of trials); the best trial's when absent. */
  readonly threshold?: number;
  readonly backend: string;
  readonly upstream: { readonly holdout: string; readonly search: string; readonly features: string; readonly decode: string };
}

export interface HoldoutPredictions {
  readonly indices: readonly number[];
  /** Positive-class probability per hold-out item, in `indices` order. */
  readonly probabilities: readonly number[];
  /** 1 when the item is of the positive class. */
  readonly labels01: readonly number[];
  /** Class index per item. */
  readonly labels: readonly number[];
}

/** What `evaluate` records: a binary evaluation (its JSON as it always was), or a multi-class one. */
export type EvaluateOutput = BinaryEvaluation | MulticlassHoldout;

/** True for the record of a multi-class (arg-max) run. */
export function isMulticlassEvaluation(e: EvaluateOutput): e is MulticlassHoldout {
  return 'kind' in e && e.kind === 'multiclass';
}

export interface BinaryEvaluation {
  readonly predictions: HoldoutPredictions;
  readonly threshold: number;
  readonly metrics: Readonly<Record<MetricName, number>>;
  readonly intervals: Readonly<Record<string, Interval>>;
  readonly confusion: Confusion;
}

export const evaluateStage: StageDef<EvaluateInput, EvaluateOutput, { n: number }> = {
  name: 'evaluate',
  version: 1,
  packages: (input) => tensorPackages(input.backend),
  fingerprint: (input) => ({
    params: {
      objective: objectiveKey(input.spec.objective), report: { bootstrap: input.spec.report.bootstrap },
      intervals: isMulticlass(input.inventory.positive) ? MULTICLASS_INTERVAL_METRICS : INTERVAL_METRICS,
    },
    upstream: input.upstream,
    inputs: { backend: input.backend },
    seed: input.spec.seed,
  }),
  async execute(input, dir, ctx) {
    const { spec, inventory } = input;
    await initBackend(input.backend as PipelineSpec['backend']);
    const rows = input.holdout;
    const labels = Uint8Array.from(rows, (r) => inventory.items[r]!.label);
    ctx.progress.tick(0, rows.length, 'scoring the hold-out');
    const perFold: Float32Array[] = [];
    for (const m of input.models) {
      const model = await loadModel(m.dir);
      try {
        const x = transformRows(input.decoded, rows, m.fitted);
        perFold.push(predictProbabilities(model, x.data, x.exampleShape, labels, inventory.classes.length, inventory.positive).probs);
      } finally {
        model.dispose();
      }
    }
    const probabilities = meanProbabilities(perFold);
    if (isMulticlass(inventory.positive)) {
      const holdout = scoreMulticlassHoldout(rows, probabilities, labels, inventory.classes, { resamples: spec.report.bootstrap, rng: new Rng(spec.seed).child('bootstrap') });
      await writeFile(path.join(dir, 'evaluation.json'), JSON.stringify(holdout));
      return { n: rows.length };
    }
    const labels01 = Array.from(labels, (c) => (c === inventory.positive ? 1 : 0));
    const threshold = input.threshold ?? input.best.threshold;
    const metrics = allMetrics(probabilities, labels01, threshold, spec.objective.beta);
    const intervals = bootstrapIntervals(probabilities, labels01, threshold, INTERVAL_METRICS, {
      resamples: spec.report.bootstrap,
      rng: new Rng(spec.seed).child('bootstrap'),
      beta: spec.objective.beta,
    });
    const confusion = confusionAt(probabilities, labels01, threshold);
    const out: BinaryEvaluation = {
      predictions: { indices: [...rows], probabilities, labels01, labels: Array.from(labels) },
      threshold, metrics, intervals, confusion,
    };
    await writeFile(path.join(dir, 'evaluation.json'), JSON.stringify(out));
    return { n: rows.length };
  },
  async load(dir) {
    return JSON.parse(await readFile(path.join(dir, 'evaluation.json'), 'utf8')) as EvaluateOutput;
  },
};
