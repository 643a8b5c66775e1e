import { describe, expect, it } from 'vitest';
import type { Item } from '../../../../src/core/data.js';
import { dropDuplicates, findDuplicates } from '../../../../src/data/partition/duplicates.js';

const items: Item[] = [
  { id: 'a', ref: 'Negative/0002.jpg', label: 0 },
  { id: 'b', ref: 'Negative/0001.jpg', label: 0 },
  { id: 'a', ref: 'Positive/0001.jpg', label: 1 },
  { id: 'c', ref: 'Positive/0002.jpg', label: 1 },
  { id: 'a', ref: 'Negative/0000.jpg', label: 0 },
  { id: 'c', ref: 'Positive/0003.jpg', label: 1 },
];

describe('findDuplicates', () => {
  it('lists every id held by 2+ items with sorted refs and the partitions they fall in', () => {
    expect(findDuplicates(items, { pool: [0, 1, 2, 3], holdout: [4, 5] })).toEqual([
      { id: 'a', refs: ['Negative/0000.jpg', 'Negative/0002.jpg', 'Positive/0001.jpg'], partitions: ['holdout', 'pool'] },
      { id: 'c', refs: ['Positive/0002.jpg', 'Positive/0003.jpg'], partitions: ['holdout', 'pool'] },
    ]);
  });

  it('reports duplicates outside every partition with no partition names, and none when ids are unique', () => {
    expect(findDuplicates(items, {}).map((d) => d.partitions)).toEqual([[], []]);
    expect(findDuplicates(items.slice(0, 2), { pool: [0, 1] })).toEqual([]);
  });
});

describe('dropDuplicates', () => {
  it('keeps, per id, the item with the smallest ref', () => {
    expect(dropDuplicates(items, [0, 1, 2, 3, 4, 5])).toEqual([1, 3, 4]);
    // among the given indices only
    expect(dropDuplicates(items, [5, 2, 0])).toEqual([0, 5]);
  });
});
