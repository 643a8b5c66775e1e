import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/core/rng.js';
import type { SpaceParam, TrainingSpec } from '../../../../src/core/spec.js';
import {
  buildSpace, decodeValue, encodeValue, gridPoint, gridSize, gridValues, resolveProposal, sampleUniform,
} from '../../../../src/learn/search/space.js';

const training: TrainingSpec = { epochs: 5, batchSize: 32, optimizer: 'adam', learningRate: 0.001, schedule: 'constant', earlyStopping: null };

describe('buildSpace', () => {
  it('sorts dimensions by name and records the families each applies to', () => {
    const s = buildSpace(['cnn', 'mlp'], {
      units: { kind: 'log', low: 16, high: 256 },
      filters: { kind: 'int', low: 8, high: 32 },
      'learning-rate': { kind: 'log', low: 1e-4, high: 1e-2 },
    });
    expect(s.dims.map((d) => [d.name, d.families, d.integer])).toEqual([
      ['filters', ['cnn'], true],
      ['learning-rate', ['cnn', 'mlp'], false],
      ['units', ['mlp'], true],
    ]);
  });
  it('rejects parameters no family has, empty and inverted ranges, and repeated families', () => {
    expect(() => buildSpace(['mlp'], { filters: { kind: 'int', low: 1, high: 2 } })).toThrow('parameter "filters" applies to none of the families mlp');
    expect(() => buildSpace(['mlp'], { units: { kind: 'int', low: 5, high: 4 } })).toThrow('"units": int range needs whole numbers low <= high');
    expect(() => buildSpace(['mlp'], { 'learning-rate': { kind: 'log', low: 0, high: 1 } })).toThrow('log range needs 0 < low');
    expect(() => buildSpace(['mlp'], { optimizer: { kind: 'choice', values: [] } })).toThrow('choice needs at least one value');
    expect(() => buildSpace([], {})).toThrow('at least one model family');
    expect(() => buildSpace(['mlp', 'mlp'], {})).toThrow('families repeat');
  });
});

describe('unit-cube encoding', () => {
  const cases: [SpaceParam, (number | string | boolean)[]][] = [
    [{ kind: 'int', low: 1, high: 4 }, [1, 2, 3, 4]],
    [{ kind: 'float', low: 0, high: 0.5 }, [0, 0.125, 0.5]],
    [{ kind: 'log', low: 1e-4, high: 1e-1 }, [1e-4, 1e-3, 1e-1]],
    [{ kind: 'choice', values: ['adam', 'sgd', true, 3] }, ['adam', 'sgd', true, 3]],
    [{ kind: 'fixed', value: 'adam' }, ['adam']],
  ];
  it.each(cases)('decode(encode(v)) === v for %j', (p, values) => {
    for (const v of values) {
      const u = encodeValue(p, v)!;
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThanOrEqual(1);
      const back = decodeValue(p, u);
      if (typeof v === 'number' && p.kind === 'log') expect(back as number).toBeCloseTo(v, 12);
      else expect(back).toBe(v);
    }
  });
  it('maps the unit interval onto ranges (log uniformly in log) and clamps', () => {
    expect(decodeValue({ kind: 'log', low: 1e-4, high: 1e-2 }, 0.5)).toBeCloseTo(1e-3, 12);
    expect(decodeValue({ kind: 'int', low: 1, high: 4 }, 0.999999)).toBe(4);
    expect(decodeValue({ kind: 'int', low: 1, high: 4 }, 0.25)).toBe(2);
    expect(decodeValue({ kind: 'int', low: 1, high: 4 }, 7)).toBe(4);
    expect(decodeValue({ kind: 'float', low: 2, high: 4 }, -1)).toBe(2);
  });
  it('returns null for values outside the range', () => {
    expect(encodeValue({ kind: 'int', low: 1, high: 4 }, 5)).toBeNull();
    expect(encodeValue({ kind: 'int', low: 1, high: 4 }, 2.5)).toBeNull();
    expect(encodeValue({ kind: 'choice', values: ['a'] }, 'b')).toBeNull();
    expect(encodeValue({ kind: 'log', low: 1, high: 2 }, undefined)).toBeNull();
  });
});

describe('sampleUniform', () => {
  const s = buildSpace(['cnn', 'mlp'], {
    filters: { kind: 'int', low: 8, high: 32 },
    units: { kind: 'log', low: 16, high: 256 },
    'learning-rate': { kind: 'log', low: 1e-4, high: 1e-2 },
    optimizer: { kind: 'fixed', value: 'sgd' },
  });
  it('gives each family only its own parameters (an mlp never carries filters)', () => {
    const rng = new Rng(7);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const p = sampleUniform(s, rng);
      seen.add(p.family);
      if (p.family === 'mlp') expect(Object.keys(p.params).sort()).toEqual(['learning-rate', 'optimizer', 'units']);
      else expect(Object.keys(p.params).sort()).toEqual(['filters', 'learning-rate', 'optimizer']);
      expect(p.params.optimizer).toBe('sgd');
      if (p.family === 'mlp') expect(Number.isInteger(p.params.units)).toBe(true); // units is whole-numbered
    }
    expect([...seen].sort()).toEqual(['cnn', 'mlp']);
  });
  it('is reproducible from the seed', () => {
    const a = Array.from({ length: 5 }, ((r) => () => sampleUniform(s, r))(new Rng(3)));
    const b = Array.from({ length: 5 }, ((r) => () => sampleUniform(s, r))(new Rng(3)));
    expect(a).toEqual(b);
  });
  it('resolveProposal fills the family defaults and training settings', () => {
    expect(resolveProposal({ family: 'logistic', params: { 'learning-rate': 0.01 } }, training)).toEqual({
      'learning-rate': 0.01, 'batch-size': 32, optimizer: 'adam', 'weight-decay': 0,
    });
  });
});

describe('grid', () => {
  it('uses 5 points for float ranges and 5 log-spaced points for log ranges, ends included', () => {
    expect(gridValues({ kind: 'float', low: 0, high: 1 })).toEqual([0, 0.25, 0.5, 0.75, 1]);
    const lr = gridValues({ kind: 'log', low: 1e-5, high: 1e-1 }) as number[];
    expect(lr[0]).toBe(1e-5);
    expect(lr[4]).toBe(1e-1);
    expect(lr.map((v) => Math.log10(v))).toEqual([-5, -4, -3, -2, -1].map((e) => expect.closeTo(e, 12)));
    expect(gridValues({ kind: 'int', low: 2, high: 4 })).toEqual([2, 3, 4]);
  });
  it('enumerates every combination exactly once, family by family, last dimension fastest', () => {
    const s = buildSpace(['mlp', 'logistic'], {
      layers: { kind: 'int', low: 1, high: 2 },
      optimizer: { kind: 'choice', values: ['adam', 'sgd'] },
      'weight-decay': { kind: 'fixed', value: 0.1 },
    });
    expect(gridSize(s)).toBe(4 + 2);
    const all = Array.from({ length: gridSize(s) }, (_, k) => gridPoint(s, k));
    expect(all).toEqual([
      { family: 'mlp', params: { layers: 1, optimizer: 'adam', 'weight-decay': 0.1 } },
      { family: 'mlp', params: { layers: 1, optimizer: 'sgd', 'weight-decay': 0.1 } },
      { family: 'mlp', params: { layers: 2, optimizer: 'adam', 'weight-decay': 0.1 } },
      { family: 'mlp', params: { layers: 2, optimizer: 'sgd', 'weight-decay': 0.1 } },
      { family: 'logistic', params: { optimizer: 'adam', 'weight-decay': 0.1 } },
      { family: 'logistic', params: { optimizer: 'sgd', 'weight-decay': 0.1 } },
    ]);
    expect(gridPoint(s, 6)).toBeNull();
    expect(gridPoint(s, -1)).toBeNull();
  });
  it('rounds and de-duplicates log points of a whole-numbered parameter', () => {
    const s = buildSpace(['mlp'], { units: { kind: 'log', low: 2, high: 4 } });
    // 2, 2.38, 2.83, 3.36, 4 -> 2, 2, 3, 3, 4
    expect(Array.from({ length: gridSize(s) }, (_, k) => gridPoint(s, k)!.params.units)).toEqual([2, 3, 4]);
  });
  it('stays lazy for a huge grid', () => {
    const s = buildSpace(['mlp'], { units: { kind: 'int', low: 2, high: 4096 }, layers: { kind: 'int', low: 1, high: 8 }, dropout: { kind: 'float', low: 0, high: 0.5 } });
    expect(gridSize(s)).toBe(4095 * 8 * 5);
    expect(gridPoint(s, gridSize(s) - 1)).toEqual({ family: 'mlp', params: { dropout: 0.5, layers: 8, units: 4096 } });
  });
});
