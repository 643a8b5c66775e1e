/** `grayscale`: decode to one luminance channel. */
import type { GeometryKind } from './kind.js';

export const grayscale: GeometryKind<'grayscale'> = {
  kind: 'grayscale',
  place: 'geometry',
  data: 'image',
  schema: { title: 'Grayscale', description: 'Convert to one luminance channel.', type: ['object', 'null'], additionalProperties: false, properties: {} },
  defaults: {},
  fromYaml: () => ({ kind: 'grayscale' }),
  size: (_s, before) => before,
  geometry: (_s, canvas) => ({ ...canvas, channels: 1 }),
};
