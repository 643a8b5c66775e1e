/**
 * Units: the indivisible pieces every partition moves as a whole. A unit joins all items that
 * share a group key or an id (exact duplicates), transitively (union-find), so neither a group
 * nor a duplicate can straddle two sides.
 */
import type { Item } from '../../core/data.js';

export interface Unit {
  /** Item indices, ascending. */
  readonly members: readonly number[];
  /** Member count per class index. */
  readonly classCounts: readonly number[];
}

/**
 * Build the units of `indices` (any order; duplicates in `indices` are ignored). Units come out
 * ordered by their smallest member, so the order depends on the data alone, never on the rng.
 */
export function buildUnits(
  items: readonly Item[],
  indices: readonly number[],
  classCount: number,
  groupOf?: (item: Item) => string,
): Unit[] {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const parent = sorted.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const union = (a: number, b: number): void => {
    const ra = find(a), rb = find(b);
    // NOTE: the smaller root wins, so roots stay the first member and the result is order-free.
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  const firstByKey = new Map<string, number>();
  const join = (key: string, pos: number): void => {
    const first = firstByKey.get(key);
    if (first === undefined) firstByKey.set(key, pos);
    else union(first, pos);
  };
  sorted.forEach((index, pos) => {
    const item = items[index];
    if (item === undefined) throw new RangeError(`item index ${index} is out of range (0..${items.length - 1})`);
    if (item.label < 0 || item.label >= classCount) throw new RangeError(`item ${item.ref} has label ${item.label}, outside 0..${classCount - 1}`);
    join(`id\u0000${item.id}`, pos);
    if (groupOf !== undefined) join(`group\u0000${groupOf(item)}`, pos);
  });
  const byRoot = new Map<number, number[]>();
  sorted.forEach((index, pos) => {
    const root = find(pos);
    const list = byRoot.get(root);
    if (list === undefined) byRoot.set(root, [index]);
    else list.push(index);
  });
  return [...byRoot.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, members]) => {
      const classCounts = new Array<number>(classCount).fill(0);
      for (const m of members) classCounts[items[m]!.label]! += 1;
      return { members, classCounts };
    });
}

/** Item count per class over `indices`. */
export function countByClass(items: readonly Item[], indices: readonly number[], classCount: number): number[] {
  const counts = new Array<number>(classCount).fill(0);
  for (const i of indices) {
    const item = items[i];
    if (item === undefined) throw new RangeError(`item index ${i} is out of range (0..${items.length - 1})`);
    counts[item.label]! += 1;
  }
  return counts;
}
