import { describe, expect, it } from 'vitest';
import type { Item } from '../../../../src/core/data.js';
import { DataError } from '../../../../src/core/errors.js';
import { compileGroupPattern, groupKeyFn, refBasename } from '../../../../src/data/partition/groups.js';

const item = (ref: string, id = `id-${ref}`): Item => ({ id, ref, label: 0 });

describe('groupKeyFn', () => {
  it('without group-by keys each item by its id, so only exact duplicates share a key', () => {
    const key = groupKeyFn(undefined);
    expect(key(item('a/1.jpg', 'x'))).toBe('x');
    expect(key(item('b/2.jpg', 'x'))).toBe('x');
    expect(key(item('b/3.jpg', 'y'))).toBe('y');
  });

  it('uses the first capture group of the pattern on the file name', () => {
    const key = groupKeyFn({ kind: 'pattern', pattern: '^(slab\\d+)_' });
    expect(key(item('Positive/slab12_003.jpg'))).toBe(key(item('Negative/slab12_999.jpg')));
    expect(key(item('Positive/slab12_003.jpg'))).not.toBe(key(item('Positive/slab13_003.jpg')));
    expect(key(item('Positive/slab12_003.jpg'))).toBe('match:slab12');
  });

  it('uses the whole match when the pattern has no capture group, and never sees the folder', () => {
    const key = groupKeyFn({ kind: 'pattern', pattern: '^\\d{3}' });
    expect(key(item('Positive/12345.jpg'))).toBe('match:123');
    // the folder name "999dir" is not part of the file name
    expect(key(item('999dir/12345.jpg'))).toBe('match:123');
  });

  it('makes an item whose name does not match a group of its own', () => {
    const key = groupKeyFn({ kind: 'pattern', pattern: '^(slab\\d+)_' });
    const a = key(item('Positive/other.jpg'));
    const b = key(item('Negative/other.jpg'));
    expect(a).toBe('ref:Positive/other.jpg');
    expect(a).not.toBe(b);
  });

  it('keys by a column value, an item with no value alone, and rejects a column without tabular data', () => {
    const cols: Record<string, string | undefined> = { 'row:1': 'p1', 'row:2': 'p1', 'row:3': undefined };
    const key = groupKeyFn({ kind: 'column', column: 'patient' }, (it) => cols[it.ref]);
    expect(key(item('row:1'))).toBe(key(item('row:2')));
    expect(key(item('row:3'))).toBe('ref:row:3');
    expect(() => groupKeyFn({ kind: 'column', column: 'patient' })).toThrow(DataError);
  });

  it('throws a DataError naming an invalid regex', () => {
    let err: unknown;
    try { groupKeyFn({ kind: 'pattern', pattern: '(unclosed' }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).code).toBe('data.group-pattern');
    expect((err as DataError).message).toContain('"(unclosed"');
    expect(() => compileGroupPattern('a[')).toThrow(/not a valid regular expression/);
  });
});

describe('refBasename', () => {
  it('takes the part after the last slash or backslash', () => {
    expect(refBasename('Positive/00004.jpg')).toBe('00004.jpg');
    expect(refBasename('a\\b\\c.png')).toBe('c.png');
    expect(refBasename('synthetic:17')).toBe('synthetic:17');
  });
});
