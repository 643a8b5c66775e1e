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
      title: 'Crop',
      description: 'A box in the pixel coordinates of the image as it is at this step (geometry step, run while the image is decoded); it must lie inside. left, top, width and height are required.',
      type: 'object', additionalProperties: false, required: ['left', 'top', 'width', 'height'],
      examples: [{ left: 8, top: 8, width: 48, height: 48 }],
      properties: {
        left: { description: 'Left edge of the box in pixels, >= 0 (required).', type: 'integer', minimum: 0, examples: [8] },
        top: { description: 'Top edge of the box in pixels, >= 0 (required).', type: 'integer', minimum: 0, examples: [8] },
        width: { $ref: '#/$defs/side', description: 'Width of the box in pixels, 1..4096 (required); left + width must not exceed the image width.', examples: [48] },
        height: { $ref: '#/$defs/side', description: 'Height of the box in pixels, 1..4096 (required); top + height must not exceed the image height.', examples: [48] },
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
