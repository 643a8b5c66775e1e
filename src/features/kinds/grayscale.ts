/** `grayscale`: decode to one luminance channel. */
import type { GeometryKind } from './kind.js';

export const grayscale: GeometryKind<'grayscale'> = {
  kind: 'grayscale',
  place: 'geometry',
  data: 'image',
  schema: {
    title: 'Grayscale',
    description: 'Decode to one luminance channel (geometry step, run while the image is decoded). Takes no settings: `grayscale: {}` or `grayscale:`; no default otherwise: it runs only where listed.',
    type: ['object', 'null'], additionalProperties: false, properties: {}, examples: [{}],
  },
  defaults: {},
  fromYaml: () => ({ kind: 'grayscale' }),
  size: (_s, before) => before,
  geometry: (_s, canvas) => ({ ...canvas, channels: 1 }),
};
