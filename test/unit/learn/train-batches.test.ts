import { describe, expect, it } from 'vitest';
import { checkExamples, epochIndices, gatherRows, rowSize } from '../../../src/learn/train-batches.js';
import { Rng } from '../../../src/core/rng.js';

/** 100 rows: class 1 at rows 0, 10, 20, ..., 90 (10 minority), class 0 elsewhere (90 majority). */
const Y = Uint8Array.from({ length: 100 }, (_, i) => (i % 10 === 0 ? 1 : 0));
const MINORITY = Array.from({ length: 10 }, (_, i) => i * 10);

describe('epochIndices', () => {
  it('without balancing, visits every row once in a seeded order', () => {
    const idx = epochIndices(Y, 2, null, new Rng('e1'));
    expect([...idx].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(epochIndices(Y, 2, null, new Rng('e1'))).toEqual(idx);
    expect(epochIndices(Y, 2, null, new Rng('e2'))).not.toEqual(idx);
  });

  it('balanced: every minority row each epoch plus round(m / ratio) distinct majority rows, fresh per epoch', () => {
    const root = new Rng('trial');
    const draws: number[][] = [];
    for (let e = 1; e <= 3; e++) {
      const idx = [...epochIndices(Y, 2, { ratio: 0.25 }, root.child(`epoch-${e}`))];
      expect(idx).toHaveLength(10 + 40);
      expect(idx.filter((i) => Y[i] === 1).sort((a, b) => a - b)).toEqual(MINORITY);
      const majority = idx.filter((i) => Y[i] === 0);
      expect(new Set(majority).size).toBe(40);
      draws.push(majority.sort((a, b) => a - b));
    }
    expect(draws[0]).not.toEqual(draws[1]);
    expect(draws[1]).not.toEqual(draws[2]);
  });

  it('balanced with a ratio the majority cannot fill uses all of it', () => {
    const y = Uint8Array.from([0, 0, 1, 1, 1]);
    expect([...epochIndices(y, 2, { ratio: 0.5 }, new Rng(1))].sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('balanced treats the smaller class as the minority whichever index it has', () => {
    const y = Uint8Array.from({ length: 30 }, (_, i) => (i < 3 ? 0 : 1));
    const idx = [...epochIndices(y, 2, { ratio: 1 }, new Rng(2))];
    expect(idx.filter((i) => i < 3).sort()).toEqual([0, 1, 2]);
    expect(idx).toHaveLength(6);
  });

  it('rejects a ratio outside (0, 1]', () => {
    expect(() => epochIndices(Y, 2, { ratio: 0 }, new Rng(1))).toThrow(/ratio/);
    expect(() => epochIndices(Y, 2, { ratio: 1.5 }, new Rng(1))).toThrow(/ratio/);
  });
});

describe('gatherRows', () => {
  it('copies the chosen rows in index order', () => {
    const x = Float32Array.from([0, 1, 10, 11, 20, 21, 30, 31]);
    const out = gatherRows(x, 2, Int32Array.from([3, 0, 2]), 0, 3);
    expect(Array.from(out)).toEqual([30, 31, 0, 1, 20, 21]);
    expect(Array.from(gatherRows(x, 2, Int32Array.from([3, 0, 2]), 1, 3))).toEqual([0, 1, 20, 21]);
  });
  it('rowSize multiplies the dimensions after the batch axis', () => {
    expect(rowSize([7, 4, 5, 3])).toBe(60);
    expect(rowSize([7, 9])).toBe(9);
  });
});

describe('checkExamples', () => {
  const ok = { x: new Float32Array(6), shape: [3, 2], y: Uint8Array.from([0, 1, 0]) };
  it('accepts consistent data', () => expect(() => checkExamples('train', ok, 2)).not.toThrow());
  it('names NaN and Infinity with their row', () => {
    const x = new Float32Array(6); x[3] = NaN;
    expect(() => checkExamples('train', { ...ok, x }, 2)).toThrow('train: non-finite value NaN at row 1');
    x[3] = 0; x[5] = Infinity;
    expect(() => checkExamples('train', { ...ok, x }, 2)).toThrow('train: non-finite value Infinity at row 2');
  });
  it('rejects shape, label-count and label-range mismatches', () => {
    expect(() => checkExamples('v', { ...ok, shape: [3, 3] }, 2)).toThrow('v: shape [3, 3] needs 9 values, x holds 6');
    expect(() => checkExamples('v', { ...ok, y: Uint8Array.from([0, 1]) }, 2)).toThrow('v: 3 rows but 2 labels');
    expect(() => checkExamples('v', { ...ok, y: Uint8Array.from([0, 2, 0]) }, 2)).toThrow('v: label 2 at row 1 is not below the class count 2');
    expect(() => checkExamples('v', { x: new Float32Array(0), shape: [0, 2], y: new Uint8Array(0) }, 2)).toThrow('v: no examples');
    expect(() => checkExamples('v', { ...ok, shape: [6] }, 2)).toThrow(/shape must be/);
  });
});
