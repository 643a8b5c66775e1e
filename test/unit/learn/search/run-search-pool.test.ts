/**
 * runSearch over a real WorkerPool, as the search stage runs it: one `pool.run([request])` per
 * trial, up to `parallel` of them at once. The pool must queue those concurrent calls over its
 * workers, one trial per worker at a time.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/core/rng.js';
import type { TrialRequest, TrialResult } from '../../../../src/learn/protocol.js';
import { runSearch, type TrialPlan } from '../../../../src/learn/search/run-search.js';
import { WorkerPool } from '../../../../src/learn/search/worker-pool.js';

const dir = mkdtempSync(path.join(tmpdir(), 'assay-search-pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A fake trial worker: sleeps a while (longer for odd trials), then answers with a score from the
// parameters; a request that arrives while it is busy fails, so an overlap cannot go unnoticed.
const WORKER = `
let busy = false;
process.on('disconnect', () => process.exit(0));
process.on('message', async (msg) => {
  if (msg.type === 'exit') process.exit(0);
  const req = msg.request;
  if (busy) { process.send({ type: 'failed', index: req.index, error: 'worker got a second trial while busy' }); return; }
  busy = true;
  await new Promise((r) => setTimeout(r, req.index % 2 ? 60 : 20));
  busy = false;
  const record = { epoch: 1, trainLoss: 1, valLoss: 1, trainObjective: 0, valObjective: req.params.units / 512, seconds: 0 };
  process.send({ type: 'done', result: { index: req.index, family: req.family, params: req.params, score: req.params.units / 512, metric: 'f1',
    threshold: 0.5, bestEpoch: 1, epochs: 1, curves: [record], pruned: false, seconds: 0, valProbabilities: [], worker: process.pid } });
});
process.send({ type: 'ready', backend: 'fake' });
`;
const script = path.join(dir, 'worker.mjs');
writeFileSync(script, WORKER);

function request(plan: TrialPlan): TrialRequest {
  return {
    index: plan.index, family: plan.family, params: plan.params, seed: plan.seed, peers: plan.peers, pruning: 'none', modelDir: null, backend: 'cpu',
    training: { epochs: 1, batchSize: 8, optimizer: 'adam', learningRate: 0.01, schedule: 'constant', earlyStopping: null },
    objective: { metric: 'f1', beta: 1, threshold: { kind: 'fixed', value: 0.5 }, prevalence: { kind: 'sample' } },
    data: { trainX: '', trainY: '', valX: '', valY: '', classWeights: null, balancedBatches: null, augment: null, positive: 1, classes: ['a', 'b'] },
  };
}

describe('runSearch over a WorkerPool', () => {
  it('queues one single-request run per trial over two workers, never two trials on one worker', async () => {
    const pool = await WorkerPool.start({ size: 2, script });
    try {
      let inFlight = 0;
      let most = 0;
      const out = await runSearch({
        strategy: 'random', families: ['mlp'], space: { units: { kind: 'int', low: 8, high: 512 } },
        training: { epochs: 1, batchSize: 8, optimizer: 'adam', learningRate: 0.01, schedule: 'constant', earlyStopping: null },
        trials: 7, timeSeconds: null, parallel: 2, startup: 0, minimize: false, rng: new Rng(5).child('search'),
        execute: async (plan): Promise<TrialResult> => {
          most = Math.max(most, ++inFlight);
          try {
            return (await pool.run([request(plan)]))[0]!;
          } finally {
            inFlight--;
          }
        },
      });
      expect(out.trials.map((t) => [t.index, t.error])).toEqual(Array.from({ length: 7 }, (_, i) => [i, undefined]));
      expect(out.trials.map((t) => t.score)).toEqual(out.trials.map((t) => (t.params.units as number) / 512));
      expect(new Set(out.trials.map((t) => (t as unknown as { worker: number }).worker)).size).toBe(2);
      expect(most).toBe(2);
      expect(out.stoppedBy).toBe('trials');
    } finally {
      await pool.close();
    }
  });
});
