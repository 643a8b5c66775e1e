import type { ImageBlock } from '../core/data.js';

/** Bytes to floats in [0, 1]: every value divided by 255. Shape unchanged; the input is not touched. */
export function toFloat(block: ImageBlock<Uint8Array>): ImageBlock<Float32Array> {
  const data = new Float32Array(block.data.length);
  for (let i = 0; i < data.length; i++) data[i] = block.data[i]! / 255;
  return { count: block.count, height: block.height, width: block.width, channels: block.channels, data };
}
