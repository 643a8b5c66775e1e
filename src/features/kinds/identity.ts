/** `identity`: values as they are (pixels scaled to [0, 1]). */
import type { PixelKind } from './kind.js';

export const identity: PixelKind<'identity', { readonly kind: 'identity' }> = {
  kind: 'identity',
  place: 'pixel',
  data: 'both',
  schema: {
    title: 'Identity',
    description: 'Values as they are (pixels scaled to [0, 1]); on images and tables (on mixed data, the image). Takes no settings: `identity: {}` or `identity:`; no default otherwise: it runs only where listed.',
    type: ['object', 'null'], additionalProperties: false, properties: {}, examples: [{}],
  },
  defaults: {},
  fromYaml: () => ({ kind: 'identity' }),
  fit: () => ({ kind: 'identity' }),
  apply: (_f, block) => block,
};
