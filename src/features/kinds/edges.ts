/** `edges`: Sobel gradient magnitude appended as a channel, or replacing the pixels (see sobelEdges). */
import { sobelEdges } from '../sobel.js';
import type { PixelKind } from './kind.js';

export type FittedEdges = { readonly kind: 'edges'; readonly method: 'sobel'; readonly mode: 'append' | 'replace' };

export const edges: PixelKind<'edges', FittedEdges> = {
  kind: 'edges',
  place: 'pixel',
  data: 'image',
  schema: {
    title: 'Edges',
    description: 'Edge magnitude of each image\'s channel mean as an extra channel (append) or instead of the pixels (replace); images only (on mixed data, the image). `edges: {}` or `edges:` takes every default; no default otherwise: it runs only where listed.',
    type: ['object', 'null'], additionalProperties: false,
    examples: [{ mode: 'append' }, { method: 'sobel', mode: 'replace' }],
    properties: {
      method: {
        description: 'sobel: the Sobel gradient magnitude sqrt(Gx^2 + Gy^2) with replicate borders, not rescaled (a unit step edge gives 4); the only method.',
        enum: ['sobel'], default: 'sobel', examples: ['sobel'],
      },
      mode: { description: 'append adds the magnitude as the last channel; replace makes it the only channel.', enum: ['append', 'replace'], default: 'append', examples: ['replace'] },
    },
  },
  defaults: { method: 'sobel', mode: 'append' },
  fromYaml: (p) => ({ kind: 'edges', method: 'sobel', mode: p['mode'] as 'append' | 'replace' }),
  fit: (s) => ({ kind: s.kind, method: s.method, mode: s.mode }),
  apply: (f, block) => sobelEdges(block, f.mode),
};
