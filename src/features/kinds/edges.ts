/** `edges`: Sobel gradient magnitude appended as a channel, or replacing the pixels (see sobelEdges). */
import { sobelEdges } from '../sobel.js';
import type { PixelKind } from './kind.js';

export type FittedEdges = { readonly kind: 'edges'; readonly method: 'sobel'; readonly mode: 'append' | 'replace' };

export const edges: PixelKind<'edges', FittedEdges> = {
  kind: 'edges',
  place: 'pixel',
  data: 'image',
  schema: {
    title: 'Edges', description: 'Edge magnitude as an extra channel (append) or instead of the pixels (replace).',
    type: ['object', 'null'], additionalProperties: false,
    properties: { method: { enum: ['sobel'], default: 'sobel' }, mode: { enum: ['append', 'replace'], default: 'append' } },
  },
  defaults: { method: 'sobel', mode: 'append' },
  fromYaml: (p) => ({ kind: 'edges', method: 'sobel', mode: p['mode'] as 'append' | 'replace' }),
  fit: (s) => ({ kind: s.kind, method: s.method, mode: s.mode }),
  apply: (f, block) => sobelEdges(block, f.mode),
};
