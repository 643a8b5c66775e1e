import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { originalCwd } from '../../../src/results/rerun.js';

describe('originalCwd', () => {
  const lock = (source: string, p: string | undefined, root: string) => ({ pipeline: { data: { source, path: p } }, data: { root } });

  it('strips the relative data path from the recorded absolute root', () => {
    expect(originalCwd(lock('image-folder', 'data/photos', '/home/u/proj/data/photos'))).toBe('/home/u/proj');
    expect(originalCwd(lock('image-folder', './photos/', '/home/u/proj/photos'))).toBe('/home/u/proj');
    // a CSV's root is the folder holding the file
    expect(originalCwd(lock('csv', 'tables/x.csv', '/srv/p/tables'))).toBe('/srv/p');
  });

  it('gives up when the path cannot be inverted or does not match the root', () => {
    expect(originalCwd(lock('image-folder', '../photos', '/home/u/photos'))).toBeNull();
    expect(originalCwd(lock('image-folder', '/abs/photos', '/abs/photos'))).toBeNull();
    expect(originalCwd(lock('image-folder', 'data/photos', '/home/u/proj/other'))).toBeNull();
    expect(originalCwd(lock('synthetic-cracks', undefined, '/home/u'))).toBeNull();
  });
});
