/** `augment`: training-time augmentation, drawn afresh each epoch from the trial's seeded source (learn/augment.ts). */
import type { TrainingKind } from './kind.js';

export const augment: TrainingKind<'augment'> = {
  kind: 'augment',
  place: 'training',
  data: 'image',
  schema: { $ref: '#/$defs/augment' },
  defs: {
    augment: {
      title: 'Augment', description: 'Training-time augmentation, drawn afresh each epoch; never applied to validation or hold-out.',
      type: ['object', 'null'], additionalProperties: false,
      properties: {
        'flip-horizontal': { type: 'boolean', default: false },
        'flip-vertical': { type: 'boolean', default: false },
        rotate90: { type: 'boolean', default: false },
        brightness: { description: 'Max absolute brightness shift; 0 disables.', type: 'number', minimum: 0, maximum: 1, default: 0 },
        contrast: { description: 'Max relative contrast change (0.2 = x0.8..x1.2); 0 disables.', type: 'number', minimum: 0, maximum: 1, default: 0 },
        translate: { description: 'Max shift as a fraction of the side; 0 disables.', type: 'number', minimum: 0, maximum: 0.5, default: 0 },
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
