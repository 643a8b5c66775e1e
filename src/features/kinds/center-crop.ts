/** `center-crop`: keep round(side * fraction) (or the given pixels) at offset floor((side - kept) / 2). */
import { match } from 'ts-pattern';
import { cropAxis, geometryError } from './canvas.js';
import type { GeometryKind } from './kind.js';

export const centerCrop: GeometryKind<'center-crop'> = {
  kind: 'center-crop',
  place: 'geometry',
  data: 'image',
  schema: { $ref: '#/$defs/centerCrop' },
  defs: {
    centerCrop: {
      title: 'Center crop',
      description: 'A centred box (geometry step, run while the image is decoded): a fraction of each side, or width and height in pixels, at offset floor((side - kept) / 2). Either fraction, or width and height, is required; the box must fit inside the image at this step.',
      type: 'object', additionalProperties: false,
      'x-expected': '{fraction: f} or {width: w, height: h}',
      examples: [{ fraction: 0.8 }, { width: 48, height: 48 }],
      properties: {
        fraction: { description: 'Keep round(side * fraction) of each side, in (0, 1]. Required unless width and height are given (not with them).', type: 'number', exclusiveMinimum: 0, maximum: 1, examples: [0.8] },
        width: { $ref: '#/$defs/side', description: 'Width of the box in pixels, 1..4096. Required with height unless fraction is given.', examples: [48] },
        height: { $ref: '#/$defs/side', description: 'Height of the box in pixels, 1..4096. Required with width unless fraction is given.', examples: [48] },
      },
      dependentSchemas: { fraction: { properties: { width: false, height: false } } },
      dependentRequired: { width: ['height'], height: ['width'] },
      anyOf: [
        { required: ['fraction'], properties: { fraction: true } },
        { required: ['width'], properties: { width: true } },
        { required: ['height'], properties: { height: true } },
      ],
    },
  },
  defaults: {},
  fromYaml: (p) => ({
    kind: 'center-crop',
    size: p['fraction'] !== undefined ? { kind: 'fraction', fraction: p['fraction'] as number } : { kind: 'pixels', width: p['width'] as number, height: p['height'] as number },
  }),
  size(s, before, outside) {
    if (s.size.kind === 'fraction') return before === null ? null : { w: Math.round(before.w * s.size.fraction), h: Math.round(before.h * s.size.fraction) };
    if (before !== null && (s.size.width > before.w || s.size.height > before.h)) {
      outside(`center-crop ${s.size.width}x${s.size.height} is larger than the ${before.w}x${before.h} image at this step`);
    }
    return { w: s.size.width, h: s.size.height };
  },
  geometry(s, { x, y, channels }, where) {
    const [cw, ch] = match(s.size)
      .with({ kind: 'fraction' }, (f) => {
        if (!(f.fraction > 0 && f.fraction <= 1)) throw geometryError(`${where}: fraction ${f.fraction} must be in (0, 1]`);
        return [Math.max(1, Math.round(x.size * f.fraction)), Math.max(1, Math.round(y.size * f.fraction))];
      })
      .with({ kind: 'pixels' }, (p) => [p.width, p.height])
      .exhaustive();
    if (!(cw >= 1 && ch >= 1 && cw <= x.size && ch <= y.size)) {
      throw geometryError(`${where}: ${cw}x${ch} does not fit in the ${x.size}x${y.size} image at this step`);
    }
    return { x: cropAxis(x, Math.floor((x.size - cw) / 2), cw), y: cropAxis(y, Math.floor((y.size - ch) / 2), ch), channels };
  },
};
