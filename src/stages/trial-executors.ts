/**
 * The registry of trial executors: where a search's trials run (see learn/search/executor.ts).
 * A new executor is one file and one line here. None of this enters a cache key.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { match } from 'ts-pattern';
import { localExecutor, type ExecutorContext, type TrialExecutor } from '../learn/search/executor.js';

/** The trial worker entry: compiled JS next to this build, or the TypeScript source under tsx. */
export function trialWorkerScript(): string {
  const js = fileURLToPath(new URL('../learn/trial-worker.js', import.meta.url));
  if (existsSync(js)) return js;
  return fileURLToPath(new URL('../learn/trial-worker.ts', import.meta.url));
}

export type ExecutorChoice =
  | { readonly kind: 'local' }
  /** BullMQ workers behind `url`, sharing the artifact store `store`; `name` is the run's queue. */
  | { readonly kind: 'queue'; readonly url: string; readonly store: string; readonly name: string; readonly lostAfterMs?: number };

export function createExecutor(choice: ExecutorChoice, ctx: ExecutorContext): Promise<TrialExecutor> {
  return match(choice)
    .with({ kind: 'local' }, () => localExecutor(ctx, trialWorkerScript()))
    // NOTE: loaded on demand, so local runs never load BullMQ or ioredis.
    .with({ kind: 'queue' }, async (c) => (await import('../queue/queue-executor.js')).queueExecutor(ctx, c))
    .exhaustive();
}
