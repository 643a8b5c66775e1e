import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/core/rng.js';
import type { ModelSpec, TrainingSpec } from '../../../../src/core/spec.js';
import type { TrialResult } from '../../../../src/learn/protocol.js';
import { bestTrial, runSearch, type SearchOptions, type TrialPlan } from '../../../../src/learn/search/run-search.js';
import type { Observation, Strategy } from '../../../../src/learn/search/strategy.js';

const training: TrainingSpec = { epochs: 3, batchSize: 32, optimizer: 'adam', learningRate: 0.001, schedule: 'constant', earlyStopping: null };
const space: ModelSpec['space'] = {
  'learning-rate': { kind: 'log', low: 1e-4, high: 1e-1 },
  filters: { kind: 'int', low: 4, high: 64 },
  units: { kind: 'int', low: 8, high: 512 },
  dropout: { kind: 'float', low: 0, high: 0.8 },
};

/** A deterministic stand-in for training: the score depends on the plan only. */
function train(plan: TrialPlan): TrialResult {
  const lr = Math.log10(plan.params['learning-rate'] as number);
  const size = plan.family === 'cnn' ? (plan.params.filters as number) / 64 : (plan.params.units as number) / 512;
  const score = 1 - (lr + 2) ** 2 / 8 - (size - 0.5) ** 2 - (plan.params.dropout as number) / 4;
  const curves = [1, 2, 3].map((epoch) => ({ epoch, trainLoss: 1, valLoss: 1, trainObjective: score, valObjective: score * epoch / 3, seconds: 0 }));
  return { index: plan.index, family: plan.family, params: plan.params, score, metric: 'f1', threshold: 0.5, bestEpoch: 3, epochs: 3, curves, pruned: false, seconds: 1, valProbabilities: [] };
}

/** Finishes each trial after a random 0-14 ms delay, so trials in flight finish in a seed-dependent order. */
function delayedExecute(orderSeed: number, plans: TrialPlan[], finished: number[]): SearchOptions['execute'] {
  const rng = new Rng(orderSeed);
  return (plan) => {
    plans.push(plan);
    return new Promise((resolve) => setTimeout(() => { finished.push(plan.index); resolve(train(plan)); }, rng.int(15)));
  };
}

function options(over: Partial<SearchOptions>): SearchOptions {
  return {
    strategy: 'bayesian', families: ['cnn', 'mlp'], space, training, trials: 12, timeSeconds: null, parallel: 3, startup: 4,
    minimize: false, rng: new Rng(42).child('search'), execute: async (p) => train(p), ...over,
  };
}

const brief = (p: TrialPlan) => [p.family, p.family === 'cnn' ? p.params.filters : p.params.units, p.params['learning-rate'], p.seed];

describe('runSearch: parallel 1 is the serial search it always was', () => {
  // Recorded from the batch loop this one replaced (parallel 1, trials 8, startup 3, seed 42), so
  // serial searches, and the trials they cached, are unchanged.
  const recorded = {
    bayesian: [['cnn', 51, 0.0015397434841427807, 235154508], ['mlp', 443, 0.0024266863493769245, 1433991906], ['cnn', 29, 0.011637429600441507, 382880539], ['cnn', 4, 0.02118342018885446, 451068498], ['cnn', 37, 0.08857724806130883, 2088152708], ['cnn', 48, 0.0006576819851227846, 2931031586], ['cnn', 57, 0.0002304039354402307, 446838395], ['cnn', 7, 0.00463803970771593, 4053914532]],
    random: [['mlp', 285, 0.0003432694380781305, 235154508], ['mlp', 415, 0.020813245681383572, 1433991906], ['mlp', 175, 0.008385026143495563, 382880539], ['cnn', 33, 0.0026791563290217823, 451068498], ['mlp', 262, 0.00025320517916179635, 2088152708], ['cnn', 44, 0.0027722929304840336, 2931031586], ['cnn', 63, 0.02322197720942878, 446838395], ['cnn', 16, 0.05762118384306897, 4053914532]],
  };
  for (const [strategy, best] of [['bayesian', 2], ['random', 5]] as const) {
    it(`${strategy}: the same plans, seeds and best trial as the recorded sequence`, async () => {
      const plans: TrialPlan[] = [];
      const out = await runSearch(options({ strategy, parallel: 1, trials: 8, startup: 3, execute: async (p) => { plans.push(p); return train(p); } }));
      expect(plans.map(brief)).toEqual(recorded[strategy]);
      expect(out.best.index).toBe(best);
      expect(plans.map((p) => p.peers.length)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    });
  }
});

describe('runSearch: reproducible whatever order the workers finish in', () => {
  it('gives the same plans, seeds, peers, results and best for several completion orders', async () => {
    const runs: { plans: TrialPlan[]; best: TrialResult; trials: TrialResult[] }[] = [];
    const orders: string[] = [];
    for (const orderSeed of [1, 2, 3, 4]) {
      const plans: TrialPlan[] = [];
      const finished: number[] = [];
      const out = await runSearch(options({ execute: delayedExecute(orderSeed, plans, finished) }));
      runs.push({ plans, best: out.best, trials: out.trials });
      orders.push(finished.join(','));
    }
    // the test means something only if the completion orders really differ
    expect(new Set(orders).size).toBeGreaterThan(1);
    expect(orders.some((o) => o !== [...Array(12).keys()].join(','))).toBe(true);
    for (const r of runs.slice(1)) expect(r).toEqual(runs[0]);
    expect(runs[0]!.plans.map((p) => p.index)).toEqual([...Array(12).keys()]);
    expect(runs[0]!.trials.map((t) => t.index)).toEqual([...Array(12).keys()]);
    expect(new Set(runs[0]!.plans.map((p) => p.seed)).size).toBe(12);
    expect(new Set(runs[0]!.plans.map((p) => p.family))).toEqual(new Set(['cnn', 'mlp']));
  });

  it('repeats a parallel=2 search exactly, and a different seed gives a different search', async () => {
    const go = async (seed: number, orderSeed: number) => {
      const plans: TrialPlan[] = [];
      const out = await runSearch(options({ parallel: 2, rng: new Rng(seed).child('search'), execute: delayedExecute(orderSeed, plans, []) }));
      return { plans, best: out.best.index };
    };
    const a = await go(7, 1);
    expect(await go(7, 99)).toEqual(a);
    expect((await go(8, 1)).plans).not.toEqual(a.plans);
  });

  it('keeps every earlier plan when the trial budget is raised, so a per-trial cache reuses them', async () => {
    const small: TrialPlan[] = [];
    const big: TrialPlan[] = [];
    await runSearch(options({ trials: 10, execute: delayedExecute(1, small, []) }));
    await runSearch(options({ trials: 14, execute: delayedExecute(2, big, []) }));
    expect(big.slice(0, 10)).toEqual(small);
  });

  it('random search draws trial i from a stream of (rng, i): the same plans and seeds at any parallel', async () => {
    const at = async (parallel: number) => {
      const plans: TrialPlan[] = [];
      await runSearch(options({ strategy: 'random', parallel, trials: 9, execute: delayedExecute(parallel, plans, []) }));
      return plans.map(brief);
    };
    const serial = await at(1);
    expect(await at(3)).toEqual(serial);
    expect(await at(2)).toEqual(serial);
    expect(serial.slice(0, 2)).toEqual([['mlp', 285, 0.0003432694380781305, 235154508], ['mlp', 415, 0.020813245681383572, 1433991906]]);
  });

  it('hands trial i the validation curves of the non-failed trials 0..i-parallel, by index', async () => {
    const plans: TrialPlan[] = [];
    await runSearch(options({
      trials: 6, parallel: 2, strategy: 'random', families: ['mlp'], space: { units: space.units!, 'learning-rate': space['learning-rate']!, dropout: space.dropout! },
      execute: async (p) => { plans.push(p); return p.index === 1 ? { ...train(p), error: 'oom' } : train(p); },
    }));
    const curveOf = (i: number): number[] => train(plans[i]!).curves.map((c) => c.valObjective);
    expect(plans.map((p) => p.peers.length)).toEqual([0, 0, 1, 1, 2, 3]);
    expect(plans[4]!.peers).toEqual([curveOf(0), curveOf(2)]);
    expect(plans[5]!.peers).toEqual([curveOf(0), curveOf(2), curveOf(3)]);
  });

  it('shows the strategy trials 0..i-parallel as finished and the rest as pending (failed, score NaN)', async () => {
    const seen: Observation[][] = [];
    const recording: Strategy = {
      name: 'random',
      propose: (history, count) => {
        seen.push([...history]);
        return Array.from({ length: count }, (_, j) => ({ family: 'mlp' as const, params: { units: 8 * (history.length + j + 1), 'learning-rate': 0.01, dropout: 0.1 } }));
      },
    };
    await runSearch(options({
      strategy: recording, trials: 6, parallel: 3, families: ['mlp'], space: { units: space.units!, 'learning-rate': space['learning-rate']!, dropout: space.dropout! },
      execute: async (p) => (p.index === 0 ? { ...train(p), error: 'oom' } : train(p)),
    }));
    expect(seen.map((h) => h.map((o) => o.index))).toEqual([[], [0], [0, 1], [0, 1, 2], [0, 1, 2, 3], [0, 1, 2, 3, 4]]);
    const last = seen[5]!;
    expect(last.map((o) => o.failed)).toEqual([true, false, false, true, true]);
    expect(last.slice(1, 3).map((o) => Number.isFinite(o.score))).toEqual([true, true]);
    expect(last.slice(3).map((o) => [o.score, o.params.units])).toEqual([[Number.NaN, 32], [Number.NaN, 40]]);
  });

  it('grid: walks its points in order at parallel 4, then reports exhausted', async () => {
    const seen: TrialPlan[] = [];
    const out = await runSearch(options({
      strategy: 'grid', families: ['mlp'], trials: 100, parallel: 4,
      space: { layers: { kind: 'int', low: 1, high: 3 }, optimizer: { kind: 'choice', values: ['adam', 'sgd'] }, units: { kind: 'fixed', value: 64 }, 'learning-rate': { kind: 'fixed', value: 0.01 }, dropout: { kind: 'fixed', value: 0 } },
      execute: delayedExecute(5, seen, []),
    }));
    expect(out.stoppedBy).toBe('exhausted');
    expect(seen.map((p) => `${p.params.layers}/${p.params.optimizer}`)).toEqual(['1/adam', '1/sgd', '2/adam', '2/sgd', '3/adam', '3/sgd']);
    expect(out.used.trials).toBe(6);
    expect(seen[0]!.params).toEqual({ layers: 1, units: 64, dropout: 0, 'learning-rate': 0.01, 'batch-size': 32, optimizer: 'adam', 'weight-decay': 0 });
  });
});

describe('runSearch: the best trial', () => {
  const result = (index: number, score: number, extra: Partial<TrialResult> = {}): TrialResult => ({ ...train({ index, family: 'mlp', params: { 'learning-rate': 0.01, units: 256, dropout: 0 }, seed: 0, peers: [] }), score, ...extra });

  it('is the best score in the direction, ties to the lowest index, never a failed or non-finite trial', () => {
    const rs = [result(0, 0.5), result(1, 0.9, { error: 'oom' }), result(2, 0.7), result(3, 0.7), result(4, Number.NaN), result(5, 0.2)];
    expect(bestTrial(rs, false)!.index).toBe(2);
    expect(bestTrial(rs, true)!.index).toBe(5);
    expect(bestTrial([result(0, 1, { error: 'x' })], false)).toBeNull();
  });

  it('breaks a tie on the score by the lower validation log-loss, a missing one counting as the worst', () => {
    const rs = [result(0, 1, { valLogLoss: 0.05 }), result(1, 0.9, { valLogLoss: 0.001 }), result(2, 1, { valLogLoss: 0.02 }), result(3, 1), result(4, 1, { valLogLoss: 0.02 })];
    // 2 and 4 tie on both: the lower index; 1 has the lowest loss but a worse score.
    expect(bestTrial(rs, false)!.index).toBe(2);
    expect(bestTrial([result(0, 1), result(1, 1, { valLogLoss: 0.3 })], false)!.index).toBe(1);
    expect(bestTrial([result(0, 0.1, { valLogLoss: 0.3 }), result(1, 0.1, { valLogLoss: 0.2 })], true)!.index).toBe(1);
  });

  it('ignores a failed trial with the highest score in a whole search', async () => {
    const out = await runSearch(options({ execute: async (p) => (p.index === 4 ? { ...train(p), score: 99, error: 'worker crashed' } : train(p)) }));
    expect(out.trials[4]!.score).toBe(99);
    expect(out.best.index).not.toBe(4);
    expect(out.best.score).toBe(Math.max(...out.trials.filter((t) => t.index !== 4).map((t) => t.score)));
  });

  it('fails with the trials\' errors when every trial failed', async () => {
    await expect(runSearch(options({ trials: 4, execute: async (p) => ({ ...train(p), error: 'out of memory' }) })))
      .rejects.toMatchObject({ code: 'search.all-failed', message: 'all 4 trials failed: out of memory' });
  });

  it('rejects a result for another trial, a missing result, and bad options', async () => {
    await expect(runSearch(options({ execute: async (p) => train({ ...p, index: p.index + 1 }) }))).rejects.toMatchObject({ code: 'search.results', message: 'execute returned trial 1 for trial 0' });
    await expect(runSearch(options({ execute: async () => undefined as unknown as TrialResult }))).rejects.toThrow('execute returned no result for trial 0');
    await expect(runSearch(options({ parallel: 0 }))).rejects.toThrow('parallel must be a whole number >= 1, got 0');
    await expect(runSearch(options({ lag: 0 }))).rejects.toThrow('lag must be a whole number >= 1, got 0');
    await expect(runSearch(options({ families: ['logistic'], space: { filters: space.filters! } }))).rejects.toThrow('parameter "filters" applies to none of the families logistic');
  });

  it('plans carry the resolved parameters of their own family only (an mlp never carries filters)', async () => {
    const plans: TrialPlan[] = [];
    await runSearch(options({ trials: 24, execute: async (p) => { plans.push(p); return train(p); } }));
    for (const p of plans) {
      if (p.family === 'mlp') expect(Object.keys(p.params).sort()).toEqual(['batch-size', 'dropout', 'layers', 'learning-rate', 'optimizer', 'units', 'weight-decay']);
      else expect(Object.keys(p.params).sort()).toEqual(['batch-size', 'blocks', 'dropout', 'filters', 'learning-rate', 'optimizer', 'weight-decay', 'width-growth']);
    }
    expect(plans.filter((p) => p.family === 'mlp').length).toBeGreaterThan(0);
  });
});
