/**
 * Keys a run's queue leaves in Redis, and removing those of runs whose coordinator is gone.
 *
 * A run's keys: BullMQ's `assay:<queue>:*` (jobs, their logs, lists, events, meta), its entry in
 * `assay:queues` and its announcement `assay:queue:<queue>:alive`. A coordinator removes them
 * when it ends; a Redis lost mid-search (and back later, with its data) keeps them, and so does a
 * coordinator killed outright. The next coordinator on that Redis removes them, under one rule:
 *
 * - only queues named like a run's (`trials-<12 hex>-<run id>`), found by a SCAN of `assay:trials-*`
 *   and in `assay:queues`; no other key is ever looked at or touched;
 * - only when the queue's announcement is gone. A coordinator announces before it writes any
 *   other key, refreshes its announcement only while it still exists (SET XX), and gives up its
 *   run once Redis has been out of reach longer than the announcement lasts; so an expired
 *   announcement means its coordinator has ended or given up, and never comes back to the keys.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { aliveKey, connectionOptions, QUEUE_PREFIX, REGISTRY_KEY } from './connection.js';

/** The shape of a run's queue name (see runQueueName): never a colon, never a glob character. */
export const RUN_QUEUE_NAME = /^trials-[0-9a-f]{12}-[0-9A-Za-z._-]+$/;

/** The run queues that have keys in Redis or an entry in the registry, by name (sorted). */
export async function runQueuesInRedis(client: Redis): Promise<string[]> {
  const names = new Set<string>();
  for (const n of await client.zrange(REGISTRY_KEY, 0, -1)) if (RUN_QUEUE_NAME.test(n)) names.add(n);
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${QUEUE_PREFIX}:trials-*`, 'COUNT', 1000);
    cursor = next;
    for (const k of keys) {
      const name = k.slice(QUEUE_PREFIX.length + 1).split(':')[0]!;
      if (RUN_QUEUE_NAME.test(name)) names.add(name);
    }
  } while (cursor !== '0');
  return [...names].sort();
}

/**
 * Remove the keys of every run queue whose coordinator is gone (its announcement expired),
 * except `own`. Returns the queues removed.
 */
export async function removeDeadQueues(client: Redis, url: string, own: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await runQueuesInRedis(client)) {
    if (name === own || (await client.exists(aliveKey(name))) === 1) continue;
    await removeQueueKeys(client, url, name);
    removed.push(name);
  }
  return removed;
}

/** Remove every key of the run queue `name` (BullMQ's, the registry entry, the announcement). */
export async function removeQueueKeys(client: Redis, url: string, name: string, queue?: Queue): Promise<void> {
  const q = queue ?? new Queue(name, { connection: connectionOptions(url), prefix: QUEUE_PREFIX });
  q.on('error', () => undefined);
  try {
    await q.obliterate({ force: true });
  } finally {
    if (queue === undefined) await q.close();
  }
  // NOTE: obliterate removes BullMQ's keys; what a worker wrote after it (a lock, a stalled check)
  // is removed by pattern, the name holding no glob character (RUN_QUEUE_NAME).
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${QUEUE_PREFIX}:${name}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await client.del(...keys);
  } while (cursor !== '0');
  await client.zrem(REGISTRY_KEY, name);
  await client.del(aliveKey(name));
}
