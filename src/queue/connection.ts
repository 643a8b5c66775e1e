/**
 * The job queue's Redis: URL checks, a reachability probe, and the names assay uses there.
 *
 * Names: BullMQ keys live under the prefix `assay`; each run has its own queue,
 * `trials-<cache id>-<run id>` (the cache id is a hash of the cache folder's path), so two
 * experiments on one Redis never share jobs. A coordinator announces its queue in the sorted set
 * `assay:queues` and keeps `assay:queue:<name>:alive` set with a short expiry while it runs;
 * workers serve the oldest queue that is alive.
 */
import type { ConnectionOptions } from 'bullmq';
import { connect } from 'node:net';
import { Redis } from 'ioredis';
import { AssayError, UsageError } from '../core/errors.js';
import { redactUrl } from '../core/redact.js';
import { sha256 } from '../store/fingerprint.js';

export const QUEUE_PREFIX = 'assay';
export const REGISTRY_KEY = `${QUEUE_PREFIX}:queues`;
export const aliveKey = (name: string) => `${QUEUE_PREFIX}:queue:${name}:alive`;
/** How long a queue stays announced after its coordinator's last heartbeat. */
export const ALIVE_MS = 15_000;

/** The run's queue name: namespaced by the cache (its folder) and the run. */
export function runQueueName(cacheRoot: string, runId: string): string {
  return `trials-${sha256(cacheRoot).slice(0, 12)}-${runId}`;
}

/**
 * Check a queue URL (`redis://[user:password@]host[:port][/db]`, or `rediss://` for TLS).
 * @throws UsageError (exit 2) otherwise; the message never shows a password.
 */
export function checkQueueUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`the job queue must be a Redis URL (redis://host:6379), got ${JSON.stringify(redactUrl(url))}`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new UsageError(`the job queue must be a Redis URL (redis://host:6379 or rediss://...), got ${redactUrl(url)}`);
  return u;
}

/** ioredis options for `url` as BullMQ wants them (blocking commands may wait forever). */
export function connectionOptions(url: string): ConnectionOptions {
  checkQueueUrl(url);
  return { url, maxRetriesPerRequest: null, enableReadyCheck: true };
}

/** A plain client for assay's own keys (registry, heartbeats), failing fast when Redis is gone. */
export function plainClient(url: string): Redis {
  checkQueueUrl(url);
  return new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3000, retryStrategy: (times) => Math.min(times * 200, 1000) });
}

/** A short reason for a Redis failure: the system error code, or ioredis's message in plain words. */
function reasonOf(err: unknown): string {
  const e = err as { code?: string; message?: string };
  if (e?.code) return e.code;
  if (/max retries per request|Connection is closed/i.test(e?.message ?? '')) return 'no connection';
  return e?.message ?? String(err);
}

/**
 * Connect once and PING.
 * @throws AssayError `queue.unreachable` (exit 1) naming the URL without its password.
 */
export async function probeQueue(url: string, timeoutMs = 3000): Promise<void> {
  const u = checkQueueUrl(url);
  // NOTE: a plain TCP connect first, for the precise reason (ECONNREFUSED, ENOTFOUND, a timeout).
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || 6379), timeout: timeoutMs });
    socket.once('connect', () => { socket.destroy(); resolve(); });
    socket.once('timeout', () => { socket.destroy(); reject(Object.assign(new Error('timeout'), { code: `no answer within ${timeoutMs} ms` })); });
    socket.once('error', reject);
  }).catch((err: unknown) => { throw new AssayError('queue.unreachable', `cannot reach the job queue at ${redactUrl(url)}: ${reasonOf(err)}`); });
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: timeoutMs, retryStrategy: () => null, enableOfflineQueue: false });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw new AssayError('queue.unreachable', `cannot reach the job queue at ${redactUrl(url)}: ${reasonOf(err)}`);
  } finally {
    client.disconnect();
  }
}

export { reasonOf };
