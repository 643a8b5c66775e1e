import { describe, expect, it } from 'vitest';
import { changedKeys, flatten } from '../../../src/results/flatten.js';

describe('flatten', () => {
  it('joins object keys with dots and array elements with [i], strings bare and the rest as JSON', () => {
    expect([...flatten({ b: { c: [1, 'x', { d: null }] }, a: true, e: [], f: {} })]).toEqual([
      ['a', 'true'], ['b.c[0]', '1'], ['b.c[1]', 'x'], ['b.c[2].d', 'null'], ['e', '[]'], ['f', '{}'],
    ]);
  });

  it('has no leaves for an empty or absent top level, and one for a scalar', () => {
    expect(flatten({}).size).toBe(0);
    expect(flatten(undefined).size).toBe(0);
    expect([...flatten(3)]).toEqual([['(value)', '3']]);
  });
});

describe('changedKeys', () => {
  it('lists changed, added and removed keys with numeric indices in numeric order', () => {
    const a = { features: Array.from({ length: 11 }, (_, i) => ({ kind: 'identity', i })), seed: 1 };
    const b = { features: a.features.map((f, i) => (i === 2 || i === 10 ? { ...f, kind: 'edges' } : f)), seed: 1, name: 'n' };
    expect(changedKeys(a, b)).toEqual([
      { key: 'features[2].kind', before: 'identity', after: 'edges' },
      { key: 'features[10].kind', before: 'identity', after: 'edges' },
      { key: 'name', before: null, after: 'n' },
    ]);
  });

  it('shows the string "1" and the number 1 alike, and a scalar turning into a list as two keys', () => {
    expect(changedKeys({ a: '1' }, { a: 1 })).toEqual([]);
    expect(changedKeys({ a: 'x' }, { a: ['x'] })).toEqual([{ key: 'a', before: 'x', after: null }, { key: 'a[0]', before: null, after: 'x' }]);
  });
});
