/**
 * `normalize`: per-channel scaling fitted on the training block: `standard` subtracts the mean and
 * divides by the population std, `min-max` maps [min, max] to [0, 1]. A constant channel divides
 * by 1 (see shiftScale). On tables each column is a channel.
 */
import { DataError } from '../../core/errors.js';
import { meanStd, minMax, shiftScale } from '../channel-stats.js';
import type { FloatBlock, PixelKind } from './kind.js';

export type FittedNormalize =
  /** Population mean and std per channel of the training block as this step saw it. */
  | { readonly kind: 'normalize'; readonly method: 'standard'; readonly mean: readonly number[]; readonly std: readonly number[] }
  | { readonly kind: 'normalize'; readonly method: 'min-max'; readonly min: readonly number[]; readonly max: readonly number[] };

export const normalize: PixelKind<'normalize', FittedNormalize> = {
  kind: 'normalize',
  place: 'pixel',
  data: 'both',
  schema: {
    title: 'Normalize',
    description: 'Per-channel scaling (on a table each column is a channel; on mixed data, the image only: use standardize for the row); statistics are fitted on the training part only and applied to every part. `normalize: {}` or `normalize:` takes the default method; no default otherwise: it runs only where listed.',
    type: ['object', 'null'], additionalProperties: false,
    examples: [{ method: 'standard' }, { method: 'min-max' }],
    properties: {
      method: {
        description: 'standard subtracts the mean and divides by the population std; min-max maps [min, max] to [0, 1]. A constant channel divides by 1.',
        enum: ['standard', 'min-max'], default: 'standard', examples: ['min-max'],
      },
    },
  },
  defaults: { method: 'standard' },
  fromYaml: (p) => ({ kind: 'normalize', method: p['method'] as 'standard' | 'min-max' }),
  fit(s, block) {
    if (block.count === 0 || block.data.length === 0) throw new DataError('data.features-empty', `feature step ${s.kind} cannot be fitted: the training block is empty`);
    return s.method === 'standard'
      ? { kind: s.kind, method: s.method, ...meanStd(block.data, block.channels) }
      : { kind: s.kind, method: s.method, ...minMax(block.data, block.channels) };
  },
  apply(f, block) {
    if (f.method === 'standard') {
      checkChannels(f.mean.length, block);
      return { ...block, data: shiftScale(block.data, block.channels, f.mean, f.std) };
    }
    checkChannels(f.min.length, block);
    return { ...block, data: shiftScale(block.data, block.channels, f.min, f.max.map((hi, c) => hi - f.min[c]!)) };
  },
};

function checkChannels(fittedChannels: number, block: FloatBlock): void {
  if (fittedChannels !== block.channels) {
    throw new DataError('data.features-channels', `normalize was fitted on ${fittedChannels} channel(s) but this block has ${block.channels}`);
  }
}
