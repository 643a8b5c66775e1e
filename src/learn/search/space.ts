/**
 * The search space: candidate families plus hyperparameter ranges, with conditional parameters (a
 * range applies only to the families that have that parameter, per FAMILY_PARAMS). Provides
 * sampling, an encoding to and from the unit cube for model-based strategies, and lazy grid
 * enumeration in a fixed order.
 */
import { AssayError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import type { FamilyName, ModelSpec, ParamValue, Params, SpaceParam, TrainingSpec } from '../../core/spec.js';
import { FAMILY_PARAMS, resolveParams } from '../families/params.js';

/** One proposed configuration: a family and the searched parameters that apply to it (defaults not filled). */
export interface Proposal {
  readonly family: FamilyName;
  readonly params: Params;
}

/** One searched dimension: a parameter and the families it applies to. */
export interface Dimension {
  readonly name: string;
  readonly param: SpaceParam;
  readonly families: readonly FamilyName[];
  /** The families' parameter is whole-numbered (e.g. `units`): float and log ranges round their values. */
  readonly integer: boolean;
}

/** A validated search space. `dims` are sorted by name, so the order of keys in the pipeline file does not matter. */
export interface SearchSpace {
  readonly families: readonly FamilyName[];
  readonly dims: readonly Dimension[];
}

/** Points per float range in a grid (evenly spaced, both ends included). */
export const GRID_FLOAT_POINTS = 5;
/** Points per log range in a grid (evenly spaced in log, both ends included). */
export const GRID_LOG_POINTS = 5;

/**
 * Build the search space from `ModelSpec.families` and `ModelSpec.space`.
 * @throws AssayError `search.space` when no family is given, a family repeats, a parameter applies
 *   to none of the families, or a range is empty or inverted.
 */
export function buildSpace(families: ModelSpec['families'], space: ModelSpec['space']): SearchSpace {
  if (families.length === 0) throw spaceError('at least one model family is needed');
  if (new Set(families).size !== families.length) throw spaceError(`families repeat: ${families.join(', ')}`);
  const dims: Dimension[] = [];
  for (const name of Object.keys(space).sort()) {
    const param = space[name]!;
    const fams = families.filter((f) => FAMILY_PARAMS[f][name] !== undefined);
    if (fams.length === 0) throw spaceError(`parameter "${name}" applies to none of the families ${families.join(', ')}`);
    checkParam(name, param);
    const integer = fams.some((f) => FAMILY_PARAMS[f][name]!.type === 'int');
    dims.push({ name, param, families: fams, integer });
  }
  return { families: [...families], dims };
}

function spaceError(message: string): AssayError {
  return new AssayError('search.space', message, 2);
}

function checkParam(name: string, p: SpaceParam): void {
  switch (p.kind) {
    case 'int':
      if (!Number.isInteger(p.low) || !Number.isInteger(p.high) || p.low > p.high) throw spaceError(`"${name}": int range needs whole numbers low <= high`);
      return;
    case 'float':
      if (!(p.low <= p.high)) throw spaceError(`"${name}": float range needs low <= high`);
      return;
    case 'log':
      if (!(p.low > 0 && p.low <= p.high)) throw spaceError(`"${name}": log range needs 0 < low <= high`);
      return;
    case 'choice':
      if (p.values.length === 0) throw spaceError(`"${name}": choice needs at least one value`);
      return;
    case 'fixed':
      return;
    default:
      return p satisfies never;
  }
}

/** The dimensions that apply to `family`. */
export function activeDims(space: SearchSpace, family: FamilyName): Dimension[] {
  return space.dims.filter((d) => d.families.includes(family));
}

/** True when the dimension takes a coordinate (everything but `fixed`). */
export function isSearched(d: Dimension): boolean {
  return d.param.kind !== 'fixed';
}

/** Unit coordinate -> value of a dimension, rounded (and kept in range) for whole-numbered parameters. */
export function decodeDim(d: Dimension, u: number): ParamValue {
  const v = decodeValue(d.param, u);
  if (!d.integer || (d.param.kind !== 'float' && d.param.kind !== 'log')) return v;
  return decodeDimValue(d, v as number);
}

/** Unit coordinate -> value (u in [0, 1]; out-of-range u is clamped). */
export function decodeValue(p: SpaceParam, u: number): ParamValue {
  const x = Math.min(1, Math.max(0, u));
  switch (p.kind) {
    case 'int':
      return Math.min(p.high, p.low + Math.floor(x * (p.high - p.low + 1)));
    case 'float':
      return p.low + x * (p.high - p.low);
    case 'log':
      return Math.min(p.high, Math.max(p.low, Math.exp(Math.log(p.low) + x * (Math.log(p.high) - Math.log(p.low)))));
    case 'choice':
      return p.values[Math.min(p.values.length - 1, Math.floor(x * p.values.length))]!;
    case 'fixed':
      return p.value;
    default:
      return p satisfies never;
  }
}

/**
 * Value -> unit coordinate, or null when the value is not in the range (e.g. a cached trial from
 * another space). Ints and choices map to the centre of their cell, so decode(encode(v)) === v.
 */
export function encodeValue(p: SpaceParam, v: ParamValue | undefined): number | null {
  switch (p.kind) {
    case 'int':
      if (typeof v !== 'number' || !Number.isInteger(v) || v < p.low || v > p.high) return null;
      return (v - p.low + 0.5) / (p.high - p.low + 1);
    case 'float':
      if (typeof v !== 'number' || v < p.low || v > p.high) return null;
      return p.high === p.low ? 0.5 : (v - p.low) / (p.high - p.low);
    case 'log':
      if (typeof v !== 'number' || v < p.low || v > p.high) return null;
      return p.high === p.low ? 0.5 : (Math.log(v) - Math.log(p.low)) / (Math.log(p.high) - Math.log(p.low));
    case 'choice': {
      const i = p.values.indexOf(v as ParamValue);
      return i < 0 ? null : (i + 0.5) / p.values.length;
    }
    case 'fixed':
      return v === p.value ? 0.5 : null;
    default:
      return p satisfies never;
  }
}

/** Number of categories of a `choice` (or of `family`); 0 for numeric kinds. */
export function categories(p: SpaceParam): number {
  return p.kind === 'choice' ? p.values.length : 0;
}

/** Build a proposal for `family` from unit coordinates by dimension name (absent -> the draw function). */
export function proposalFrom(space: SearchSpace, family: FamilyName, coord: (d: Dimension) => number): Proposal {
  const params: Record<string, ParamValue> = {};
  for (const d of activeDims(space, family)) params[d.name] = isSearched(d) ? decodeDim(d, coord(d)) : decodeValue(d.param, 0);
  return { family, params };
}

/**
 * Draw a proposal uniformly: a family uniformly among the candidates, then each of its parameters
 * uniformly in its unit coordinate (so log ranges are log-uniform and ints uniform). A family is
 * drawn (one number) only when there are several; each searched dimension then takes one number.
 */
export function sampleUniform(space: SearchSpace, rng: Rng): Proposal {
  const family = space.families.length === 1 ? space.families[0]! : space.families[rng.int(space.families.length)]!;
  return proposalFrom(space, family, () => rng.next());
}

/** Points a dimension takes in a grid, in order. */
export function gridValues(p: SpaceParam): readonly ParamValue[] {
  switch (p.kind) {
    case 'int':
      return Array.from({ length: p.high - p.low + 1 }, (_, i) => p.low + i);
    case 'float':
      return p.low === p.high ? [p.low] : Array.from({ length: GRID_FLOAT_POINTS }, (_, i) => i === GRID_FLOAT_POINTS - 1 ? p.high : p.low + (i * (p.high - p.low)) / (GRID_FLOAT_POINTS - 1));
    case 'log': {
      if (p.low === p.high) return [p.low];
      const a = Math.log(p.low), b = Math.log(p.high);
      return Array.from({ length: GRID_LOG_POINTS }, (_, i) => i === 0 ? p.low : i === GRID_LOG_POINTS - 1 ? p.high : Math.exp(a + (i * (b - a)) / (GRID_LOG_POINTS - 1)));
    }
    case 'choice':
      return p.values;
    case 'fixed':
      return [p.value];
    default:
      return p satisfies never;
  }
}

/** Points a dimension takes in a grid: `gridValues`, rounded and de-duplicated for whole-numbered parameters. */
export function gridDimValues(d: Dimension): readonly ParamValue[] {
  const vs = gridValues(d.param);
  if (!d.integer || (d.param.kind !== 'float' && d.param.kind !== 'log')) return vs;
  return [...new Set(vs.map((v) => decodeDimValue(d, v as number)))];
}

function decodeDimValue(d: Dimension, v: number): number {
  const p = d.param as { readonly low: number; readonly high: number };
  return Math.min(Math.floor(p.high), Math.max(Math.ceil(p.low), Math.round(v)));
}

/** Grid points of each family, in family order. */
function familyGridSizes(space: SearchSpace): number[] {
  return space.families.map((f) => activeDims(space, f).reduce((n, d) => n * gridDimValues(d).length, 1));
}

/** Total number of grid points (families in order, each its own product). */
export function gridSize(space: SearchSpace): number {
  return familyGridSizes(space).reduce((a, b) => a + b, 0);
}

/**
 * The k-th grid point (0-based), or null past the end. Order: families in the order given; within
 * a family an odometer over its dimensions sorted by name, the last dimension varying fastest.
 * Lazy, so a large grid costs nothing until visited.
 */
export function gridPoint(space: SearchSpace, k: number): Proposal | null {
  if (!Number.isInteger(k) || k < 0) return null;
  const sizes = familyGridSizes(space);
  let rest = k;
  for (let f = 0; f < space.families.length; f++) {
    if (rest >= sizes[f]!) { rest -= sizes[f]!; continue; }
    const family = space.families[f]!;
    const dims = activeDims(space, family);
    const params: Record<string, ParamValue> = {};
    for (let i = dims.length - 1; i >= 0; i--) {
      const vs = gridDimValues(dims[i]!);
      params[dims[i]!.name] = vs[rest % vs.length]!;
      rest = Math.floor(rest / vs.length);
    }
    return { family, params: Object.fromEntries(dims.map((d) => [d.name, params[d.name]!])) };
  }
  return null;
}

/** Fill every parameter of the proposal's family from defaults and training settings (FAMILY_PARAMS). */
export function resolveProposal(p: Proposal, training: TrainingSpec): Params {
  return resolveParams(p.family, p.params, training);
}
