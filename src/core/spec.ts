/**
 * PipelineSpec: the typed, defaults-applied form of a pipeline file.
 *
 * The YAML language (kebab-case keys, see schemas/pipeline.v1.schema.json) is turned into this
 * shape by `config/to-spec.ts`; every other module reads only this. All data is readonly and every
 * variant carries a `kind` (or `source`/`method`) discriminant so dispatch can be exhaustive.
 */

export type ClassName = string;

/** Hyperparameter value as proposed by a search and passed to a model family. */
export type ParamValue = number | string | boolean;
export type Params = Readonly<Record<string, ParamValue>>;

export interface PipelineSpec {
  readonly assay: 1;
  readonly name: string;
  /** The experiment's own version, bumped by its author on each committed change. */
  readonly version: number;
  readonly description: string;
  readonly seed: number;
  readonly backend: BackendChoice;
  readonly data: DataSpec;
  readonly holdout: HoldoutSpec;
  readonly sampling: SamplingSpec;
  readonly split: SplitSpec;
  readonly features: readonly FeatureStep[];
  readonly resample: ResampleSpec;
  readonly model: ModelSpec;
  readonly objective: ObjectiveSpec;
  readonly search: SearchSpec;
  readonly report: ReportSpec;
}

export type BackendChoice = 'auto' | 'wasm' | 'cpu' | 'tensorflow' | 'tensorflow-gpu';

// ---------------------------------------------------------------- data

export type OnError = 'fail' | 'skip';
export type DuplicatePolicy = 'report' | 'drop';

export type DataSpec = ImageFolderData | SyntheticCracksData | CsvData;

export interface ImageFolderData {
  readonly source: 'image-folder';
  /** Folder holding one sub-folder per class; relative paths resolve against the working directory. */
  readonly path: string;
  /** class name -> sub-folder name, in declaration order (the order fixes class indices). */
  readonly classes: Readonly<Record<ClassName, string>>;
  /** The class F1, recall and false negatives refer to; absent: a multi-class problem (k > 2, arg-max decision). */
  readonly positive?: ClassName;
  readonly onError: OnError;
  readonly duplicates: DuplicatePolicy;
}

/** The embedded, seeded generator of concrete-like surfaces; classes are `crack` and `no-crack`. */
export interface SyntheticCracksData {
  readonly source: 'synthetic-cracks';
  readonly size: number;
  readonly counts: Readonly<Record<'crack' | 'no-crack', number>>;
  /** Fraction of negatives that carry line-like distractors (joints, scratches, stains). */
  readonly hardNegatives: number;
  readonly positive: ClassName;
  readonly onError: OnError;
  readonly duplicates: DuplicatePolicy;
}

export interface CsvData {
  readonly source: 'csv';
  readonly path: string;
  /** Column holding the class name. */
  readonly label: string;
  /** Column holding an image path (relative to the CSV file), if the table describes images. */
  readonly image?: string;
  /** Numeric or categorical columns used as tabular features; with `image` too, each item is an image and a row (mixed data). */
  readonly columns: readonly string[];
  /** class names in index order; taken from the label column, sorted, when not given. */
  readonly classes?: readonly ClassName[];
  /** Absent: a multi-class problem (k > 2, arg-max decision). */
  readonly positive?: ClassName;
  readonly onError: OnError;
  readonly duplicates: DuplicatePolicy;
}

// ---------------------------------------------------------------- partitions

/** How related items are kept together: a regex over the file name (first capture group, or the whole match) or a CSV column. */
export type GroupBy = { readonly kind: 'pattern'; readonly pattern: string } | { readonly kind: 'column'; readonly column: string };

export type HoldoutSpec =
  | { readonly kind: 'fraction'; readonly fraction: number; readonly stratify: boolean; readonly groupBy?: GroupBy }
  | { readonly kind: 'counts'; readonly counts: Readonly<Record<ClassName, number>>; readonly groupBy?: GroupBy };

export type SamplingSpec =
  | { readonly kind: 'all' }
  | { readonly kind: 'counts'; readonly counts: Readonly<Record<ClassName, number>> }
  /**
   * Relative class sizes; `total` items in all, or as many as the scarcest class allows when absent;
   * `atMost` (never with `total`): `atMost` items in all when every class can give its share, else
   * as many as the scarcest class allows.
   */
  | { readonly kind: 'ratio'; readonly ratio: Readonly<Record<ClassName, number>>; readonly total?: number; readonly atMost?: number };

export type SplitSpec =
  | { readonly kind: 'fraction'; readonly validation: number; readonly stratify: boolean; readonly groupBy?: GroupBy }
  | { readonly kind: 'k-fold'; readonly folds: number; readonly stratify: boolean; readonly groupBy?: GroupBy };

// ---------------------------------------------------------------- features

export type ResizeFit = 'fill' | 'contain' | 'cover';

export type FeatureStep =
  | { readonly kind: 'resize'; readonly width: number; readonly height: number; readonly fit: ResizeFit }
  | { readonly kind: 'center-crop'; readonly size: { readonly kind: 'fraction'; readonly fraction: number } | { readonly kind: 'pixels'; readonly width: number; readonly height: number } }
  /** A box in the pixel coordinates of the image as it is at this step. */
  | { readonly kind: 'crop'; readonly left: number; readonly top: number; readonly width: number; readonly height: number }
  | { readonly kind: 'grayscale' }
  | { readonly kind: 'normalize'; readonly method: 'standard' | 'min-max' }
  | { readonly kind: 'identity' }
  | { readonly kind: 'edges'; readonly method: 'sobel'; readonly mode: 'append' | 'replace' }
  | { readonly kind: 'augment'; readonly augment: AugmentSpec }
  /** Table steps: each takes the columns it names, or every numeric column. */
  | { readonly kind: 'standardize'; readonly columns: ColumnSelection }
  | { readonly kind: 'log1p'; readonly columns: ColumnSelection }
  /** Fixed bounds (`min`/`max`), or the training part's `quantile` and 1 - quantile per column. */
  | { readonly kind: 'clip'; readonly columns: ColumnSelection; readonly bounds: { readonly kind: 'fixed'; readonly min: number | null; readonly max: number | null } | { readonly kind: 'quantile'; readonly quantile: number } }
  /** Fill missing values with the training part's median or most frequent value; `indicator` adds 0/1 missing-value columns. */
  | { readonly kind: 'impute'; readonly columns: ColumnSelection; readonly strategy: 'median' | 'most-frequent'; readonly indicator: boolean }
  /** Categorical columns to 0/1 codes over the categories of the training part. */
  | { readonly kind: 'one-hot'; readonly columns: ColumnSelection };

/** The table columns a step takes: every numeric or every categorical column, or these (data columns by name). */
export type ColumnSelection = 'numeric' | 'categorical' | readonly string[];

export type FeatureKind = FeatureStep['kind'];

/** Training-time augmentation, drawn afresh each epoch from the trial's seeded source. */
export interface AugmentSpec {
  readonly flipHorizontal: boolean;
  readonly flipVertical: boolean;
  readonly rotate90: boolean;
  /** Max absolute brightness shift, in units of the (normalised) pixel scale; 0 disables. */
  readonly brightness: number;
  /** Max relative contrast change (0.2 = x0.8..x1.2); 0 disables. */
  readonly contrast: number;
  /** Random crop-and-pad: max shift as a fraction of the side; 0 disables. */
  readonly translate: number;
}

// ---------------------------------------------------------------- resampling

export type ResampleSpec =
  | { readonly method: 'none' }
  /** ratio = minority count / majority count after resampling (0 < ratio <= 1). */
  | { readonly method: 'random-oversample'; readonly ratio: number }
  | { readonly method: 'random-undersample'; readonly ratio: number }
  | { readonly method: 'smote'; readonly ratio: number; readonly k: number }
  | { readonly method: 'class-weights'; readonly weights: 'balanced' | Readonly<Record<ClassName, number>> }
  /** Each epoch uses every minority item and a fresh draw of the majority so that minority/majority = ratio. */
  | { readonly method: 'balanced-batches'; readonly ratio: number };

export type ResampleMethod = ResampleSpec['method'];

// ---------------------------------------------------------------- model

export type FamilyName = 'cnn' | 'mlp' | 'logistic' | 'two-branch';
export const FAMILY_NAMES: readonly FamilyName[] = ['cnn', 'mlp', 'logistic', 'two-branch'];

export type SpaceParam =
  | { readonly kind: 'int'; readonly low: number; readonly high: number }
  | { readonly kind: 'float'; readonly low: number; readonly high: number }
  | { readonly kind: 'log'; readonly low: number; readonly high: number }
  | { readonly kind: 'choice'; readonly values: readonly ParamValue[] }
  | { readonly kind: 'fixed'; readonly value: ParamValue };

export interface ModelSpec {
  /** Candidate families; a search over several treats `family` itself as a choice. */
  readonly families: readonly FamilyName[];
  /** Hyperparameter name (kebab-case, e.g. `learning-rate`) -> its range. A name applies to the families that have it. */
  readonly space: Readonly<Record<string, SpaceParam>>;
  readonly training: TrainingSpec;
}

export interface TrainingSpec {
  readonly epochs: number;
  readonly batchSize: number;
  readonly optimizer: 'adam' | 'sgd' | 'rmsprop';
  readonly learningRate: number;
  readonly schedule: 'constant' | 'cosine' | 'step';
  readonly earlyStopping: { readonly patience: number; readonly minDelta: number } | null;
}

// ---------------------------------------------------------------- objective and search

export type MetricName =
  | 'accuracy' | 'precision' | 'recall' | 'specificity' | 'f1' | 'fbeta' | 'mcc' | 'balanced-accuracy'
  | 'fnr' | 'fpr' | 'pr-auc' | 'roc-auc' | 'log-loss'
  /** Multi-class: unweighted and support-weighted means over the classes. */
  | 'macro-precision' | 'macro-recall' | 'macro-f1' | 'weighted-f1';

// NOTE: what each metric is (direction, threshold-free, how it is computed) lives in its module
// under evaluate/metric-kinds/; METRIC_NAMES and MINIMIZED_METRICS are derived there.

export type Comparison = '>=' | '<=' | '>' | '<';

export type ThresholdSpec =
  | { readonly kind: 'fixed'; readonly value: number }
  /** Pick the validation threshold that maximises (or minimises) the objective metric. */
  | { readonly kind: 'tune' }
  /** Pick the threshold that optimises `optimize` among those meeting every constraint. */
  | { readonly kind: 'constrained'; readonly optimize: MetricName; readonly subjectTo: readonly Constraint[] };

/** `metric op value`, e.g. precision >= 0.95; with `class` (multi-class), that class's one-vs-rest rate: `recall[crack]`. */
export interface Constraint {
  readonly metric: MetricName;
  readonly class?: ClassName;
  readonly op: Comparison;
  readonly value: number;
}

export interface ObjectiveSpec {
  readonly metric: MetricName;
  /** beta for `fbeta` (default 1). */
  readonly beta: number;
  readonly threshold: ThresholdSpec;
  /**
   * The positive-class share the threshold is tuned for. 'sample': the validation data as
   * sampled (no reweighting); 'source': the data source's share (usable items, before hold-out
   * and sampling); 'fixed': `value` in (0, 1). Binary problems only.
   */
  readonly prevalence: PrevalenceSpec;
}

export type PrevalenceSpec =
  | { readonly kind: 'sample' }
  | { readonly kind: 'source' }
  | { readonly kind: 'fixed'; readonly value: number };

export interface SearchSpec {
  readonly strategy: 'bayesian' | 'random' | 'grid';
  readonly trials: number;
  /** Wall-clock budget in seconds (the one documented source of non-determinism), or null for none. */
  readonly timeSeconds: number | null;
  readonly parallel: number;
  readonly pruning: 'none' | 'median' | 'successive-halving';
  /** Random trials before the Bayesian model takes over. */
  readonly startup: number;
  /**
   * The final model is the mean of the best `ensemble` trials' models (2..10); absent for the best
   * trial alone, so such specs (and their keys) are the ones they always were.
   */
  readonly ensemble?: number;
}

export interface ReportSpec {
  /** How many false positives the error gallery shows (every false negative is shown). */
  readonly falsePositives: number;
  /** Bootstrap resamples for the hold-out intervals. */
  readonly bootstrap: number;
}
