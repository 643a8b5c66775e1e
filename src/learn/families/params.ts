/**
 * Hyperparameters each model family accepts: names, types, legal ranges and defaults. Pure data
 * (no tensor library import), so validation can check a search space without loading tfjs.
 * The schema's search-space rules and `validate`'s "family has no parameter X" check read this table.
 */
import type { FamilyName, ParamValue, TrainingSpec } from '../../core/spec.js';

export interface ParamDef {
  readonly type: 'int' | 'float' | 'choice';
  /** Inclusive bounds for numeric parameters. */
  readonly min?: number;
  readonly max?: number;
  readonly values?: readonly ParamValue[];
  /** A constant default, or the `training` setting it defaults to. */
  readonly default: ParamValue | { readonly fromTraining: 'learningRate' | 'batchSize' | 'optimizer' };
  readonly description: string;
}

const learningRate: ParamDef = { type: 'float', min: 1e-7, max: 1, default: { fromTraining: 'learningRate' }, description: 'optimizer step size' };
const batchSize: ParamDef = { type: 'int', min: 1, max: 8192, default: { fromTraining: 'batchSize' }, description: 'examples per gradient step' };
const optimizer: ParamDef = { type: 'choice', values: ['adam', 'sgd', 'rmsprop'], default: { fromTraining: 'optimizer' }, description: 'optimizer' };
const weightDecay: ParamDef = { type: 'float', min: 0, max: 1, default: 0, description: 'L2 penalty on kernel weights' };
const dropout: ParamDef = { type: 'float', min: 0, max: 0.95, default: 0.25, description: 'dropout rate before the head' };

const blocks: ParamDef = { type: 'int', min: 1, max: 6, default: 3, description: 'conv 3x3 + batch norm + ReLU + pooling blocks' };
const filters: ParamDef = { type: 'int', min: 2, max: 256, default: 16, description: 'filters in the first block' };
const widthGrowth: ParamDef = { type: 'float', min: 1, max: 4, default: 2, description: 'filter multiplier from one block to the next' };
const layers: ParamDef = { type: 'int', min: 1, max: 8, default: 2, description: 'hidden dense layers' };
const units: ParamDef = { type: 'int', min: 2, max: 4096, default: 128, description: 'units in each hidden layer' };

// NOTE: two-branch takes the cnn's parameters for its image branch and the mlp's for its row
// branch under the same names (none is shared between the two), so a search space addresses
// each branch's parameters as it would the family alone; dropout acts on the joined features.
export const FAMILY_PARAMS: Readonly<Record<FamilyName, Readonly<Record<string, ParamDef>>>> = {
  cnn: {
    blocks,
    filters,
    'width-growth': widthGrowth,
    dropout,
    'learning-rate': learningRate,
    'batch-size': batchSize,
    optimizer,
    'weight-decay': weightDecay,
  },
  mlp: {
    layers,
    units,
    dropout,
    'learning-rate': learningRate,
    'batch-size': batchSize,
    optimizer,
    'weight-decay': weightDecay,
  },
  'two-branch': {
    blocks,
    filters,
    'width-growth': widthGrowth,
    layers: { ...layers, default: 1, description: 'hidden dense layers of the row branch' },
    units: { ...units, default: 16, description: 'units in each hidden layer of the row branch' },
    dropout,
    'learning-rate': learningRate,
    'batch-size': batchSize,
    optimizer,
    'weight-decay': weightDecay,
  },
  logistic: {
    'learning-rate': learningRate,
    'batch-size': batchSize,
    optimizer,
    'weight-decay': weightDecay,
  },
};

/** Fill in every parameter of `family` that `given` lacks, from its defaults and the training settings. */
export function resolveParams(family: FamilyName, given: Readonly<Record<string, ParamValue>>, training: TrainingSpec): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const [name, def] of Object.entries(FAMILY_PARAMS[family])) {
    const v = given[name];
    if (v !== undefined) out[name] = v;
    else if (typeof def.default === 'object') out[name] = training[def.default.fromTraining];
    else out[name] = def.default;
  }
  return out;
}
