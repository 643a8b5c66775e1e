/**
 * The sliding-window schedule of runSearch, driven with trials that finish only when the test says
 * so: a virtual clock, no real timers, exact start and finish times.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/core/rng.js';
import type { ModelSpec, TrainingSpec } from '../../../../src/core/spec.js';
import type { TrialResult } from '../../../../src/learn/protocol.js';
import { runSearch, type SearchEvent, type SearchOptions, type SearchOutcome, type TrialPlan } from '../../../../src/learn/search/run-search.js';

const training: TrainingSpec = { epochs: 3, batchSize: 32, optimizer: 'adam', learningRate: 0.001, schedule: 'constant', earlyStopping: null };
const space: ModelSpec['space'] = { 'learning-rate': { kind: 'log', low: 1e-4, high: 1e-1 }, units: { kind: 'int', low: 8, high: 512 } };

function train(plan: TrialPlan): TrialResult {
  const score = 1 - (Math.log10(plan.params['learning-rate'] as number) + 2) ** 2 / 8 - ((plan.params.units as number) / 512 - 0.5) ** 2;
  const curves = [1, 2].map((epoch) => ({ epoch, trainLoss: 1, valLoss: 1, trainObjective: score, valObjective: score * epoch / 2, seconds: 0 }));
  return { index: plan.index, family: plan.family, params: plan.params, score, metric: 'f1', threshold: 0.5, bestEpoch: 2, epochs: 2, curves, pruned: false, seconds: 1, valProbabilities: [] };
}

/** Lets every pending promise callback run. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Running { readonly plan: TrialPlan; readonly resolve: (r: TrialResult) => void; readonly reject: (e: unknown) => void }

/** A search whose trials finish when `finish`/`fail` is called; `started` in start order. */
async function controlled(over: Partial<SearchOptions>) {
  const running = new Map<number, Running>();
  const started: TrialPlan[] = [];
  const events: SearchEvent[] = [];
  let settled = false;
  const outcome: Promise<SearchOutcome> = runSearch({
    strategy: 'bayesian', families: ['mlp'], space, training, trials: 8, timeSeconds: null, parallel: 2, startup: 2,
    minimize: false, rng: new Rng(3).child('search'), onProgress: (e) => events.push(e),
    execute: (plan) => new Promise<TrialResult>((resolve, reject) => { started.push(plan); running.set(plan.index, { plan, resolve, reject }); }),
    ...over,
  });
  outcome.then(() => { settled = true; }, () => { settled = true; });
  await flush();
  const take = (i: number): Running => {
    const t = running.get(i);
    if (t === undefined) throw new Error(`trial ${i} is not running`);
    running.delete(i);
    return t;
  };
  return {
    running, started, events, outcome, settled: () => settled,
    async finish(i: number): Promise<void> { const t = take(i); t.resolve(train(t.plan)); await flush(); },
    async fail(i: number, error: unknown): Promise<void> { take(i).reject(error); await flush(); },
  };
}

/**
 * Runs trials of the given durations on a virtual clock: the running trial due first (ties to the
 * lower index) finishes next. Returns each trial's start and finish time and the most in flight.
 */
async function simulate(durations: readonly number[], parallel: number, lag?: number, order?: Rng) {
  const run = await controlled({ trials: durations.length, parallel, ...(lag === undefined ? {} : { lag }) });
  let now = 0;
  let most = 0;
  const start: number[] = [];
  const finish: number[] = [];
  const stamp = () => {
    for (const p of run.started) start[p.index] ??= now;
    most = Math.max(most, run.running.size);
  };
  stamp();
  while (run.running.size > 0) {
    const due = (i: number) => start[i]! + durations[i]!;
    const ready = [...run.running.keys()].sort((a, b) => due(a) - due(b) || a - b);
    // NOTE: with `order`, trials due at the same time finish in a random order.
    const tied = ready.filter((i) => due(i) === due(ready[0]!));
    const next = order ? tied[order.int(tied.length)]! : ready[0]!;
    now = due(next);
    finish[next] = now;
    await run.finish(next);
    stamp();
  }
  const out = await run.outcome;
  return { start, finish, makespan: now, most, plans: run.started, best: out.best.index };
}

/** The old schedule: batches of `parallel`, each waiting for its slowest trial. */
const batchMakespan = (d: readonly number[], parallel: number): number => {
  let t = 0;
  for (let b = 0; b < d.length; b += parallel) t += Math.max(...d.slice(b, b + parallel));
  return t;
};

/** Earliest start of every trial: trials 0..i-lag finished and one of `parallel` workers free. */
function earliestStarts(d: readonly number[], parallel: number, lag: number): number[] {
  const free = new Array<number>(parallel).fill(0);
  const start: number[] = [];
  const finish: number[] = [];
  for (let i = 0; i < d.length; i++) {
    const deps = Math.max(0, ...finish.slice(0, Math.max(0, i - lag + 1)));
    free.sort((a, b) => a - b);
    start[i] = Math.max(deps, free[0]!);
    finish[i] = start[i]! + d[i]!;
    free[0] = finish[i]!;
  }
  return start;
}

describe('runSearch schedule: a free worker starts the next trial without waiting for a batch', () => {
  it('durations 1,3,3,1,...: two workers finish 8 trials in 8 units, the batch loop took 12', async () => {
    const d = [1, 3, 3, 1, 1, 3, 3, 1];
    const got = await simulate(d, 2);
    expect(got.start).toEqual([0, 0, 1, 3, 4, 4, 5, 7]);
    expect(got.makespan).toBe(8);
    expect(batchMakespan(d, 2)).toBe(12);
    expect(got.most).toBe(2);
  });

  it('starts every trial at the earliest moment the window allows, never more than `parallel` at once', async () => {
    const rng = new Rng(11);
    for (const [parallel, lag] of [[2, 2], [3, 3], [2, 3]] as const) {
      const d = Array.from({ length: 10 }, () => 1 + rng.int(6));
      const got = await simulate(d, parallel, lag);
      expect(got.start).toEqual(earliestStarts(d, parallel, lag));
      expect(got.most).toBeLessThanOrEqual(parallel);
      expect(got.makespan).toBeLessThanOrEqual(batchMakespan(d, parallel));
    }
  });

  it('durations strictly alternating 1,3: trial i waits for trial i-2, so lag 2 gains nothing and lag 3 does', async () => {
    const d = [1, 3, 1, 3, 1, 3, 1, 3];
    const window = await simulate(d, 2);
    expect(window.start).toEqual([0, 0, 1, 3, 3, 6, 6, 9]);
    expect(window.makespan).toBe(batchMakespan(d, 2));
    const wider = await simulate(d, 2, 3);
    expect(wider.start).toEqual([0, 0, 1, 2, 3, 4, 5, 6]);
    expect(wider.makespan).toBe(9);
  });

  it('the plans and the best trial do not depend on which of the tied trials finishes first', async () => {
    const d = [2, 2, 2, 2, 2, 2, 2, 2, 2, 2];
    const first = await simulate(d, 3, undefined, new Rng(1));
    for (const seed of [2, 3, 4]) {
      const again = await simulate(d, 3, undefined, new Rng(seed));
      expect(again.plans).toEqual(first.plans);
      expect(again.best).toBe(first.best);
    }
  });
});

describe('runSearch schedule: budgets and failures', () => {
  it('reads the clock before each new trial after the first `parallel`; trials in flight finish', async () => {
    let now = 0;
    const run = await controlled({ trials: 50, timeSeconds: 25, clock: () => now });
    expect(run.started.map((p) => p.index)).toEqual([0, 1]);
    now = 10; await run.finish(0);
    expect(run.started.map((p) => p.index)).toEqual([0, 1, 2]);
    now = 20; await run.finish(1);
    expect(run.started.map((p) => p.index)).toEqual([0, 1, 2, 3]);
    now = 30; await run.finish(2);
    expect(run.started.length).toBe(4);
    expect(run.settled()).toBe(false);
    now = 31; await run.finish(3);
    const out = await run.outcome;
    expect(out.trials.map((t) => t.index)).toEqual([0, 1, 2, 3]);
    expect(out.stoppedBy).toBe('time');
    expect(out.used).toEqual({ trials: 4, seconds: 31 });
    expect(run.events.at(-1)).toEqual({ kind: 'stopped', stoppedBy: 'time', used: { trials: 4, seconds: 31 } });
  });

  it('starts the first `parallel` trials even when the time budget is already spent', async () => {
    let now = 0;
    const run = await controlled({ trials: 10, timeSeconds: 1, parallel: 3, clock: () => now, execute: async (p) => { now += 100; return train(p); } });
    const out = await run.outcome;
    expect(out.trials.length).toBe(3);
    expect(out.stoppedBy).toBe('time');
  });

  it('stops at the trial budget exactly, and emits start and trial events', async () => {
    const run = await controlled({ trials: 3 });
    await run.finish(1);
    expect(run.started.length).toBe(2);
    await run.finish(0);
    await run.finish(2);
    const out = await run.outcome;
    expect(out.stoppedBy).toBe('trials');
    expect(out.used.trials).toBe(3);
    expect(out.planned).toEqual({ trials: 3, seconds: null });
    expect(run.events.map((e) => (e.kind === 'start' ? `start ${e.plan.index}` : e.kind === 'trial' ? `done ${e.result.index} (${e.done}/${e.planned})` : e.kind)))
      .toEqual(['start 0', 'start 1', 'done 1 (1/3)', 'done 0 (2/3)', 'start 2', 'done 2 (3/3)', 'stopped']);
  });

  it('a rejected trial ends the search with its error once the trials in flight settle; nothing new starts', async () => {
    const run = await controlled({ trials: 8 });
    await run.finish(0);
    expect(run.started.length).toBe(3);
    await run.fail(1, new Error('the worker pool is closed'));
    expect(run.settled()).toBe(false);
    expect(run.started.length).toBe(3);
    await run.finish(2);
    await expect(run.outcome).rejects.toThrow('the worker pool is closed');
    expect(run.started.length).toBe(3);
  });

  it('an execute that throws synchronously fails the search with that error', async () => {
    const run = await controlled({ execute: () => { throw new Error('cannot start'); } });
    await expect(run.outcome).rejects.toThrow('cannot start');
  });
});
