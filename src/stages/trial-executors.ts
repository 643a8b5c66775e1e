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
    .with({ kind: 'queue' }, async (c) => holdsOutside(await (await import('../queue/queue-executor.js')).queueExecutor(ctx, c)))
    .exhaustive();
}

/** Open executors that hold something outside this process (a queue's keys in Redis). */
const outside = new Set<TrialExecutor>();

function holdsOutside(e: TrialExecutor): TrialExecutor {
  outside.add(e);
  return { ...e, close: async () => { outside.delete(e); await e.close(); } };
}

/**
 * Close the executors that hold something outside this process, for a run interrupted by a
 * signal before it exits (its stages' own clean-up never runs). Bounded by `ms`.
 */
export async function closeOutsideExecutors(ms = 8000): Promise<void> {
  const all = [...outside];
  outside.clear();
  await Promise.race([Promise.all(all.map((e) => e.close().catch(() => undefined))), new Promise((r) => setTimeout(r, ms).unref())]);
}
