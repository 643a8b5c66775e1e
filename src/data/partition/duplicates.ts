/**
 * Exact duplicates: items whose bytes (and so ids) are identical.
 */
import type { Item } from '../../core/data.js';

export interface DuplicateSet {
  readonly id: string;
  /** Refs of every item with this id, ascending. */
  readonly refs: string[];
  /** Names of the partitions holding at least one of them, ascending. */
  readonly partitions: string[];
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Every id carried by two or more of `items`, with the partitions (name -> item indices) its
 * items fall in. Sets are ordered by their first ref. Code-unit string order is used throughout,
 * never the locale's, so the result is the same on every platform.
 */
export function findDuplicates(items: readonly Item[], partitions: Readonly<Record<string, readonly number[]>>): DuplicateSet[] {
  const byId = new Map<string, number[]>();
  items.forEach((item, i) => {
    const list = byId.get(item.id);
    if (list === undefined) byId.set(item.id, [i]);
    else list.push(i);
  });
  const partOf = new Map<number, string[]>();
  for (const [name, indices] of Object.entries(partitions)) {
    for (const i of indices) {
      const list = partOf.get(i);
      if (list === undefined) partOf.set(i, [name]);
      else if (!list.includes(name)) list.push(name);
    }
  }
  const sets: DuplicateSet[] = [];
  for (const [id, indices] of byId) {
    if (indices.length < 2) continue;
    const names = new Set(indices.flatMap((i) => partOf.get(i) ?? []));
    sets.push({ id, refs: indices.map((i) => items[i]!.ref).sort(byString), partitions: [...names].sort(byString) });
  }
  return sets.sort((a, b) => byString(a.refs[0]!, b.refs[0]!) || byString(a.id, b.id));
}

/**
 * `indices` without repeated ids: of the items sharing an id, the one with the smallest ref
 * (code-unit order; equal refs: the smaller index) is kept. Returns indices ascending.
 */
export function dropDuplicates(items: readonly Item[], indices: readonly number[]): number[] {
  const keep = new Map<string, number>();
  for (const i of indices) {
    const item = items[i];
    if (item === undefined) throw new RangeError(`item index ${i} is out of range (0..${items.length - 1})`);
    const cur = keep.get(item.id);
    if (cur === undefined) keep.set(item.id, i);
    else {
      const order = byString(item.ref, items[cur]!.ref);
      if (order < 0 || (order === 0 && i < cur)) keep.set(item.id, i);
    }
  }
  return [...keep.values()].sort((a, b) => a - b);
}
