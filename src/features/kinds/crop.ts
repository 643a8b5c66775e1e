/** `crop`: a box in the pixel coordinates of the image as it is at this step; it must lie inside. */
import { cropAxis, geometryError } from './canvas.js';
import type { GeometryKind } from './kind.js';

export const crop: GeometryKind<'crop'> = {
  kind: 'crop',
  place: 'geometry',
  data: 'image',
  schema: { $ref: '#/$defs/crop' },
  defs: {
    crop: {
      title: 'Crop', description: 'A box in the pixel coordinates of the image as it is at this step.',
      type: 'object', additionalProperties: false, required: ['left', 'top', 'width', 'height'],
      properties: {
        left: { type: 'integer', minimum: 0 }, top: { type: 'integer', minimum: 0 },
        width: { $ref: '#/$defs/side' }, height: { $ref: '#/$defs/side' },
      },
    },
  },
  defaults: {},
  fromYaml: (p) => ({ kind: 'crop', left: p['left'] as number, top: p['top'] as number, width: p['width'] as number, height: p['height'] as number }),
  size(s, before, outside) {
    if (before !== null && (s.left + s.width > before.w || s.top + s.height > before.h)) {
      outside(`crop box ${s.left},${s.top} ${s.width}x${s.height} reaches outside the ${before.w}x${before.h} image at this step`);
    }
    return { w: s.width, h: s.height };
  },
  geometry(s, { x, y, channels }, where) {
    const ok = Number.isInteger(s.left) && Number.isInteger(s.top) && s.left >= 0 && s.top >= 0 && s.width >= 1 && s.height >= 1
      && s.left + s.width <= x.size && s.top + s.height <= y.size;
    if (!ok) throw geometryError(`${where}: box ${s.width}x${s.height} at (${s.left}, ${s.top}) is not inside the ${x.size}x${y.size} image at this step`);
    return { x: cropAxis(x, s.left, s.width), y: cropAxis(y, s.top, s.height), channels };
  },
};
