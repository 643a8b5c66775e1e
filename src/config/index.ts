/** config: pipeline text -> PipelineSpec or located diagnostics. The library API re-exports from here. */
export { loadPipeline, validatePipelineText, sortDiagnostics, type LoadResult, type LoadOk, type LoadFailed, type LoadOptions, type Location } from './load-pipeline.js';
export { countsDiagnostics, expectedAfterHoldout } from './counts.js';
export { locateDataProblems } from './located.js';
export { SCHEMA, SCHEMA_URL } from './schema.js';
export { withDefaults, defaultStartup } from './defaults.js';
export { toSpec, specFromResolved, parseDuration, parseComparison } from './to-spec.js';
export { declaredClasses } from './semantic.js';
export { gridSize, GRID_POINTS } from './semantic-model.js';
export { formatPath, parsePath, type Segment } from './path.js';
export { OVERRIDE_FILE } from './overrides.js';
export { closest, didYouMean } from './did-you-mean.js';
export {
  FEATURE_KINDS, RESAMPLE_METHODS, BACKENDS, OPTIMIZERS, SCHEDULES, STRATEGIES, PRUNERS, RESIZE_FITS, IMAGE_ONLY,
  THRESHOLD_FREE_METRICS, SYNTHETIC_CLASSES,
} from './vocabulary.js';
