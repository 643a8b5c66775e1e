/**
 * ReportInput: everything report.md and report.html show, filled in by the run's integrator.
 * Plain JSON-friendly data (numbers, strings, arrays, records); images are base64 PNG strings.
 */
import type { Confusion } from '../evaluate/metrics.js';
import type { Interval } from '../evaluate/bootstrap.js';
import type { MetricName } from '../core/spec.js';
import type { TrialResult } from '../learn/protocol.js';

/** Where a class count row was taken. */
export type CountStage = 'source' | 'hold-out' | 'sample' | 'train' | 'validation' | 'train after resampling';

export interface StageCounts {
  readonly stage: CountStage;
  /** class name -> items of that class at this stage. */
  readonly counts: Readonly<Record<string, number>>;
}

/** One hold-out item in the error gallery. */
export interface GalleryImage {
  /** The item's ref (e.g. `Positive/00004.jpg`). */
  readonly ref: string;
  /** Predicted positive-class probability. */
  readonly probability: number;
  /** The image as stored (base64 PNG, no data-URI prefix), e.g. from `originalPng`. */
  readonly originalPng: string;
  /** The image as the model saw it after the feature steps (base64 PNG), e.g. from `modelViewPng`. */
  readonly modelViewPng: string;
  /**
   * The model's other input channels, one gray PNG each (e.g. a Sobel edge channel after gray or
   * RGB), when the input has more than `modelViewPng` shows; absent or empty otherwise.
   */
  readonly extraChannelPngs?: readonly string[];
  /**
   * Mixed data (an image and a row per item): the row's feature columns as the CSV holds them
   * (the raw text, not the coded vector the model took), in `data.columns` order; absent otherwise.
   */
  readonly row?: readonly GalleryCell[];
}

/** One CSV cell of a gallery item's row. */
export interface GalleryCell {
  readonly column: string;
  readonly value: string;
}

export interface StageTiming {
  readonly name: string;
  /** Short cache key (e.g. the first 10 hex digits). */
  readonly key: string;
  readonly cached: boolean;
  readonly seconds: number;
}

export interface ReportInput {
  readonly run: {
    readonly id: string;
    readonly name: string;
    readonly version: number;
    readonly description: string;
    /** ISO 8601 time the run started. */
    readonly createdAt: string;
    /** The pipeline file exactly as run (overrides applied or listed below). */
    readonly pipelineYaml: string;
    /** Command-line overrides, e.g. `search.trials=4`. */
    readonly overrides: readonly string[];
    /** The git commit of the pipeline file's repository and whether tracked files had changes; null outside git. */
    readonly git?: { readonly commit: string | null; readonly dirty: boolean | null };
    /** The backend that trained and scored, e.g. `wasm`. */
    readonly backend?: string;
    /** Seconds the stages took (the run's duration before the report). */
    readonly seconds?: number;
  };
  readonly classes: readonly string[];
  /** Index of the positive class in `classes`. */
  readonly positive: number;
  readonly objective: {
    readonly metric: MetricName;
    readonly beta: number;
    /** The decision threshold used on the hold-out (chosen on validation). */
    readonly threshold: number;
    /** How the threshold was chosen, in words, e.g. `tuned on validation to maximise f1`. */
    readonly rule: string;
  };
  readonly holdout: {
    readonly metrics: Readonly<Record<MetricName, number>>;
    /** Bootstrap intervals by metric name; f1, mcc, recall and precision are expected (fnr is derived from recall when absent). */
    readonly intervals: Readonly<Partial<Record<MetricName, Interval>>>;
    /** Interval coverage (default 0.95) and resample count, for the wording. */
    readonly level?: number;
    readonly resamples: number;
    readonly confusion: Confusion;
    readonly n: number;
    readonly positives: number;
    /** Positive-class probability per hold-out item, with its 0/1 label, for the curves. */
    readonly probabilities: readonly number[];
    readonly labels: readonly number[];
    /** Finished runs of this experiment (same name) that scored this same hold-out, this one included. */
    readonly scoredBy?: number;
  };
  /** Validation metrics of the best trial at the chosen threshold, or null (e.g. k-fold without a single split). */
  readonly validation: { readonly metrics: Readonly<Partial<Record<MetricName, number>>> } | null;
  readonly search: {
    readonly strategy: string;
    readonly trialsRun: number;
    readonly trialsPlanned: number;
    readonly secondsUsed: number;
    readonly secondsBudget: number | null;
    /** Why the search stopped, e.g. `trials`, `time budget`. */
    readonly stoppedBy: string;
    readonly pruned: number;
  };
  readonly trials: readonly TrialResult[];
  /** `TrialResult.index` of the best trial (the model evaluated on the hold-out). */
  readonly bestTrial: number;
  /**
   * `search.ensemble` > 1: the final model is the mean of these trials' models (`TrialResult.index`,
   * best first), described by `headline` (e.g. "ensemble of the top 3 trials: #4, #9, #2").
   */
  readonly ensemble?: { readonly members: readonly number[]; readonly headline: string };
  readonly counts: readonly StageCounts[];
  /** Files that could not be read, and groups of byte-identical files (refs). */
  readonly dataIssues: {
    readonly skipped: readonly { readonly ref: string; readonly reason: string }[];
    readonly duplicates: readonly (readonly string[])[];
    /** What was done about duplicates, e.g. `report` or `drop`. */
    readonly duplicatePolicy: string;
  };
  readonly gallery: {
    /** Set when there are no images to show (tabular data): the gallery section says this instead. */
    readonly unavailable?: string;
    /** Every false negative on the hold-out. */
    readonly falseNegatives: readonly GalleryImage[];
    /** A sample of the false positives. */
    readonly falsePositives: readonly GalleryImage[];
  };
  readonly stages: readonly StageTiming[];
  /** e.g. node, assay, tfjs, backend, cpu, os. */
  readonly environment: Readonly<Record<string, string>>;
}
