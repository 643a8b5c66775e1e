/**
 * The closed vocabularies of the pipeline language, as const arrays tied to spec.ts by type:
 * a kind added to (or removed from) a union in spec.ts fails the build here until it is listed,
 * and test/unit/config/drift.test.ts checks the JSON Schema lists the same names.
 */
import { STEP_KINDS } from '../features/kinds/registry.js';
import type { BackendChoice, FeatureKind, ResampleMethod, ResizeFit, SearchSpec, TrainingSpec } from '../core/spec.js';

/** True only when T and U are the same union. */
type Same<T, U> = [T] extends [U] ? ([U] extends [T] ? true : false) : false;

/** Feature-step kinds in schema order (features/kinds/registry.ts covers every FeatureKind). */
export const FEATURE_KINDS = Object.keys(STEP_KINDS) as FeatureKind[];
export const RESAMPLE_METHODS = ['none', 'random-oversample', 'random-undersample', 'smote', 'class-weights', 'balanced-batches'] as const satisfies readonly ResampleMethod[];
export const BACKENDS = ['auto', 'wasm', 'cpu', 'tensorflow', 'tensorflow-gpu'] as const satisfies readonly BackendChoice[];
export const OPTIMIZERS = ['adam', 'sgd', 'rmsprop'] as const satisfies readonly TrainingSpec['optimizer'][];
export const SCHEDULES = ['constant', 'cosine', 'step'] as const satisfies readonly TrainingSpec['schedule'][];
export const STRATEGIES = ['bayesian', 'random', 'grid'] as const satisfies readonly SearchSpec['strategy'][];
export const PRUNERS = ['none', 'median', 'successive-halving'] as const satisfies readonly SearchSpec['pruning'][];
export const RESIZE_FITS = ['fill', 'contain', 'cover'] as const satisfies readonly ResizeFit[];

// NOTE: compile-time completeness checks; `satisfies` above only proves each name is valid.
const complete: [
  Same<(typeof RESAMPLE_METHODS)[number], ResampleMethod>,
  Same<(typeof BACKENDS)[number], BackendChoice>,
  Same<(typeof OPTIMIZERS)[number], TrainingSpec['optimizer']>,
  Same<(typeof SCHEDULES)[number], TrainingSpec['schedule']>,
  Same<(typeof STRATEGIES)[number], SearchSpec['strategy']>,
  Same<(typeof PRUNERS)[number], SearchSpec['pruning']>,
  Same<(typeof RESIZE_FITS)[number], ResizeFit>,
] = [true, true, true, true, true, true, true];
void complete;

/** Steps that need images (not allowed on tabular CSV data), from each kind's module. */
export const IMAGE_ONLY: Readonly<Record<FeatureKind, boolean>> = Object.fromEntries(
  FEATURE_KINDS.map((k) => [k, STEP_KINDS[k].data === 'image']),
) as Record<FeatureKind, boolean>;

/** Metrics computed from scores alone, so they cannot choose or constrain a threshold (each metric's module says so). */
export { THRESHOLD_FREE_METRICS } from '../evaluate/metric-kinds/registry.js';

/** The classes of `source: synthetic-cracks`. */
export const SYNTHETIC_CLASSES = ['crack', 'no-crack'] as const;
