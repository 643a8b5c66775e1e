/**
 * `objective.prevalence`: tuning the decision threshold (and scoring trials) for a class mix other
 * than the validation sample's. Validation negatives are reweighted so the weighted positive share
 * equals the target; positives keep weight 1. Pure: no tfjs, no I/O.
 */
import type { ObjectiveSpec, PrevalenceSpec } from '../core/spec.js';

/** Positive and negative counts (of a validation part, or of the data source). */
export interface BinaryCounts {
  readonly positives: number;
  readonly negatives: number;
}

/**
 * The positive share the threshold is tuned for: null for 'sample' (no reweighting), the
 * source's positives / (positives + negatives) for 'source', the value for 'fixed'. Throws a
 * RangeError for 'source' when the source has no items, or for a share outside (0, 1).
 */
export function targetShare(spec: PrevalenceSpec, source: BinaryCounts): number | null {
  let share: number;
  switch (spec.kind) {
    case 'sample': return null;
    case 'source': {
      const total = source.positives + source.negatives;
      if (total <= 0) throw new RangeError('objective.prevalence: source needs a data source with items');
      share = source.positives / total;
      break;
    }
    case 'fixed': share = spec.value; break;
    default: return spec satisfies never;
  }
  if (!(share > 0 && share < 1)) throw new RangeError(`objective.prevalence: the positive share must lie in (0, 1), got ${share}`);
  return share;
}

/**
 * The weight of every validation negative that makes the weighted positive share equal `share`:
 * w = (positives / negatives) * ((1 - share) / share), so positives / (positives + w * negatives)
 * = share. 1 when `share` is null ('sample') or a class is absent (nothing to reweight).
 */
export function prevalenceNegativeWeight(counts: BinaryCounts, share: number | null): number {
  if (share === null || counts.positives === 0 || counts.negatives === 0) return 1;
  if (!(share > 0 && share < 1)) throw new RangeError(`the positive share must lie in (0, 1), got ${share}`);
  return (counts.positives / counts.negatives) * ((1 - share) / share);
}

/** Positive and negative counts of 0/1 labels. */
export function binaryCounts(labels01: ArrayLike<number>): BinaryCounts {
  let positives = 0;
  for (let i = 0; i < labels01.length; i++) if (labels01[i] === 1) positives++;
  return { positives, negatives: labels01.length - positives };
}

/**
 * Per-item weights for chooseThreshold / metricValue: 1 for positives, `negativeWeight` for
 * negatives; undefined when `negativeWeight` is 1, so the unweighted code path (and its exact
 * results) applies.
 */
export function prevalenceWeights(labels01: ArrayLike<number>, negativeWeight: number): Float64Array | undefined {
  if (negativeWeight === 1) return undefined;
  const w = new Float64Array(labels01.length);
  for (let i = 0; i < w.length; i++) w[i] = labels01[i] === 1 ? 1 : negativeWeight;
  return w;
}

/**
 * The objective as it enters cache keys: without `prevalence` when it is 'sample', so pipelines
 * that do not use it keep the keys they always had.
 */
export function objectiveKey(objective: ObjectiveSpec): Omit<ObjectiveSpec, 'prevalence'> | ObjectiveSpec {
  if (objective.prevalence.kind !== 'sample') return objective;
  const { prevalence: _omit, ...rest } = objective;
  return rest;
}

/** "a positive share of 9.1% (the source's)" / "(as set)"; null for 'sample'. */
export function describePrevalence(spec: PrevalenceSpec, share: number | null): string | null {
  if (spec.kind === 'sample' || share === null) return null;
  const pct = `${(share * 100).toPrecision(share >= 0.1 ? 3 : 2)}%`;
  return `a positive share of ${pct} (${spec.kind === 'source' ? "the source's" : 'as set'})`;
}
