/** `augment`: training-time augmentation, drawn afresh each epoch from the trial's seeded source (learn/augment.ts). */
import type { TrainingKind } from './kind.js';

export const augment: TrainingKind<'augment'> = {
  kind: 'augment',
  place: 'training',
  data: 'image',
  schema: { $ref: '#/$defs/augment' },
  defs: {
    augment: {
      title: 'Augment',
      description: 'Training-time augmentation of the training part, drawn afresh for each image each epoch from the trial\'s seeded source; never applied to validation or hold-out. Images only; on mixed data (an image and a row per item) the image, the row left as it is. The last augment step wins. `augment: {}` or `augment:` takes every default (nothing changes); no default otherwise: it runs only where listed.',
      type: ['object', 'null'], additionalProperties: false,
      examples: [{ 'flip-horizontal': true, 'flip-vertical': true }, { 'flip-horizontal': true, rotate90: true, brightness: 0.1, contrast: 0.2, translate: 0.1 }],
      properties: {
        'flip-horizontal': { description: 'Mirror left-right with probability 1/2.', type: 'boolean', default: false, examples: [true] },
        'flip-vertical': { description: 'Mirror top-bottom with probability 1/2.', type: 'boolean', default: false, examples: [true] },
        rotate90: { description: 'Rotate by 0, 90, 180 or 270 degrees, drawn uniformly; square images only (others are not rotated).', type: 'boolean', default: false, examples: [true] },
        brightness: { description: 'Max absolute brightness shift: each image adds a value drawn from [-b, b] to every pixel, after the contrast change; 0 disables.', type: 'number', minimum: 0, maximum: 1, default: 0, examples: [0.1] },
        contrast: { description: 'Max relative contrast change around each channel\'s mean: a factor drawn from [1 - c, 1 + c] (0.2 = x0.8..x1.2); 0 disables.', type: 'number', minimum: 0, maximum: 1, default: 0, examples: [0.2] },
        translate: { description: 'Max shift as a fraction of the side, in whole pixels (round(translate * side)) along each axis, with edge padding; 0 disables.', type: 'number', minimum: 0, maximum: 0.5, default: 0, examples: [0.1] },
      },
    },
  },
  defaults: { 'flip-horizontal': false, 'flip-vertical': false, rotate90: false, brightness: 0, contrast: 0, translate: 0 },
  fromYaml: (p) => ({
    kind: 'augment',
    augment: {
      flipHorizontal: p['flip-horizontal'] as boolean, flipVertical: p['flip-vertical'] as boolean, rotate90: p['rotate90'] as boolean,
      brightness: p['brightness'] as number, contrast: p['contrast'] as number, translate: p['translate'] as number,
    },
  }),
};
