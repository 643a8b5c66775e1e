/**
 * The queue executor: a run's trial requests become BullMQ jobs on the run's own queue, served by
 * `assay worker` processes on any machine (src/queue/queue-worker.ts). Tensors go to the artifact
 * store by content hash before their first job; a finished job's model files come back the same
 * way, verified, into the folder the search asked for. Results arrive by queue events, with a
 * poll of the pending jobs as a safety net (events are not replayed after a reconnect); the poll
 * doubles as the liveness check: Redis unreachable for LOST_MS ends every pending trial with an
 * error naming the queue, so the search fails instead of waiting forever.
 *
 * A worker that cannot run a job (other versions, backend, a tensor it cannot fetch) puts it back
 * with its reason in the job's log and leaves the queue; another worker takes it. A trial refused
 * so while no worker has served the queue for LOST_MS fails, naming each worker and its reason.
 *
 * Keys: the run's queue keys are removed when the executor closes, whether the search succeeded,
 * failed or was interrupted, and the keys of earlier runs whose coordinator is gone are removed
 * when it starts (queue-leftovers.ts).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Queue, QueueEvents, type Job } from 'bullmq';
import { AssayError } from '../core/errors.js';
import { redactUrl } from '../core/redact.js';
import type { EpochRecord, TrialRequest, TrialResult } from '../learn/protocol.js';
import type { ExecutorContext, TrialExecutor, TrialPlacement } from '../learn/search/executor.js';
import { openArtifactStore, type ArtifactStore } from '../store/artifact-store.js';
import { ALIVE_MS, aliveKey, connectionOptions, plainClient, probeQueue, QUEUE_PREFIX, reasonOf, REGISTRY_KEY } from './connection.js';
import { removeDeadQueues, removeQueueKeys } from './queue-leftovers.js';
import { parseRefusal } from './refusal.js';
import { JOB_FORMAT, parseJobResult, requirementsHere, TENSOR_NAMES, type TensorRef, type TrialJob } from './trial-job.js';

export interface QueueExecutorOptions {
  /** Redis URL (may hold a password; never shown). */
  readonly url: string;
  /** Artifact store URL the workers share with this process. */
  readonly store: string;
  /** The run's queue name (see runQueueName). */
  readonly name: string;
  /** Redis unreachable this long during a search fails the pending trials. Default 10 000 ms. */
  readonly lostAfterMs?: number;
}

const POLL_MS = 1_000;

interface Pending {
  readonly index: number;
  readonly fold: number;
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: unknown) => void;
  /** Workers that refused this job, with their reasons (from the job's log). */
  readonly refusals: Map<string, string>;
}

/** Settle within `ms` or give up (for clean-up calls against a Redis that may be gone). */
function bounded(p: Promise<unknown>, ms = 3000): Promise<void> {
  return Promise.race([p.then(() => undefined, () => undefined), new Promise<void>((r) => setTimeout(r, ms).unref())]);
}

export async function queueExecutor(ctx: ExecutorContext, opts: QueueExecutorOptions): Promise<TrialExecutor> {
  const shown = redactUrl(opts.url);
  const LOST_MS = opts.lostAfterMs ?? 10_000;
  // NOTE: the announcement outlasts LOST_MS (plus a poll's own bound), so by the time it expires
  // this coordinator has given up its run: an expired announcement means the owner is gone.
  const ANNOUNCED_MS = LOST_MS + ALIVE_MS;
  await probeQueue(opts.url);
  const store = await openArtifactStore(opts.store);
  const connection = connectionOptions(opts.url);
  const client = plainClient(opts.url);
  client.on('error', () => undefined);
  let cleaned: string[] = [];
  try {
    await client.connect();
    // NOTE: announced before any other key of this queue exists, so a coordinator removing the
    // keys of dead runs never takes this one's for dead.
    await client.set(aliveKey(opts.name), '1', 'PX', ANNOUNCED_MS);
    const seq = await client.incr(`${REGISTRY_KEY}:seq`);
    await client.zadd(REGISTRY_KEY, seq, opts.name);
    cleaned = await removeDeadQueues(client, opts.url, opts.name);
  } catch (err) {
    client.disconnect();
    throw new AssayError('queue.unreachable', `cannot use the job queue at ${shown}: ${reasonOf(err)}`);
  }
  if (cleaned.length > 0) ctx.note?.(`removed the job queue keys of ${cleaned.length} earlier run(s) whose coordinator is gone: ${cleaned.join(', ')}`);
  const queue = new Queue(opts.name, { connection, prefix: QUEUE_PREFIX });
  const events = new QueueEvents(opts.name, { connection, prefix: QUEUE_PREFIX });
  // NOTE: ioredis reports every failed reconnect as an 'error' event; the poll below decides
  // when the queue counts as lost, so these are only swallowed.
  for (const e of [queue, events] as { on(ev: 'error', f: () => void): unknown }[]) e.on('error', () => undefined);
  try {
    await events.waitUntilReady();
  } catch (err) {
    await bounded(removeQueueKeys(client, opts.url, opts.name, queue));
    await bounded(Promise.all([events.disconnect(), queue.disconnect()]), 1000);
    client.disconnect();
    throw new AssayError('queue.unreachable', `cannot use the job queue at ${shown}: ${reasonOf(err)}`);
  }

  const requires = requirementsHere(ctx.backend);
  const pending = new Map<string, Pending>();
  const placed: { index: number; fold: number; worker: string }[] = [];
  const uploads = new Map<string, Promise<TensorRef>>();
  let lostError: AssayError | null = null;
  let lastOk = performance.now();
  let closed = false;
  /** Since when a refused trial has been waiting with no worker serving the queue. */
  let unservedSince: number | null = null;
  let closing: Promise<void> | null = null;

  const fail = (err: AssayError) => {
    lostError ??= err;
    for (const [id, p] of pending) { pending.delete(id); p.reject(err); }
  };
  const settle = (jobId: string, outcome: { value: unknown } | { reason: string }) => {
    const p = pending.get(jobId);
    if (p === undefined) return;
    pending.delete(jobId);
    if ('value' in outcome) p.resolve(typeof outcome.value === 'string' ? JSON.parse(outcome.value) : outcome.value);
    else p.reject(new AssayError('queue.trial-failed', `trial ${p.index + 1}${p.fold > 0 ? ` (fold ${p.fold + 1})` : ''} failed on the job queue ${shown}: ${outcome.reason}`));
  };
  events.on('completed', ({ jobId, returnvalue }) => settle(jobId, { value: returnvalue }));
  events.on('failed', ({ jobId, failedReason }) => settle(jobId, { reason: failedReason }));
  events.on('progress', ({ jobId, data }) => {
    const p = pending.get(jobId);
    const d = data as { record?: EpochRecord; of?: number } | number;
    if (p && typeof d === 'object' && d.record !== undefined && typeof d.of === 'number') ctx.onEpoch(p.index, d.record, d.of, p.fold);
  });

  const refusedText = (p: Pending) => [...p.refusals].map(([w, r]) => `refused by ${w} (${r})`).join('; ');
  const pollOnce = async () => {
    // NOTE: XX: refreshed only while it exists. Once expired, this run counts as gone and another
    // coordinator may have removed its keys: it fails rather than wait on jobs that are no more.
    if ((await client.set(aliveKey(opts.name), '1', 'PX', ANNOUNCED_MS, 'XX')) === null) {
      fail(new AssayError('queue.lost', `the job queue at ${shown} dropped this run's announcement (no word from it for ${ANNOUNCED_MS / 1000} s); finished trials are cached, run again to resume`));
      return;
    }
    for (const id of [...pending.keys()]) {
      const job = (await queue.getJob(id)) as Job | undefined;
      if (job?.finishedOn !== undefined) {
        if (job.failedReason) settle(id, { reason: job.failedReason });
        else settle(id, { value: job.returnvalue });
        continue;
      }
      const p = pending.get(id);
      if (job === undefined || p === undefined) continue;
      for (const line of (await queue.getJobLogs(id, 0, 99)).logs) {
        const r = parseRefusal(line);
        if (r !== null) p.refusals.set(r.worker, r.reason);
      }
    }
    const refused = [...pending.entries()].filter(([, p]) => p.refusals.size > 0);
    if (refused.length === 0) { unservedSince = null; return; }
    if ((await queue.getWorkersCount()) > 0) { unservedSince = null; return; }
    unservedSince ??= performance.now();
    if (performance.now() - unservedSince <= LOST_MS) return;
    const trials: string[] = [];
    for (const [id, p] of refused) {
      pending.delete(id);
      trials.push(`trial ${p.index + 1}${p.fold > 0 ? ` (fold ${p.fold + 1})` : ''}`);
      p.reject(new AssayError('queue.refused', `${trials.at(-1)!} could not run on any worker of the job queue ${shown}: ${refusedText(p)}; no other worker served the queue for ${LOST_MS / 1000} s`));
    }
    // NOTE: the search waits for the trials still in flight before it fails: those would wait for
    // a worker forever, so they end too.
    fail(new AssayError('queue.refused', `the search stopped: ${trials.join(', ')} could not run on any worker of the job queue ${shown}`));
  };
  const poll = async () => {
    if (lostError) return;
    try {
      // NOTE: BullMQ's own connection waits for Redis forever; the poll must not.
      await Promise.race([pollOnce(), new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 5 s')), 5000).unref())]);
      lastOk = performance.now();
    } catch (err) {
      if (performance.now() - lastOk > LOST_MS) fail(new AssayError('queue.lost', `lost the job queue at ${shown} for more than ${LOST_MS / 1000} s (${reasonOf(err)}); finished trials are cached, run again to resume`));
    }
  };
  let polling = false;
  const timer = setInterval(() => {
    if (polling || closed) return;
    polling = true;
    void poll().finally(() => { polling = false; });
  }, POLL_MS);

  /** Await `p`, unless the queue is lost first. */
  const guarded = <T>(p: Promise<T>): Promise<T> => new Promise<T>((resolve, reject) => {
    if (lostError) { reject(lostError); return; }
    const check = setInterval(() => { if (lostError) { clearInterval(check); reject(lostError); } }, 250);
    p.then((v) => { clearInterval(check); resolve(v); }, (e: unknown) => { clearInterval(check); reject(e); });
  });

  const upload = (prefix: string): Promise<TensorRef> => {
    let u = uploads.get(prefix);
    if (u === undefined) {
      u = (async () => ({ header: await store.put(await readFile(`${prefix}.json`)), data: await store.put(await readFile(`${prefix}.bin`)) }))();
      uploads.set(prefix, u);
    }
    return u;
  };

  const runOne = async (req: TrialRequest, fold: number): Promise<TrialResult> => {
    const refs = await Promise.all(TENSOR_NAMES.map((n) => upload(req.data[n])));
    const { trainX: _a, trainY: _b, valX: _c, valY: _d, ...data } = req.data;
    const { modelDir, data: _data, ...rest } = req;
    const job: TrialJob = {
      format: JOB_FORMAT, requires, fold, saveModel: modelDir !== null,
      request: { ...rest, data },
      tensors: Object.fromEntries(TENSOR_NAMES.map((n, i) => [n, refs[i]!])) as TrialJob['tensors'],
    };
    const jobId = `trial-${req.index}-fold-${fold}`;
    const done = new Promise<unknown>((resolve, reject) => pending.set(jobId, { index: req.index, fold, resolve, reject, refusals: new Map() }));
    done.catch(() => undefined);
    await guarded(queue.add('trial', job, { jobId }));
    const out = parseJobResult(await guarded(done), req.index);
    placed.push({ index: req.index, fold, worker: out.worker });
    if (modelDir !== null && out.result.error === undefined) {
      if (out.model === null) throw new AssayError('queue.result', `worker ${out.worker} sent no model for trial ${req.index + 1}`);
      await fetchModel(store, out.model, modelDir);
    }
    return out.result;
  };

  return {
    run: (requests) => Promise.all(requests.map((r, f) => runOne(r, f))),
    placement: (): TrialPlacement => ({ executor: 'queue', queue: shown, name: opts.name, store: store.shown, trials: [...placed].sort((a, b) => a.index - b.index || a.fold - b.fold) }),
    close() {
      closing ??= closeOnce();
      return closing;
    },
  };

  async function closeOnce(): Promise<void> {
    closed = true;
    clearInterval(timer);
    const wasLost = lostError?.code === 'queue.lost';
    fail(new AssayError('queue.closed', 'the job queue executor was closed before the trial finished'));
    // NOTE: each step bounded, so a lost Redis cannot hold the run's exit; once lost, only a
    // quick probe: a Redis still away keeps the keys, and the next run on it removes them.
    const reachable = !wasLost || await probeQueue(opts.url, 1000).then(() => true, () => false);
    if (reachable) {
      await bounded(removeQueueKeys(client, opts.url, opts.name, queue), 5000);
      await bounded(Promise.all([events.close(), queue.close()]), 2000);
    }
    // NOTE: a close that could not reach Redis leaves ioredis reconnecting, which would keep
    // the process alive: disconnect for good.
    await bounded(Promise.all([events.disconnect(), queue.disconnect()]), 1000);
    client.disconnect();
  }
}

/** Write the model files named by hash into `dir`, each verified by the store. */
async function fetchModel(store: ArtifactStore, files: Readonly<Record<string, string>>, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, hash] of Object.entries(files)) await writeFile(path.join(dir, name), await store.get(hash));
}
