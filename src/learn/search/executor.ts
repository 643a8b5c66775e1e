/**
 * Where trials run. The search (run-search.ts) decides WHICH trials run and with what plan; an
 * executor only runs the requests it is handed and hands back their results, in request order.
 * Whatever the executor, a request yields the same result: placement never enters a cache key,
 * and the search's sliding window makes proposals independent of completion order.
 *
 * Executors: `local` (this file: in this process, or a pool of worker processes when the search
 * runs trials in parallel) and `queue` (src/queue/queue-executor.ts: BullMQ workers on any
 * machine). The registry is src/stages/trial-executors.ts.
 */
import type { EpochRecord, TrialRequest, TrialResult } from '../protocol.js';
import { runTrialInProcess } from '../run-trial.js';
import { WorkerPool } from './worker-pool.js';

/** Where one run's trials ran, for its lock. Never part of a key. */
export type TrialPlacement =
  | { readonly executor: 'local'; readonly processes: number }
  | {
    readonly executor: 'queue';
    /** The Redis URL without its password. */
    readonly queue: string;
    /** The run's queue name (namespaced by cache and run). */
    readonly name: string;
    /** The artifact store's URL without credentials. */
    readonly store: string;
    /** Each trial request that ran: trial index, fold, and the worker (host:pid) that ran it. */
    readonly trials: readonly { readonly index: number; readonly fold: number; readonly worker: string }[];
  };

export interface ExecutorContext {
  /** Most trials the search keeps in flight (the pipeline's search.parallel). */
  readonly parallel: number;
  /** Resolved backend name every trial must run on. */
  readonly backend: string;
  /** Progress of one request: trial index, epoch record, planned epochs, fold. */
  readonly onEpoch: (index: number, record: EpochRecord, of: number, fold: number) => void;
  /** A line for the user about where trials run (e.g. the queue's housekeeping). */
  readonly note?: (line: string) => void;
}

export interface TrialExecutor {
  /**
   * Run one trial's requests (one per fold, fold order); results in the same order. A trial that
   * fails in training resolves as a failed result; a rejection (lost queue, missing artifact,
   * refused job) ends the search.
   */
  run(requests: readonly TrialRequest[]): Promise<TrialResult[]>;
  /** Where the requests run so far ran. */
  placement(): TrialPlacement;
  /** Stop and release everything; always called (in a finally). */
  close(): Promise<void>;
}

/**
 * The local executor: a pool of `parallel` worker processes (tfjs-wasm is single-threaded), or
 * this process when `parallel` is 1.
 */
export async function localExecutor(ctx: ExecutorContext, script: string): Promise<TrialExecutor> {
  // NOTE: the pool reports no fold; a pooled trial's folds share one progress line.
  const pool = ctx.parallel > 1
    ? await WorkerPool.start({ size: ctx.parallel, script, env: { ASSAY_BACKEND: ctx.backend }, onEpoch: (index, record, of) => ctx.onEpoch(index, record, of, -1) })
    : null;
  return {
    async run(requests) {
      if (pool) return pool.run(requests);
      const results: TrialResult[] = [];
      for (const [f, req] of requests.entries()) results.push(await runTrialInProcess(req, { onEpoch: (r, of) => ctx.onEpoch(req.index, r, of, f) }));
      return results;
    },
    placement: () => ({ executor: 'local', processes: pool ? ctx.parallel : 1 }),
    close: async () => { await pool?.close(); },
  };
}
