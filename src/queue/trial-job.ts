/**
 * What travels through the job queue: plain data only. A job names its tensors by content hash
 * (the worker fetches them from the artifact store into its own cache) and carries no path, no
 * code and no instruction where to write; a result names the saved model's files by hash. Both
 * are checked field by field on arrival, as hostile input.
 */
import { AssayError } from '../core/errors.js';
import type { TrialData, TrialRequest, TrialResult } from '../learn/protocol.js';
import { isHash } from '../store/artifact-store.js';
import { assayVersion, packageVersion } from '../store/environment.js';
import { KERNELS_PACKAGE, kernelsDigest } from '../learn/backend/simd.js';

/** Bumped when the job or result layout changes; a worker refuses any other. */
export const JOB_FORMAT = 1;

/** A tensor file pair (see store/tensor-file.ts) by the sha256 of its `.json` header and `.bin` data. */
export interface TensorRef {
  readonly header: string;
  readonly data: string;
}

/** What a worker must match to run a job: anything else could change the trial's numbers. */
export interface Requirements {
  readonly assay: string;
  readonly backend: string;
  readonly packages: Readonly<Record<string, string | null>>;
}

export type TensorName = 'trainX' | 'trainY' | 'valX' | 'valY';
export const TENSOR_NAMES: readonly TensorName[] = ['trainX', 'trainY', 'valX', 'valY'];

/** The trial request without its paths. */
export type PortableRequest = Omit<TrialRequest, 'data' | 'modelDir'> & { readonly data: Omit<TrialData, TensorName> };

export interface TrialJob {
  readonly format: number;
  readonly requires: Requirements;
  /** The fold this request trains (0 for a single split); display and job naming only. */
  readonly fold: number;
  readonly request: PortableRequest;
  readonly tensors: Readonly<Record<TensorName, TensorRef>>;
  /** Whether the worker saves and uploads the trained model. */
  readonly saveModel: boolean;
}

export interface TrialJobResult {
  readonly format: number;
  readonly result: TrialResult;
  /** The saved model's files (name -> sha256), or null when none was asked for or the trial failed. */
  readonly model: Readonly<Record<string, string>> | null;
  /** Which worker ran it (host:pid), for the run's lock. */
  readonly worker: string;
}

/** Packages whose versions shape a trial's numbers on `backend`. */
const BACKEND_PACKAGES: Readonly<Record<string, readonly string[]>> = {
  wasm: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-backend-wasm', KERNELS_PACKAGE],
  cpu: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-backend-cpu'],
  tensorflow: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-node'],
  'tensorflow-gpu': ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-node-gpu'],
};

/** A package's installed version here; assay's wasm kernels by their binary's digest. */
function versionHere(name: string): string | null {
  return name === KERNELS_PACKAGE ? kernelsDigest() : packageVersion(name);
}

/** This process's requirements for running trials on `backend`. */
export function requirementsHere(backend: string): Requirements {
  const names = BACKEND_PACKAGES[backend] ?? ['@tensorflow/tfjs-core'];
  return { assay: assayVersion(), backend, packages: Object.fromEntries(names.map((n) => [n, versionHere(n)])) };
}

/**
 * How `here` differs from `required`, one phrase each (empty when they match). A required
 * package `here` does not list is looked up with `lookup`.
 */
export function requirementDifferences(required: Requirements, here: Requirements, lookup: (name: string) => string | null = versionHere): string[] {
  const out: string[] = [];
  if (required.assay !== here.assay) out.push(`assay ${required.assay} required, ${here.assay} here`);
  if (required.backend !== here.backend) out.push(`backend ${required.backend} required, ${here.backend} here`);
  for (const [name, version] of Object.entries(required.packages)) {
    const mine = name in here.packages ? here.packages[name] ?? null : lookup(name);
    if (mine !== version) out.push(`${name} ${version ?? '(not installed)'} required, ${mine ?? '(not installed)'} here`);
  }
  return out;
}

function bad(what: string): never {
  throw new AssayError('queue.job', `malformed trial job: ${what}`);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Check a job's data as it arrives from Redis, and return it typed.
 * @throws AssayError `queue.job` naming the first field that is wrong.
 */
export function parseJob(data: unknown): TrialJob {
  if (!isRecord(data)) bad('not an object');
  if (data.format !== JOB_FORMAT) bad(`format ${JSON.stringify(data.format)}, this worker reads format ${JOB_FORMAT}`);
  const req = data.requires;
  if (!isRecord(req) || typeof req.assay !== 'string' || typeof req.backend !== 'string' || !isRecord(req.packages)) bad('requires');
  if (!Number.isInteger(data.fold) || (data.fold as number) < 0) bad('fold');
  if (typeof data.saveModel !== 'boolean') bad('saveModel');
  const tensors = data.tensors;
  if (!isRecord(tensors)) bad('tensors');
  for (const n of TENSOR_NAMES) {
    const t = tensors[n];
    if (!isRecord(t) || !isHash(t.header) || !isHash(t.data)) bad(`tensors.${n}`);
  }
  const r = data.request;
  if (!isRecord(r) || !Number.isInteger(r.index) || typeof r.family !== 'string' || !isRecord(r.params) || !Number.isFinite(r.seed) || !isRecord(r.data) || typeof r.backend !== 'string') bad('request');
  // NOTE: a request with paths in it is refused outright rather than cleaned: jobs carry data only.
  if ('modelDir' in r) bad('request.modelDir (jobs carry no paths)');
  for (const n of TENSOR_NAMES) if (n in r.data) bad(`request.data.${n} (jobs carry no paths)`);
  return data as unknown as TrialJob;
}

/**
 * Check a result as it arrives from a worker.
 * @throws AssayError `queue.result` naming the first field that is wrong.
 */
export function parseJobResult(value: unknown, index: number): TrialJobResult {
  const fail = (what: string): never => { throw new AssayError('queue.result', `malformed result for trial ${index + 1} from the job queue: ${what}`); };
  if (!isRecord(value)) fail('not an object');
  const v = value as Record<string, unknown>;
  if (v.format !== JOB_FORMAT) fail(`format ${JSON.stringify(v.format)}, expected ${JOB_FORMAT}`);
  const result = v.result;
  if (!isRecord(result) || result.index !== index || !Array.isArray(result.curves) || !Array.isArray(result.valProbabilities)) fail('result');
  if (v.model !== null) {
    if (!isRecord(v.model)) fail('model');
    for (const [name, hash] of Object.entries(v.model as Record<string, unknown>)) {
      if (!/^[\w-][\w.-]*$/.test(name) || !isHash(hash)) fail(`model file ${JSON.stringify(name)}`);
    }
  }
  if (typeof v.worker !== 'string') fail('worker');
  return v as unknown as TrialJobResult;
}
