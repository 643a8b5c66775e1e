/** Partitions of an inventory: hold-out, sampling, train/validation split, duplicates. All pure and seeded. */
export { groupKeyFn, compileGroupPattern, refBasename } from './groups.js';
export { carveHoldout, type HoldoutResult } from './holdout.js';
export { availableCounts, drawSample, sampleCounts, sampleShortfall } from './sample.js';
export { splitTrainVal, type Fold, type SplitResult } from './split.js';
export { findDuplicates, dropDuplicates, type DuplicateSet } from './duplicates.js';
