/**
 * The training loop for one trial: a custom loop over `optimizer.minimize` with batches gathered
 * from typed arrays on the fly (balanced epochs, augmentation and per-example class weights need
 * per-batch control that `model.fit` does not give without copying the training set).
 *
 * Per epoch: learning rate from the schedule; shuffled (optionally balanced) row order; training
 * batches (augmented when asked); validation probabilities in inference mode; the threshold the
 * trial would choose at that epoch (`chooseThreshold` on validation, every epoch: it is one sort
 * of the validation set, cheap next to the forward pass); best-epoch tracking, early stopping
 * and pruning. At the end the best epoch's weights are restored.
 *
 * Determinism: tfjs's global random source is seeded with `req.seed` (dropout), initializers get
 * seeds derived from it, and every shuffle and draw comes from `new Rng(req.seed)` children, so the
 * same request on the same backend gives bit-identical weights and metrics.
 */
import * as tf from '@tensorflow/tfjs';
import type { Examples } from '../core/data.js';
import { Rng } from '../core/rng.js';
import type { EpochRecord, TrialRequest, TrialResult } from './protocol.js';
import { seedTfRandom } from './backend/backend.js';
import { buildModel, numParam } from './families/index.js';
import { installTrainingGradients } from './train-grads.js';
import { augmentBatch, augmentMixedBatch } from './augment.js';
import { checkExamples, epochIndices, gatherRows, rowSize } from './train-batches.js';
import { makeOptimizer, predictProbabilities, scheduledRate, setLearningRate, trainStep, type OptimizerName } from './train-ops.js';
import { chooseThreshold, type ThresholdChoice } from '../evaluate/threshold.js';
import { isMinimized, metricValue } from '../evaluate/metrics.js';
import { prevalenceWeights } from '../evaluate/prevalence.js';
import { multiclassValue, scoreMulticlass } from '../evaluate/multiclass-score.js';
import { shouldPrune } from './search/pruning.js';

export interface TrainHooks {
  /** Called after each epoch with its record and the planned number of epochs. */
  onEpoch?(record: EpochRecord, of: number): void;
  /**
   * Polled before each epoch and, once an epoch has finished, after each batch; true ends
   * training (the result so far is returned, not pruned). An epoch it interrupts is discarded:
   * the model keeps the best finished epoch's weights, so a time budget ends within one batch.
   */
  shouldStop?(): boolean;
}

/** The model (best epoch's weights; the caller disposes it) and the trial's result. */
export interface TrainOutcome {
  readonly result: TrialResult;
  readonly model: tf.LayersModel;
}

/** One epoch's validation outcome, kept while it is the best so far. */
interface EpochScore {
  readonly epoch: number;
  readonly choice: ThresholdChoice;
  /** Validation log-loss, weighted like the objective: the threshold-free tie-break. */
  readonly logLoss: number;
  readonly probs: Float32Array;
}

/**
 * `a` improves on `b`: smaller constraint violation first, then the objective by more than
 * `minDelta` in its direction; an objective equal to b's (within rounding) improves when its
 * validation log-loss is lower. A non-finite objective never improves.
 *
 * NOTE: with a few dozen validation positives, F1 saturates (often at 1.000) within a few epochs;
 * without the tie-break the first epoch to reach it would be kept and training would stop
 * `patience` epochs later, however much the model still improved. The log-loss keeps rewarding a
 * wider margin between the classes, which is what carries over to unseen photos.
 */
function improves(a: EpochScore, b: EpochScore | null, minimize: boolean, minDelta: number): boolean {
  const x = a.choice, y = b?.choice;
  if (!Number.isFinite(x.value)) return false;
  if (y === undefined || !Number.isFinite(y.value)) return true;
  if (x.violation < y.violation - 1e-12) return true;
  if (x.violation > y.violation + 1e-12) return false;
  if (Math.abs(x.value - y.value) <= 1e-12 * Math.max(1, Math.abs(y.value))) return a.logLoss < b!.logLoss;
  return minimize ? x.value < y.value - minDelta : x.value > y.value + minDelta;
}

function labels01(y: Uint8Array, positive: number): Uint8Array {
  return y.map((c) => (c === positive ? 1 : 0));
}

/**
 * Train one trial on `data` and score it on `data.val`.
 *
 * Record fields: `trainLoss` is the mean class-weighted cross-entropy over the epoch's training
 * batches as they were trained (training mode: dropout on, weights moving; L2 term excluded);
 * `trainObjective` is the objective on those same training-mode probabilities at the epoch's
 * validation threshold; `valLoss` is the unweighted mean cross-entropy on validation;
 * `valObjective` is `chooseThreshold(req.objective.threshold, ...)`'s value on validation.
 * Epochs are 1-based. Result `score`/`threshold`/`valProbabilities` are the best epoch's (best =
 * feasible first, then the objective; equal objectives: the lower validation log-loss, weighted
 * like the objective; then the earlier epoch), and the returned model holds
 * that epoch's weights. A pruned trial reports `pruned: true` with its best score so far.
 *
 * Throws on inconsistent or non-finite data, and when the training loss becomes non-finite.
 */
export async function trainTrial(req: TrialRequest, data: { readonly train: Examples; readonly val: Examples }, hooks: TrainHooks = {}): Promise<TrainOutcome> {
  const started = performance.now();
  const classes = req.data.classes.length;
  const { train, val } = data;
  checkExamples('training data', train, classes);
  checkExamples('validation data', val, classes);
  const inputShape = train.shape.slice(1);
  if (val.shape.slice(1).join('x') !== inputShape.join('x')) {
    throw new Error(`validation rows are [${val.shape.slice(1).join(', ')}] but training rows are [${inputShape.join(', ')}]`);
  }
  if (req.data.classWeights !== null && req.data.classWeights.length !== classes) {
    throw new Error(`class weights give ${req.data.classWeights.length} values for ${classes} classes`);
  }
  const { metric, beta } = req.objective;
  const minimize = isMinimized(metric);
  const epochs = req.training.epochs;
  const batchSize = Math.max(1, Math.round(numParam(req.params, 'batch-size')));
  const baseRate = numParam(req.params, 'learning-rate');
  const weightDecay = numParam(req.params, 'weight-decay');
  const optName = req.params['optimizer'] as OptimizerName;
  const minDelta = req.training.earlyStopping?.minDelta ?? 0;
  const patience = req.training.earlyStopping?.patience ?? Infinity;
  const size = rowSize(train.shape);
  const isImage = train.shape.length === 4;
  // Mixed examples: the image part is augmented, the row kept (augmentMixedBatch).
  const layout = req.data.layout;
  const augment = isImage || layout !== undefined ? req.data.augment : null;
  const weights = req.data.classWeights === null ? null : Float32Array.from(req.data.classWeights);
  // NOTE: no positive class (multi-class): probabilities are n x k and the decision is the arg-max.
  const multi = req.data.positive < 0;
  const width = multi ? classes : 1;
  const valLabels = multi ? val.y : labels01(val.y, req.data.positive);
  // NOTE: objective.prevalence reweights validation negatives only; training loss and the
  // training-part objective stay unweighted.
  const valWeights = multi ? undefined : prevalenceWeights(valLabels, req.data.negativeWeight ?? 1);
  const score = (probs: Float32Array, labels: Uint8Array): ThresholdChoice => multi
    ? scoreMulticlass(req.objective.threshold, metric, probs, classes, labels, req.data.classes)
    : chooseThreshold(req.objective.threshold, metric, probs, labels, beta, valWeights);
  const rng = new Rng(req.seed).child('train');

  installTrainingGradients();
  seedTfRandom(req.seed);
  const model = buildModel(req.family, inputShape, req.params, classes, req.seed, req.data.layout);
  const optimizer = makeOptimizer(optName, baseRate);
  const curves: EpochRecord[] = [];
  let best: EpochScore | null = null;
  let bestWeights: tf.Tensor[] | null = null;
  let pruned = false;
  let sinceBest = 0;
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      if (hooks.shouldStop?.() === true) break;
      const t0 = performance.now();
      setLearningRate(optimizer, scheduledRate(req.training.schedule, baseRate, epoch, epochs));
      const erng = rng.child(`epoch-${epoch}`);
      const idx = epochIndices(train.y, classes, req.data.balancedBatches, erng);
      const augRng = erng.child('augment');
      const seenProbs = new Float32Array(idx.length * width);
      const seenLabels = new Uint8Array(idx.length);
      let lossSum = 0;
      let interrupted = false;
      for (let s = 0; s < idx.length; s += batchSize) {
        // NOTE: at least one epoch always finishes; after that a stop need not wait for the epoch.
        if (s > 0 && curves.length > 0 && hooks.shouldStop?.() === true) {
          interrupted = true;
          break;
        }
        const e = Math.min(idx.length, s + batchSize);
        const b = e - s;
        let xs = gatherRows(train.x, size, idx, s, e);
        if (augment !== null) {
          xs = layout !== undefined ? augmentMixedBatch(xs, b, layout, augment, augRng) : augmentBatch(xs, [b, inputShape[0]!, inputShape[1]!, inputShape[2]!], augment, augRng);
        }
        const yb = new Int32Array(b);
        const wb = new Float32Array(b);
        for (let k = 0; k < b; k++) {
          const c = train.y[idx[s + k]!]!;
          yb[k] = c;
          wb[k] = weights === null ? 1 : weights[c]!;
          seenLabels[s + k] = multi ? c : c === req.data.positive ? 1 : 0;
        }
        const step = trainStep(model, optimizer, xs, [b, ...inputShape], yb, wb, classes, req.data.positive, weightDecay);
        seenProbs.set(step.probs, s * width);
        const batchLoss = step.loss;
        if (!Number.isFinite(batchLoss)) throw new Error(`training diverged in epoch ${epoch}: the loss became ${batchLoss} (try a smaller learning rate)`);
        lossSum += batchLoss * b;
      }
      if (interrupted) break;
      const v = predictProbabilities(model, val.x, inputShape, val.y, classes, req.data.positive);
      const choice = score(v.probs, valLabels);
      const record: EpochRecord = {
        epoch,
        trainLoss: lossSum / idx.length,
        valLoss: v.loss,
        trainObjective: multi ? multiclassValue(metric, seenProbs, classes, seenLabels) : metricValue(metric, seenProbs, seenLabels, choice.threshold, beta),
        valObjective: choice.value,
        seconds: (performance.now() - t0) / 1000,
      };
      curves.push(record);
      hooks.onEpoch?.(record, epochs);
      // NOTE: multi-class: the mean cross-entropy over the classes (no positive class to weigh).
      const logLoss = multi ? v.loss : metricValue('log-loss', v.probs, valLabels, 0.5, beta, valWeights);
      const scored: EpochScore = { epoch, choice, logLoss, probs: v.probs };
      if (improves(scored, best, minimize, minDelta)) {
        best = scored;
        if (bestWeights !== null) tf.dispose(bestWeights);
        bestWeights = model.getWeights().map((w) => tf.keep(w.clone()));
        sinceBest = 0;
      } else {
        sinceBest++;
      }
      if (sinceBest >= patience) break;
      if (shouldPrune(req.pruning, epoch, choice.value, req.peers, minimize)) {
        pruned = epoch < epochs;
        break;
      }
    }
    if (bestWeights !== null) model.setWeights(bestWeights);
  } catch (err) {
    model.dispose();
    throw err;
  } finally {
    if (bestWeights !== null) tf.dispose(bestWeights);
    optimizer.dispose();
  }
  const worst = minimize ? Number.MAX_VALUE : -Number.MAX_VALUE;
  const result: TrialResult = {
    index: req.index,
    family: req.family,
    params: req.params,
    score: best === null ? worst : best.choice.value,
    metric,
    threshold: best === null ? 0.5 : best.choice.threshold,
    bestEpoch: best === null ? 0 : best.epoch,
    epochs: curves.length,
    curves,
    pruned,
    seconds: (performance.now() - started) / 1000,
    valProbabilities: best === null ? [] : Array.from(best.probs),
    ...(best === null ? {} : { valLogLoss: best.logLoss }),
  };
  return { result, model };
}
