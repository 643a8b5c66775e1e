/**
 * `resize`: scale to width x height. `fill` stretches; `cover` scales to cover and cuts the excess
 * evenly from both sides; `contain` scales to fit, rounds the content size to whole pixels and
 * centres it (offset floor((canvas - content) / 2)) on zero padding.
 */
import { match } from 'ts-pattern';
import type { ResizeFit } from '../../core/spec.js';
import { geometryError, remap, stretchAxis } from './canvas.js';
import type { GeometryKind } from './kind.js';

export const resize: GeometryKind<'resize'> = {
  kind: 'resize',
  place: 'geometry',
  data: 'image',
  schema: { $ref: '#/$defs/resize' },
  defs: {
    resize: {
      title: 'Resize',
      description: 'Scale to width x height (geometry step, run while the image is decoded, so a photo is shrunk on load). width and height are required.',
      type: 'object', additionalProperties: false, required: ['width', 'height'],
      examples: [{ width: 64, height: 64 }, { width: 224, height: 224, fit: 'cover' }],
      properties: {
        width: { $ref: '#/$defs/side', description: 'Width after the step in pixels, 1..4096 (required).', examples: [64] },
        height: { $ref: '#/$defs/side', description: 'Height after the step in pixels, 1..4096 (required).', examples: [64] },
        fit: {
          title: 'Fit',
          description: 'fill stretches to width x height; contain scales to fit and centres the content on zero padding; cover scales to cover and cuts the excess evenly from both sides.',
          enum: ['fill', 'contain', 'cover'], default: 'fill', examples: ['cover'],
        },
      },
    },
  },
  defaults: { fit: 'fill' },
  fromYaml: (p) => ({ kind: 'resize', width: p['width'] as number, height: p['height'] as number, fit: p['fit'] as ResizeFit }),
  size: (s) => ({ w: s.width, h: s.height }),
  geometry(s, { x, y, channels }, where) {
    if (!(s.width >= 1 && s.height >= 1)) throw geometryError(`${where}: size ${s.width}x${s.height} must be at least 1x1`);
    const W = x.size, H = y.size;
    return match(s.fit)
      .with('fill', () => ({ x: stretchAxis(x, s.width), y: stretchAxis(y, s.height), channels }))
      .with('cover', () => {
        const k = Math.min(W / s.width, H / s.height);
        // Canvas pixel u shows old point (u + (W/k - w) / 2) * k.
        const sx = ((W / k - s.width) / 2) * k, sy = ((H / k - s.height) / 2) * k;
        return {
          x: remap(x, s.width, k, sx, Math.round((x.lo - sx) / k), Math.round((x.hi - sx) / k)),
          y: remap(y, s.height, k, sy, Math.round((y.lo - sy) / k), Math.round((y.hi - sy) / k)),
          channels,
        };
      })
      .with('contain', () => {
        const k = Math.max(W / s.width, H / s.height);
        const cw = Math.max(1, Math.round(W / k)), ch = Math.max(1, Math.round(H / k));
        const px = Math.floor((s.width - cw) / 2), py = Math.floor((s.height - ch) / 2);
        // The content occupies [px, px + cw): old point = (u - px) * (W / cw).
        const kx = W / cw, ky = H / ch;
        return {
          x: remap(x, s.width, kx, -px * kx, px + Math.round(x.lo / kx), px + Math.round(x.hi / kx)),
          y: remap(y, s.height, ky, -py * ky, py + Math.round(y.lo / ky), py + Math.round(y.hi / ky)),
          channels,
        };
      })
      .exhaustive();
  },
};
