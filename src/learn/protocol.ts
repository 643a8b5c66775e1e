/**
 * The contract between the search (which proposes trials) and training (which runs them), in the
 * main process or in a trial worker. Everything here is plain JSON so it crosses process boundaries.
 */
import type { MixedLayout } from '../core/data.js';
import type { AugmentSpec, FamilyName, MetricName, ObjectiveSpec, Params, TrainingSpec } from '../core/spec.js';

/** Where a trial finds its data: tensor files written by the features/resample stages (see store/tensor-file.ts). */
export interface TrialData {
  /** Tensor file path prefixes (without extension) for the training part after resampling. */
  readonly trainX: string;
  readonly trainY: string;
  readonly valX: string;
  readonly valY: string;
  /** Per-item loss weight by class index (class-weights resampling), or null. */
  readonly classWeights: readonly number[] | null;
  /** balanced-batches: per epoch, all minority items and a fresh majority draw with minority/majority = ratio. */
  readonly balancedBatches: { readonly ratio: number } | null;
  /** Training-time augmentation (image inputs, and the image part of mixed ones), or null. */
  readonly augment: AugmentSpec | null;
  /** Index of the positive class; -1 for a multi-class problem (arg-max decision, see core/data.ts NO_POSITIVE). */
  readonly positive: number;
  readonly classes: readonly string[];
  /**
   * Weight of every validation negative in threshold choice and validation scoring
   * (`objective.prevalence`; see evaluate/prevalence.ts); 1 for 'sample'. Absent reads as 1.
   */
  readonly negativeWeight?: number;
  /** Mixed data: how each packed example holds its image and its row (the two-branch family splits it so). */
  readonly layout?: MixedLayout;
}

export interface TrialRequest {
  /** 0-based trial number: the search's order, independent of completion order. */
  readonly index: number;
  readonly family: FamilyName;
  /** Resolved hyperparameters for this family (defaults filled in). */
  readonly params: Params;
  readonly training: TrainingSpec;
  readonly objective: ObjectiveSpec;
  /** Seed for this trial's initialisation, shuffling, dropout and augmentation. */
  readonly seed: number;
  readonly data: TrialData;
  /**
   * Per-epoch validation objective of trials that finished in earlier batches (ordered by trial
   * index). A pruner compares against these only, so pruning is reproducible under parallelism.
   */
  readonly peers: readonly (readonly number[])[];
  readonly pruning: 'none' | 'median' | 'successive-halving';
  /** Where to save the trained model (tfjs format), or null to keep none. */
  readonly modelDir: string | null;
  /** Backend the worker must use (resolved once by the main process). */
  readonly backend: string;
  /**
   * Wall-clock deadline (ms since 1970) from `search.time`, or null. Once it passes, training stops
   * at the next batch and the epoch in progress is discarded (at least one epoch always finishes). The time budget is the one
   * documented source of non-determinism; a trial stopped by it is never cached.
   */
  readonly deadline?: number | null;
}

export interface EpochRecord {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly valLoss: number;
  /** Objective metric on the training part and on validation at the trial's threshold. */
  readonly trainObjective: number;
  readonly valObjective: number;
  readonly seconds: number;
}

export interface TrialResult {
  readonly index: number;
  readonly family: FamilyName;
  readonly params: Params;
  /** Validation objective at `threshold` for the best epoch (the score the search optimises). */
  readonly score: number;
  readonly metric: MetricName;
  /** The chosen decision threshold (0 for a multi-class trial: the decision is the arg-max). */
  readonly threshold: number;
  readonly bestEpoch: number;
  readonly epochs: number;
  readonly curves: readonly EpochRecord[];
  readonly pruned: boolean;
  readonly seconds: number;
  /** Positive-class probabilities on the validation part, best epoch's weights (multi-class: n x k, row-major). */
  readonly valProbabilities: readonly number[];
  /**
   * Validation log-loss of `valProbabilities`, weighted like the objective (objective.prevalence;
   * multi-class: the mean cross-entropy):
   * the threshold-free tie-break between equal scores, for epochs and for trials. Absent when no
   * epoch scored (and in results recorded before it existed).
   */
  readonly valLogLoss?: number;
  /** Set when the trial failed (e.g. out of memory); score is then NaN-free worst value. */
  readonly error?: string;
  /** Set when the search's time budget ended training before its planned epochs. */
  readonly stoppedBy?: 'deadline';
}

/** Messages from a worker process to its parent. */
export type WorkerMessage =
  | { readonly type: 'ready'; readonly backend: string }
  | { readonly type: 'epoch'; readonly index: number; readonly record: EpochRecord; readonly of: number }
  | { readonly type: 'done'; readonly result: TrialResult }
  | { readonly type: 'failed'; readonly index: number; readonly error: string };

/** Messages from the parent to a worker. */
export type ParentMessage =
  | { readonly type: 'run'; readonly request: TrialRequest }
  | { readonly type: 'exit' };
