import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/core/rng.js';
import type { ModelSpec, TrainingSpec } from '../../../../src/core/spec.js';
import type { TrialResult } from '../../../../src/learn/protocol.js';
import { bestTrial, runSearch, type SearchEvent, type SearchOptions, type TrialPlan } from '../../../../src/learn/search/run-search.js';

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

/** Resolves the batch's trials in a shuffled order after random delays, and returns them shuffled. */
function shuffledExecute(orderSeed: number, log: TrialPlan[]): SearchOptions['execute'] {
  const rng = new Rng(orderSeed);
  return async (batch) => {
    log.push(...batch);
    const done: TrialResult[] = [];
    await Promise.all(batch.map((plan) => new Promise<void>((resolve) => setTimeout(() => { done.push(train(plan)); resolve(); }, rng.int(15)))));
    return rng.shuffle(done);
  };
}

function options(over: Partial<SearchOptions>): SearchOptions {
  return {
    strategy: 'bayesian', families: ['cnn', 'mlp'], space, training, trials: 12, timeSeconds: null, parallel: 3, startup: 4,
    minimize: false, rng: new Rng(42).child('search'), execute: async (b) => b.map(train), ...over,
  };
}

describe('runSearch: reproducible under parallel workers', () => {
  it('proposes the same trials and finds the same best whatever order the workers finish in', async () => {
    const runs: { plans: TrialPlan[]; best: TrialResult; trials: TrialResult[] }[] = [];
    for (const orderSeed of [1, 2, 3]) {
      const plans: TrialPlan[] = [];
      const out = await runSearch(options({ execute: shuffledExecute(orderSeed, plans) }));
      runs.push({ plans, best: out.best, trials: out.trials });
    }
    expect(runs[0]!.plans.length).toBe(12);
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
    expect(runs[0]!.trials.map((t) => t.index)).toEqual([...Array(12).keys()]);
    expect(new Set(runs[0]!.plans.map((p) => p.seed)).size).toBe(12);
    expect(new Set(runs[0]!.plans.map((p) => p.family))).toEqual(new Set(['cnn', 'mlp']));
  });

  it('repeats a parallel=2 search exactly, and a different seed gives a different search', async () => {
    const go = async (seed: number, orderSeed: number) => {
      const plans: TrialPlan[] = [];
      const out = await runSearch(options({ parallel: 2, rng: new Rng(seed).child('search'), execute: shuffledExecute(orderSeed, plans) }));
      return { plans, best: out.best.index };
    };
    const a = await go(7, 1);
    expect(await go(7, 99)).toEqual(a);
    expect((await go(8, 1)).plans).not.toEqual(a.plans);
  });

  it('keeps every earlier plan when the trial budget is raised, so a per-trial cache reuses them', async () => {
    const small: TrialPlan[] = [];
    const big: TrialPlan[] = [];
    await runSearch(options({ trials: 10, execute: shuffledExecute(1, small) }));
    await runSearch(options({ trials: 14, execute: shuffledExecute(2, big) }));
    expect(big.slice(0, 10)).toEqual(small);
  });

  it('hands each trial the validation curves of non-failed trials from earlier batches, by index', async () => {
    const plans: TrialPlan[] = [];
    await runSearch(options({
      trials: 6, parallel: 2, strategy: 'random', families: ['mlp'], space: { units: space.units!, 'learning-rate': space['learning-rate']!, dropout: space.dropout! },
      execute: async (batch) => { plans.push(...batch); return batch.map((p) => (p.index === 1 ? { ...train(p), error: 'oom' } : train(p))); },
    }));
    const curveOf = (i: number): number[] => train(plans[i]!).curves.map((c) => c.valObjective);
    expect(plans.map((p) => p.peers.length)).toEqual([0, 0, 1, 1, 3, 3]);
    expect(plans[4]!.peers).toEqual([curveOf(0), curveOf(2), curveOf(3)]);
  });
});

describe('runSearch: budgets and stopping', () => {
  it('stops by trials with the exact count, batches of `parallel`, the last one partial', async () => {
    const sizes: number[] = [];
    const out = await runSearch(options({ trials: 7, execute: async (b) => { sizes.push(b.length); return b.map(train); } }));
    expect(sizes).toEqual([3, 3, 1]);
    expect(out.stoppedBy).toBe('trials');
    expect(out.used.trials).toBe(7);
    expect(out.planned).toEqual({ trials: 7, seconds: null });
  });

  it('checks the time budget between batches, letting a batch in flight finish (fake clock)', async () => {
    let now = 1000;
    const events: SearchEvent[] = [];
    const out = await runSearch(options({
      trials: 50, timeSeconds: 25, clock: () => now,
      execute: async (b) => { now += 10; return b.map(train); },
      onProgress: (e) => events.push(e),
    }));
    // batches start at t = 0, 10, 20; at t = 30 the budget is spent
    expect(out.trials.length).toBe(9);
    expect(out.stoppedBy).toBe('time');
    expect(out.used).toEqual({ trials: 9, seconds: 30 });
    expect(out.planned).toEqual({ trials: 50, seconds: 25 });
    expect(events.filter((e) => e.kind === 'batch').length).toBe(3);
    expect(events.at(-1)).toEqual({ kind: 'stopped', stoppedBy: 'time', used: { trials: 9, seconds: 30 } });
  });

  it('runs the first batch even when the time budget is already spent', async () => {
    let now = 0;
    const out = await runSearch(options({ timeSeconds: 1, clock: () => now, execute: async (b) => { now += 100; return b.map(train); } }));
    expect(out.trials.length).toBe(3);
    expect(out.stoppedBy).toBe('time');
  });

  it('grid: runs every point once, then reports exhausted', async () => {
    const seen: TrialPlan[] = [];
    const out = await runSearch(options({
      strategy: 'grid', families: ['mlp'], trials: 100, parallel: 4,
      space: { layers: { kind: 'int', low: 1, high: 3 }, optimizer: { kind: 'choice', values: ['adam', 'sgd'] }, units: { kind: 'fixed', value: 64 }, 'learning-rate': { kind: 'fixed', value: 0.01 }, dropout: { kind: 'fixed', value: 0 } },
      execute: async (b) => { seen.push(...b); return b.map(train); },
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

  it('ignores a failed trial with the highest score in a whole search', async () => {
    const out = await runSearch(options({ execute: async (b) => b.map((p) => (p.index === 4 ? { ...train(p), score: 99, error: 'worker crashed' } : train(p))) }));
    expect(out.trials[4]!.score).toBe(99);
    expect(out.best.index).not.toBe(4);
    expect(out.best.score).toBe(Math.max(...out.trials.filter((t) => t.index !== 4).map((t) => t.score)));
  });

  it('fails with the trials\' errors when every trial failed', async () => {
    await expect(runSearch(options({ trials: 4, execute: async (b) => b.map((p) => ({ ...train(p), error: 'out of memory' })) })))
      .rejects.toMatchObject({ code: 'search.all-failed', message: 'all 4 trials failed: out of memory' });
  });

  it('rejects results that do not match the plans, and bad options', async () => {
    await expect(runSearch(options({ execute: async (b) => b.slice(1).map(train) }))).rejects.toThrow('execute returned no result for trial 0');
    await expect(runSearch(options({ execute: async (b) => [...b, b[0]!].map(train) }))).rejects.toThrow('execute returned trial 0 twice');
    await expect(runSearch(options({ parallel: 0 }))).rejects.toThrow('parallel must be a whole number >= 1, got 0');
    await expect(runSearch(options({ families: ['logistic'], space: { filters: space.filters! } }))).rejects.toThrow('parameter "filters" applies to none of the families logistic');
  });

  it('plans carry the resolved parameters of their own family only (an mlp never carries filters)', async () => {
    const plans: TrialPlan[] = [];
    await runSearch(options({ trials: 24, execute: async (b) => { plans.push(...b); return b.map(train); } }));
    for (const p of plans) {
      if (p.family === 'mlp') expect(Object.keys(p.params).sort()).toEqual(['batch-size', 'dropout', 'layers', 'learning-rate', 'optimizer', 'units', 'weight-decay']);
      else expect(Object.keys(p.params).sort()).toEqual(['batch-size', 'blocks', 'dropout', 'filters', 'learning-rate', 'optimizer', 'weight-decay', 'width-growth']);
    }
    expect(plans.filter((p) => p.family === 'mlp').length).toBeGreaterThan(0);
  });
});
