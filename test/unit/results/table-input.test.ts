import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { listInventory } from '../../../src/data/sources/index.js';
import { codeRows, encodeRows, sourceColumns } from '../../../src/results/table-input.js';

const MODEL = ['x1', 'color=blue', 'color=red', 'x2'];

describe('table rows for predict', () => {
  it('recovers numeric and one-hot source columns from the run\'s data and model columns', () => {
    expect(sourceColumns(['x1', 'color', 'x2'], MODEL)).toEqual([
      { name: 'x1', categories: null }, { name: 'color', categories: ['blue', 'red'] }, { name: 'x2', categories: null },
    ]);
    expect(() => sourceColumns(['x1', 'x2'], MODEL)).toThrow(/do not follow from its data columns/);
  });

  it('encodes rows by column name, in the model\'s order, whatever the file\'s order', () => {
    const cols = sourceColumns(['x1', 'color', 'x2'], MODEL);
    const e = encodeRows('x2,color,x1,extra\n5,red,1.5,z\n6,"blue",-2,z\n', 't.csv', cols);
    expect(Array.from(e.x)).toEqual([1.5, 0, 1, 5, -2, 1, 0, 6]);
    expect(e.rows).toEqual([{ ref: 't.csv:2', error: null }, { ref: 't.csv:3', error: null }]);
    expect(e.unseen).toEqual([]);
  });

  it('codes unseen categories all-zero and counts them; fails only the rows with bad numbers, located', () => {
    const cols = sourceColumns(['x1', 'color', 'x2'], MODEL);
    const e = encodeRows('x1,color,x2\n1,green,2\n,red,3\nn/a,teal,4\n2,green,1\n', 't.csv', cols);
    expect(Array.from(e.x)).toEqual([1, 0, 0, 2, 2, 0, 0, 1]);
    expect(e.rows).toEqual([
      { ref: 't.csv:2', error: null },
      { ref: 't.csv:3', error: 'line 3, column x1 (1): empty, a missing value, and no impute step covers x1' },
      { ref: 't.csv:4', error: 'line 4, column x1 (1): "n/a" is not a number (the column is numeric)' },
      { ref: 't.csv:5', error: null },
    ]);
    // Row 4 failed on x1 but its category still counts as unseen: the warning is about the file.
    expect(e.unseen).toEqual([{ column: 'color', values: ['green', 'teal'], rows: 3 }]);
  });

  it('refuses a file that lacks a column, naming it and the header (exit 2)', () => {
    const cols = sourceColumns(['x1', 'color', 'x2'], MODEL);
    expect(() => encodeRows('x1,x2\n1,2\n', 't.csv', cols)).toThrow(UsageError);
    expect(() => encodeRows('x1,x2\n1,2\n', 't.csv', cols)).toThrow("t.csv lacks column(s) color that the run's model takes (the file has x1, x2)");
  });

  it('words a non-number in a numeric column as training does, at the same line and column', async () => {
    const text = 'kind,x1,x2\ncrack,1,2\nclean,2,3\ncrack, oops ,4\nclean,3,5\n';
    const cwd = await mkdtemp(path.join(tmpdir(), 'assay-table-input-'));
    try {
      await writeFile(path.join(cwd, 't.csv'), text);
      const spec = { source: 'csv', path: 't.csv', label: 'kind', columns: ['x1', 'x2'], positive: 'crack', onError: 'fail', duplicates: 'report' } as const;
      const trained = await listInventory(spec, { cwd }).then(() => null, (e: { details: string[] }) => e.details);
      const expected = 'line 4, column x1 (2): "oops" is not a number (the column is numeric)';
      expect(trained).toEqual([expected]);
      expect(encodeRows(text, 't.csv', sourceColumns(['x1', 'x2'], ['x1', 'x2'])).rows[2]).toEqual({ ref: 't.csv:4', error: expected });
      const columns = ['x1', 'x2'].map((name) => ({ name, categorical: false, mayMiss: false }));
      expect(codeRows(text, 't.csv', columns, new Map()).rows[2]).toEqual({ ref: 't.csv:4', error: expected });
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });

  it('words a missing value no impute step covers as training does, at the same line and column', async () => {
    const text = 'kind,x1,x2\ncrack,1,2\nclean,2,NA\ncrack,,4\nclean,3,5\n';
    const cwd = await mkdtemp(path.join(tmpdir(), 'assay-table-input-'));
    try {
      await writeFile(path.join(cwd, 't.csv'), text);
      const spec = { source: 'csv', path: 't.csv', label: 'kind', columns: ['x1', 'x2'], positive: 'crack', onError: 'fail', duplicates: 'report' } as const;
      const trained = await listInventory(spec, { cwd }).then(() => null, (e: { details: string[] }) => e.details);
      const na = 'line 3, column x2 (3): "NA", a missing value, and no impute step covers x2';
      const empty = 'line 4, column x1 (2): empty, a missing value, and no impute step covers x1';
      expect(trained).toEqual([empty, na]);
      const columns = ['x1', 'x2'].map((name) => ({ name, categorical: false, mayMiss: false }));
      const coded = codeRows(text, 't.csv', columns, new Map()).rows;
      expect([coded[1], coded[2]]).toEqual([{ ref: 't.csv:3', error: na }, { ref: 't.csv:4', error: empty }]);
      const encoded = encodeRows(text, 't.csv', sourceColumns(['x1', 'x2'], ['x1', 'x2'])).rows;
      expect([encoded[1], encoded[2]]).toEqual([{ ref: 't.csv:3', error: na }, { ref: 't.csv:4', error: empty }]);
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });
});
