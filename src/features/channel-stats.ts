/**
 * Per-channel statistics and their application, over interleaved data (NHWC images, or [n, d]
 * tables seen as 1x1 images with d channels). Sums run in float64.
 */

/** Per-channel mean and population standard deviation (divide by N), two passes in float64. */
export function meanStd(data: Float32Array, channels: number): { mean: number[]; std: number[] } {
  const n = data.length / channels;
  const sum = new Float64Array(channels);
  for (let i = 0; i < data.length; i++) sum[i % channels] += data[i]!;
  const mean = Array.from(sum, (s) => s / n);
  const sq = new Float64Array(channels);
  for (let i = 0; i < data.length; i++) {
    const d = data[i]! - mean[i % channels]!;
    sq[i % channels] += d * d;
  }
  return { mean, std: Array.from(sq, (s) => Math.sqrt(s / n)) };
}

/** Per-channel minimum and maximum. */
export function minMax(data: Float32Array, channels: number): { min: number[]; max: number[] } {
  const min = new Array<number>(channels).fill(Infinity);
  const max = new Array<number>(channels).fill(-Infinity);
  for (let i = 0; i < data.length; i++) {
    const c = i % channels, v = data[i]!;
    if (v < min[c]!) min[c] = v;
    if (v > max[c]!) max[c] = v;
  }
  return { min, max };
}

/**
 * `(x - offset[c]) / scale[c]` per channel, into a new array. A scale of 0 (a constant channel in
 * the training data) divides by 1 instead, so the channel becomes `x - offset`, never NaN.
 */
export function shiftScale(data: Float32Array, channels: number, offset: readonly number[], scale: readonly number[]): Float32Array {
  const safe = scale.map((s) => (s > 0 ? s : 1));
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const c = i % channels;
    out[i] = (data[i]! - offset[c]!) / safe[c]!;
  }
  return out;
}
