/** `identity`: values as they are (pixels scaled to [0, 1]). */
import type { PixelKind } from './kind.js';

export const identity: PixelKind<'identity', { readonly kind: 'identity' }> = {
  kind: 'identity',
  place: 'pixel',
  data: 'both',
  schema: { title: 'Identity', description: 'Pixels as they are, scaled to [0, 1].', type: ['object', 'null'], additionalProperties: false, properties: {} },
  defaults: {},
  fromYaml: () => ({ kind: 'identity' }),
  fit: () => ({ kind: 'identity' }),
  apply: (_f, block) => block,
};
