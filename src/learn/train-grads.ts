/**
 * Gradient overrides the training loop installs: same math as tfjs-core's, cheaper op sequence.
 *
 * FusedBatchNorm: tfjs-core's gradient tiles 1/sqrt(variance + eps) to the full activation shape
 * before multiplying by dy. On wasm that Tile was the largest single cost of a CNN training step
 * (527 of ~1340 ms kernel time for a 32 x 64x64x1 batch through the default 3-block CNN, measured
 * under load). Broadcasting the [C] vector in the multiply gives the same products, element for
 * element, with no full-size temporary. The override applies on wasm only: on every other backend
 * (tfjs-node's native ones, cpu) tfjs-core's own gradient runs, op for op, so they compute exactly
 * what they did without assay.
 */
import * as tf from '@tensorflow/tfjs';

let installed = false;

type Saved = tf.Tensor[];

/** tfjs-core's FusedBatchNorm gradient, captured before the override replaces it in the registry. */
let coreGrad: tf.GradConfig | undefined;

const fusedBatchNormGrad: tf.GradConfig = {
  kernelName: 'FusedBatchNorm',
  inputsToSave: ['x', 'mean', 'variance', 'scale'],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: Saved, attrs: tf.NamedAttrMap) => {
    if (tf.getBackend() !== 'wasm' && coreGrad !== undefined) return coreGrad.gradFunc(dy, saved, attrs);
    const g = dy as tf.Tensor;
    const { varianceEpsilon } = attrs as unknown as { varianceEpsilon: number };
    const [x, mean, variance, scale] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
    const scaleValue = scale == null ? tf.scalar(1) : scale;
    const reductionAxes = tf.backend_util.getReductionAxes(mean.shape, x.shape);
    const perChannel = mean.rank === 1;
    const xMinusMean = tf.sub(x, mean);
    const dyTimesScale = tf.mul(g, scaleValue);
    const rstd = tf.rsqrt(tf.add(variance, tf.scalar(varianceEpsilon)));
    const minusHalfRCube = tf.mul(tf.mul(tf.mul(rstd, rstd), rstd), tf.scalar(-0.5));
    const reduce = (t: tf.Tensor): tf.Tensor => tf.reshape(perChannel ? tf.sum(t, reductionAxes) : t, mean.shape);
    return {
      // NOTE: the one change from tfjs-core: `rstd` broadcasts instead of being tiled.
      x: () => tf.reshape(tf.mul(tf.mul(g, rstd), scaleValue), x.shape),
      mean: () => reduce(tf.mul(tf.mul(rstd, tf.scalar(-1)), dyTimesScale)),
      variance: () => reduce(tf.mul(tf.mul(minusHalfRCube, xMinusMean), dyTimesScale)),
      scale: () => reduce(tf.mul(g, tf.mul(xMinusMean, rstd))),
      offset: () => reduce(g),
    };
  },
};

/**
 * Install the overrides once per process (idempotent). Results equal tfjs-core's gradients; off
 * wasm, tfjs-core's gradient itself runs.
 */
export function installTrainingGradients(): void {
  if (installed) return;
  installed = true;
  coreGrad = tf.getGradient('FusedBatchNorm');
  tf.registerGradient(fusedBatchNormGrad);
}
