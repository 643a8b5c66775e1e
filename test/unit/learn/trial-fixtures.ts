/**
 * Shared fixtures for the training tests: tiny, seeded data sets and a trial request builder.
 */
import type { Examples } from '../../../src/core/data.js';
import { Rng } from '../../../src/core/rng.js';
import type { FamilyName, ParamValue, TrainingSpec } from '../../../src/core/spec.js';
import { resolveParams } from '../../../src/learn/families/params.js';
import type { TrialData, TrialRequest } from '../../../src/learn/protocol.js';

/**
 * `n` square grayscale images of `side` pixels: class 1 ("bright") is uniform noise in [0.6, 1),
 * class 0 ("dark") in [0, 0.4). Labels alternate 0, 1, 0, ... unless `positives` caps class 1.
 */
export function brightDark(n: number, side: number, seed: string, positives = Math.floor(n / 2)): Examples {
  const rng = new Rng(seed);
  const size = side * side;
  const x = new Float32Array(n * size);
  const y = new Uint8Array(n);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const c = i % 2 === 1 && pos < positives ? 1 : 0;
    if (c === 1) pos++;
    y[i] = c;
    for (let j = 0; j < size; j++) x[i * size + j] = c === 1 ? 0.6 + 0.4 * rng.next() : 0.4 * rng.next();
  }
  return { x, shape: [n, side, side, 1], y };
}

/** A table with `d` columns: column 0 is +1 for class 1 and -1 for class 0 (times `sign`), plus noise; other columns noise. */
export function table(n: number, d: number, seed: string, sign = 1, noise = 0.3): Examples {
  const rng = new Rng(seed);
  const x = new Float32Array(n * d);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    y[i] = c;
    for (let j = 0; j < d; j++) x[i * d + j] = (j === 0 ? sign * (c === 1 ? 1 : -1) : 0) + noise * rng.normal();
  }
  return { x, shape: [n, d], y };
}

export const TRAINING: TrainingSpec = {
  epochs: 4,
  batchSize: 16,
  optimizer: 'adam',
  learningRate: 0.01,
  schedule: 'constant',
  earlyStopping: null,
};

const DATA: TrialData = {
  trainX: '', trainY: '', valX: '', valY: '',
  classWeights: null,
  balancedBatches: null,
  augment: null,
  positive: 1,
  classes: ['dark', 'bright'],
};

/** A request with tune-threshold F1, no pruning, no model dir; override anything. */
export function request(opts: {
  family?: FamilyName;
  params?: Readonly<Record<string, ParamValue>>;
  training?: Partial<TrainingSpec>;
  data?: Partial<TrialData>;
  seed?: number;
  peers?: readonly (readonly number[])[];
  pruning?: TrialRequest['pruning'];
  objective?: TrialRequest['objective'];
  backend?: string;
  modelDir?: string | null;
} = {}): TrialRequest {
  const family = opts.family ?? 'cnn';
  const training = { ...TRAINING, ...opts.training };
  return {
    index: 0,
    family,
    params: resolveParams(family, opts.params ?? {}, training),
    training,
    objective: opts.objective ?? { metric: 'f1', beta: 1, threshold: { kind: 'tune' }, prevalence: { kind: 'sample' } },
    seed: opts.seed ?? 7,
    data: { ...DATA, ...opts.data },
    peers: opts.peers ?? [],
    pruning: opts.pruning ?? 'none',
    modelDir: opts.modelDir ?? null,
    backend: opts.backend ?? 'cpu',
  };
}
