import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/core/rng.js';
import type { FamilyName, ModelSpec, Params } from '../../../../src/core/spec.js';
import { buildSpace, gridSize, type SearchSpace } from '../../../../src/learn/search/space.js';
import { createStrategy, type Observation, type StrategyName } from '../../../../src/learn/search/strategy.js';
import { rankObservations } from '../../../../src/learn/search/tpe.js';

const num = (p: Params, k: string): number => p[k] as number;

// Maximize; optimum 0 at lr=10^-3.3, layers=3, rmsprop, dropout=0.3.
const space1: ModelSpec['space'] = {
  'learning-rate': { kind: 'log', low: 1e-5, high: 1e-1 },
  layers: { kind: 'int', low: 1, high: 8 },
  optimizer: { kind: 'choice', values: ['adam', 'sgd', 'rmsprop'] },
  dropout: { kind: 'float', low: 0, high: 0.9 },
};
function f1(_family: FamilyName, p: Params): number {
  const opt = { rmsprop: 0, adam: 0.3, sgd: 0.6 }[p.optimizer as 'adam'];
  return -((Math.log10(num(p, 'learning-rate')) + 3.3) ** 2 / 4 + ((num(p, 'layers') - 3) / 4) ** 2 + opt + ((num(p, 'dropout') - 0.3) / 0.9) ** 2);
}

// Minimize, conditional: cnn has filters/blocks, mlp has units; learning-rate and weight-decay are shared.
// Optimum 0.1 (cnn, filters 40, blocks 4, lr 1e-2, weight-decay 0.02); the best mlp is 0.4.
const space2: ModelSpec['space'] = {
  filters: { kind: 'int', low: 4, high: 64 },
  blocks: { kind: 'int', low: 1, high: 6 },
  units: { kind: 'log', low: 16, high: 1024 },
  'learning-rate': { kind: 'log', low: 1e-4, high: 1e-1 },
  'weight-decay': { kind: 'float', low: 0, high: 0.1 },
};
function f2(family: FamilyName, p: Params): number {
  const lr = Math.log10(num(p, 'learning-rate'));
  const wd = num(p, 'weight-decay');
  if (family === 'cnn') return 0.1 + ((num(p, 'filters') - 40) / 60) ** 2 + ((num(p, 'blocks') - 4) / 5) ** 2 + (lr + 2) ** 2 / 3 + Math.abs(wd - 0.02) * 5;
  return 0.4 + ((Math.log2(num(p, 'units')) - 8) / 6) ** 2 + (lr + 2.5) ** 2 / 3 + wd * 3;
}

/** Run a sequential search of `n` trials and return the best score. */
function search(name: StrategyName, space: SearchSpace, f: (fam: FamilyName, p: Params) => number, minimize: boolean, n: number, seed: number): number {
  const strategy = createStrategy(name, space, { minimize, startup: 8 });
  const rng = new Rng(seed);
  const history: Observation[] = [];
  for (let i = 0; i < n; i++) {
    const [p] = strategy.propose(history, 1, rng.child(i));
    history.push({ index: i, family: p!.family, params: p!.params, score: f(p!.family, p!.params), pruned: false, failed: false });
  }
  const scores = history.map((o) => o.score);
  return minimize ? Math.min(...scores) : Math.max(...scores);
}

const SEEDS = Array.from({ length: 10 }, (_, i) => 1000 + i);
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('TPE against random search at equal budget (30 trials, 10 seeds)', () => {
  it('finds better configurations of a mixed int/log/choice/float function', () => {
    const s = buildSpace(['mlp'], space1);
    const regret = (name: StrategyName): number => mean(SEEDS.map((seed) => 0 - search(name, s, f1, false, 30, seed)));
    const tpe = regret('bayesian');
    const rnd = regret('random');
    console.log(`f1 mean regret: tpe ${tpe.toFixed(4)} random ${rnd.toFixed(4)}`);
    expect(tpe).toBeLessThan(rnd * 0.7);
  });
  it('finds better configurations of a conditional two-family function (minimize)', () => {
    const s = buildSpace(['cnn', 'mlp'], space2);
    const regret = (name: StrategyName): number => mean(SEEDS.map((seed) => search(name, s, f2, true, 30, seed) - 0.1));
    const tpe = regret('bayesian');
    const rnd = regret('random');
    console.log(`f2 mean regret: tpe ${tpe.toFixed(4)} random ${rnd.toFixed(4)}`);
    expect(tpe).toBeLessThan(rnd * 0.7);
  });
});

describe('strategies', () => {
  const s2 = buildSpace(['cnn', 'mlp'], space2);
  const history = (n: number, seed: number): Observation[] => {
    const strategy = createStrategy('random', s2, { minimize: true, startup: 0 });
    return strategy.propose([], n, new Rng(seed)).map((p, i) => ({ index: i, family: p.family, params: p.params, score: f2(p.family, p.params), pruned: false, failed: false }));
  };

  it('grid proposes points in order after the history, then returns fewer (exhausted)', () => {
    const s = buildSpace(['mlp'], { layers: { kind: 'int', low: 1, high: 3 }, optimizer: { kind: 'choice', values: ['adam', 'sgd'] } });
    const grid = createStrategy('grid', s, { minimize: false, startup: 0 });
    expect(gridSize(s)).toBe(6);
    const first = grid.propose([], 4, new Rng(1));
    expect(first.map((p) => [p.params.layers, p.params.optimizer])).toEqual([[1, 'adam'], [1, 'sgd'], [2, 'adam'], [2, 'sgd']]);
    const seen = first.map((p, i) => ({ index: i, ...p, score: 0, pruned: false, failed: false }));
    expect(grid.propose(seen, 4, new Rng(2)).map((p) => [p.params.layers, p.params.optimizer])).toEqual([[3, 'adam'], [3, 'sgd']]);
    expect(grid.propose([...seen, ...seen.slice(0, 2)], 4, new Rng(3))).toEqual([]);
  });

  it.each(['random', 'bayesian'] as const)('%s: same history and seed give the same proposals, and a larger count extends a smaller one', (name) => {
    const st = createStrategy(name, s2, { minimize: true, startup: 5 });
    const h = history(12, 5);
    const a = st.propose(h, 3, new Rng(9));
    expect(st.propose(h, 3, new Rng(9))).toEqual(a);
    expect(st.propose(h, 5, new Rng(9)).slice(0, 3)).toEqual(a);
    expect(st.propose(h, 3, new Rng(10))).not.toEqual(a);
  });

  it('bayesian: a batch of proposals from one history is spread out, not one point repeated', () => {
    const st = createStrategy('bayesian', s2, { minimize: true, startup: 0 });
    const batch = st.propose(history(20, 6), 4, new Rng(4));
    expect(new Set(batch.map((p) => JSON.stringify(p))).size).toBe(4);
  });

  it('bayesian: proposals carry only the parameters of their family (an mlp never carries filters)', () => {
    const st = createStrategy('bayesian', s2, { minimize: true, startup: 4 });
    const h = history(10, 8);
    const props = st.propose(h, 40, new Rng(11));
    expect(new Set(props.map((p) => p.family))).toEqual(new Set(['cnn', 'mlp']));
    for (const p of props) {
      const keys = Object.keys(p.params).sort();
      expect(keys).toEqual(p.family === 'mlp' ? ['learning-rate', 'units', 'weight-decay'] : ['blocks', 'filters', 'learning-rate', 'weight-decay']);
    }
  });

  it('bayesian: learns the better family from the history', () => {
    const st = createStrategy('bayesian', s2, { minimize: true, startup: 0 });
    const h = history(30, 12);
    const props = Array.from({ length: 20 }, (_, i) => st.propose(h, 1, new Rng(13).child(i))[0]!);
    const cnn = props.filter((p) => p.family === 'cnn').length;
    expect(cnn).toBeGreaterThanOrEqual(15);
  });

  it('ranks failed and non-finite trials last, ties by index, in either direction', () => {
    const o = (index: number, score: number, failed = false): Observation => ({ index, family: 'mlp', params: {}, score, pruned: false, failed });
    const h = [o(0, 0.5), o(1, 0.9, true), o(2, Number.NaN), o(3, 0.7), o(4, 0.5)];
    expect(rankObservations(h, false).map((x) => x.index)).toEqual([3, 0, 4, 1, 2]);
    expect(rankObservations(h, true).map((x) => x.index)).toEqual([0, 4, 3, 1, 2]);
  });

  it('bayesian: works with a history of failures only and ignores trials from another space', () => {
    const st = createStrategy('bayesian', s2, { minimize: true, startup: 0 });
    const h: Observation[] = [
      { index: 0, family: 'mlp', params: { units: 99999, 'learning-rate': 5 }, score: 0.2, pruned: false, failed: false },
      { index: 1, family: 'logistic', params: {}, score: Number.NaN, pruned: false, failed: true },
    ];
    const [p] = st.propose(h, 1, new Rng(1));
    expect(['cnn', 'mlp']).toContain(p!.family);
    for (const v of Object.values(p!.params)) expect(Number.isFinite(v as number)).toBe(true);
  });
});
