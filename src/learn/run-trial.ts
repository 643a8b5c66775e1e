/**
 * One trial, start to finish, in the current process: backend, data from tensor files, training,
 * optional model save, cleanup. The trial worker and the in-process search both call this.
 */
import type { BackendChoice } from '../core/spec.js';
import type { Examples } from '../core/data.js';
import { readTensor } from '../store/tensor-file.js';
import type { TrialRequest, TrialResult } from './protocol.js';
import { initBackend } from './backend/backend.js';
import { saveModel } from './model-io.js';
import { trainTrial, type TrainHooks } from './train.js';

/** Read an `x` (float32 [n, ...]) / `y` (uint8 [n]) pair of tensor files; throws a descriptive error on a mismatch. */
export async function readExamples(xPrefix: string, yPrefix: string): Promise<Examples> {
  const x = await readTensor(xPrefix);
  const y = await readTensor(yPrefix);
  if (x.header.dtype !== 'float32' || !(x.data instanceof Float32Array)) {
    throw new Error(`tensor ${xPrefix}: expected float32 examples, found ${x.header.dtype}`);
  }
  if (y.header.dtype !== 'uint8' || !(y.data instanceof Uint8Array)) {
    throw new Error(`tensor ${yPrefix}: expected uint8 labels, found ${y.header.dtype}`);
  }
  if (y.header.shape.length !== 1 || y.header.shape[0] !== x.header.shape[0]) {
    throw new Error(`tensor ${yPrefix}: labels of shape [${y.header.shape.join(', ')}] do not match ${x.header.shape[0]} examples in ${xPrefix}`);
  }
  return { x: x.data, shape: x.header.shape, y: y.data };
}

/**
 * Run `req` here: `initBackend(req.backend)` (idempotent), read its training and validation
 * tensor files, train, save the best model to `req.modelDir` when set, and free every tensor.
 * Rejects with the underlying error when the data is unusable or training fails.
 */
export async function runTrialInProcess(req: TrialRequest, hooks?: TrainHooks): Promise<TrialResult> {
  await initBackend(req.backend as BackendChoice);
  const train = await readExamples(req.data.trainX, req.data.trainY);
  const val = await readExamples(req.data.valX, req.data.valY);
  // NOTE: the deadline reads the wall clock: the documented exception for time budgets.
  let epochsDone = 0;
  let hitDeadline = false;
  const deadline = req.deadline ?? null;
  const { result: trained, model } = await trainTrial(req, { train, val }, {
    onEpoch: (record, of) => {
      epochsDone++;
      hooks?.onEpoch?.(record, of);
    },
    shouldStop: () => {
      if (hooks?.shouldStop?.() === true) return true;
      hitDeadline = deadline !== null && epochsDone > 0 && Date.now() > deadline;
      return hitDeadline;
    },
  });
  const result: TrialResult = hitDeadline ? { ...trained, stoppedBy: 'deadline' } : trained;
  try {
    if (req.modelDir !== null) await saveModel(model, req.modelDir);
  } finally {
    model.dispose();
  }
  return result;
}
