/**
 * The `synthetic-cracks` source: `counts.crack` crack images and `counts['no-crack']` surfaces,
 * refs `synthetic:<class>/<i>`. Nothing is rendered here: an item's id is the sha256 of its
 * generator identity, `synth-v<GENERATOR_VERSION>|<size>|<seed>|<class>|<index>|<hard 0/1>`, which
 * determines the pixels exactly (renderSynthetic is pure), so it is a content identity.
 */
import type { Inventory, Item } from '../../core/data.js';
import type { SyntheticCracksData } from '../../core/spec.js';
import { GENERATOR_VERSION, isHardNegative, syntheticRef, type SyntheticClass } from '../synth.js';
import { classIndex, type ListOptions } from './common.js';
import { sha256Hex } from './quick-check.js';

export const SYNTHETIC_CLASSES: readonly SyntheticClass[] = ['crack', 'no-crack'];

/** The content identity of one synthetic image. */
export function syntheticId(size: number, seed: number, cls: SyntheticClass, index: number, hard: boolean): string {
  return sha256Hex(`synth-v${GENERATOR_VERSION}|${size}|${seed}|${cls}|${index}|${hard ? 1 : 0}`);
}

export function listSynthetic(spec: SyntheticCracksData, opts: ListOptions): Inventory {
  const seed = opts.seed ?? 0;
  const classes = [...SYNTHETIC_CLASSES];
  const items: Item[] = [];
  classes.forEach((cls, label) => {
    for (let i = 0; i < spec.counts[cls]; i++) {
      const hard = cls === 'no-crack' && isHardNegative(i, spec.hardNegatives);
      items.push({ id: syntheticId(spec.size, seed, cls, i, hard), ref: syntheticRef(cls, i), label });
    }
  });
  opts.progress?.(items.length, items.length);
  return { classes, positive: classIndex(classes, spec.positive), items, skipped: [] };
}
