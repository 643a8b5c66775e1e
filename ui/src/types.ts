/** The JSON the server (or the static export) hands the views; the shapes are defined in src/ui/. */
export type { RunRow, RunStatus } from '../../src/ui/run-index.js';
export type { RunDetail, TrialPoint, GalleryItem } from '../../src/ui/run-detail.js';
export type { Comparison, PairComparison, StepEdit } from '../../src/ui/compare.js';
export type { ProgressRecord } from '../../src/run/progress-record.js';
