import type { Item } from '../../../../src/core/data.js';

/** `counts[c]` items of class c, refs `c<c>/NNNN.jpg` in inventory order, unique ids. */
export function makeItems(counts: readonly number[]): Item[] {
  const items: Item[] = [];
  counts.forEach((n, label) => {
    for (let i = 0; i < n; i++) {
      const ref = `c${label}/${String(i).padStart(4, '0')}.jpg`;
      items.push({ id: `sha-${ref}`, ref, label });
    }
  });
  return items;
}

export function labelCounts(items: readonly Item[], indices: readonly number[], classCount: number): number[] {
  const out = new Array<number>(classCount).fill(0);
  for (const i of indices) out[items[i]!.label]! += 1;
  return out;
}

export function isAscending(xs: readonly number[]): boolean {
  return xs.every((x, i) => i === 0 || xs[i - 1]! < x);
}
