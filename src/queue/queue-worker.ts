/**
 * `assay worker`: serves trial jobs from the job queue. It resolves its backend once, keeps a pool
 * of trial processes (src/learn/trial-worker.ts, so this process's event loop stays free to renew
 * BullMQ's job locks while a trial trains), and serves the oldest run queue that is alive.
 *
 * For each job: refuse it when it cannot run here (its requirements differ from this machine's,
 * its data is malformed, or its tensors cannot be fetched): the reason goes to the job's log, the
 * job goes back on the queue for another worker, and this worker leaves that run's queue (its
 * other jobs would be refused for the same reason). Otherwise fetch its tensors by hash into the
 * local cache, verified; train; upload the model by hash; answer with the result.
 * A worker killed mid-trial stops renewing its lock, and BullMQ's stalled-job check hands the job
 * to another worker. `stop('finish')` takes no new job and lets the current ones finish;
 * `stop('release')` puts the current ones back on the queue at once.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DelayedError, Worker, type Job } from 'bullmq';
import type { BackendChoice } from '../core/spec.js';
import { redactUrl } from '../core/redact.js';
import { initBackend } from '../learn/backend/backend.js';
import type { TrialRequest } from '../learn/protocol.js';
import { WorkerPool } from '../learn/search/worker-pool.js';
import { ArtifactCache } from '../store/artifact-cache.js';
import { openArtifactStore } from '../store/artifact-store.js';
import { aliveKey, connectionOptions, plainClient, probeQueue, QUEUE_PREFIX, REGISTRY_KEY } from './connection.js';
import { formatRefusal } from './refusal.js';
import { JOB_FORMAT, parseJob, requirementDifferences, requirementsHere, TENSOR_NAMES, type TrialJob, type TrialJobResult } from './trial-job.js';

export interface QueueWorkerOptions {
  readonly url: string;
  readonly store: string;
  readonly cacheDir: string;
  readonly concurrency: number;
  readonly backend: BackendChoice;
  /** How long a job's lock lasts without renewal: how soon a killed worker's trial moves on. */
  readonly lockMs: number;
  /** The trial process entry (see trialWorkerScript). */
  readonly script: string;
  readonly log: (line: string) => void;
}

export interface QueueWorker {
  /** Resolves when the worker has stopped. */
  readonly done: Promise<void>;
  stop(mode: 'finish' | 'release'): void;
}

/**
 * Start serving. Resolves once the backend, the store and the trial processes are ready.
 * @throws AssayError `queue.unreachable` when Redis cannot be reached; backend and store errors.
 */
export async function startQueueWorker(opts: QueueWorkerOptions): Promise<QueueWorker> {
  await probeQueue(opts.url);
  const store = await openArtifactStore(opts.store);
  const cache = new ArtifactCache(opts.cacheDir, store);
  const info = await initBackend(opts.backend);
  const here = requirementsHere(info.name);
  const workerName = `${os.hostname()}:${process.pid}`;
  const active = new Map<string, { job: Job; token: string | undefined }>();
  const byIndex = new Map<number, Job>();
  const pool = await WorkerPool.start({
    size: opts.concurrency, script: opts.script, env: { ASSAY_BACKEND: info.name }, ownProcessGroup: true,
    onEpoch: (index, record, of) => { void byIndex.get(index)?.updateProgress({ record, of }).catch(() => undefined); },
  });
  const client = plainClient(opts.url);
  client.on('error', () => undefined);
  await client.connect();
  opts.log(`worker ${workerName}: backend ${info.name}, ${opts.concurrency} at a time, queue ${redactUrl(opts.url)}, store ${store.shown}, cache ${cache.dir}`);

  let stopping: 'finish' | 'release' | null = null;
  let wakeIdle: (() => void) | null = null;
  /** Run queues this worker refused a job of: it serves them no more. */
  const refusedQueues = new Set<string>();

  /** Put `job` back on its queue for another worker, saying why (once) in its log; leave the queue. */
  const refuse = async (job: Job, token: string | undefined, reason: string | null): Promise<never> => {
    if (reason !== null) await job.log(formatRefusal({ worker: workerName, reason })).catch(() => undefined);
    // NOTE: should this fail (the lock lost), the stalled-job check hands the job on all the same.
    await job.moveToDelayed(Date.now(), token).catch(() => undefined);
    if (reason !== null) {
      refusedQueues.add(job.queueName);
      wakeIdle?.();
    }
    throw new DelayedError(`refused by ${workerName}`);
  };

  const process1 = async (job: Job, token: string | undefined): Promise<TrialJobResult> => {
    // NOTE: a job fetched just before this worker left its queue goes back untouched.
    if (refusedQueues.has(job.queueName)) return refuse(job, token, null);
    let spec: TrialJob;
    try {
      spec = parseJob(job.data);
    } catch (err) {
      opts.log(`refused job ${job.id}: ${(err as Error).message}`);
      return refuse(job, token, (err as Error).message);
    }
    const trial = `trial ${spec.request.index + 1}${spec.fold > 0 ? ` fold ${spec.fold + 1}` : ''}`;
    const differs = requirementDifferences(spec.requires, here);
    if (differs.length > 0) {
      opts.log(`refused ${trial}: ${differs.join('; ')}`);
      return refuse(job, token, differs.join('; '));
    }
    const started = performance.now();
    const paths: Partial<Record<(typeof TENSOR_NAMES)[number], string>> = {};
    try {
      for (const n of TENSOR_NAMES) {
        const t = spec.tensors[n];
        const folder = await cache.place(path.join('tensors', `${t.header}-${t.data}`), { 't.json': t.header, 't.bin': t.data });
        paths[n] = path.join(folder, 't');
      }
    } catch (err) {
      opts.log(`refused ${trial}: ${(err as Error).message}`);
      return refuse(job, token, (err as Error).message);
    }
    const modelDir = spec.saveModel ? path.join(cache.dir, 'work', `${job.id}-${randomBytes(4).toString('hex')}`) : null;
    const request: TrialRequest = { ...spec.request, data: { ...spec.request.data, ...(paths as Record<(typeof TENSOR_NAMES)[number], string>) }, modelDir };
    active.set(String(job.id), { job, token });
    byIndex.set(spec.request.index, job);
    opts.log(`${trial} started (${job.queueName})`);
    try {
      const [result] = await pool.run([request]);
      if (stopping === 'release') throw new DelayedError('released by a stopping worker');
      let model: Record<string, string> | null = null;
      if (modelDir !== null && result!.error === undefined) {
        model = {};
        for (const name of (await readdir(modelDir)).sort()) model[name] = await store.put(await readFile(path.join(modelDir, name)));
      }
      const r = result!;
      opts.log(`${trial} ${r.error !== undefined ? `failed: ${r.error}` : `${r.metric} ${r.score.toFixed(4)}`}  ${((performance.now() - started) / 1000).toFixed(1)}s`);
      return { format: JOB_FORMAT, result: r, model, worker: workerName };
    } finally {
      active.delete(String(job.id));
      if (modelDir !== null) await rm(modelDir, { recursive: true, force: true });
    }
  };

  /** The oldest announced queue whose coordinator is alive (stale entries are dropped). */
  const nextQueue = async (): Promise<string | null> => {
    for (const name of await client.zrange(REGISTRY_KEY, 0, -1)) {
      if (await client.exists(aliveKey(name))) {
        if (!refusedQueues.has(name)) return name;
        continue;
      }
      refusedQueues.delete(name);
      await client.zrem(REGISTRY_KEY, name);
    }
    return null;
  };
  const alive = async (name: string): Promise<boolean> => {
    try {
      return (await client.exists(aliveKey(name))) === 1;
    } catch {
      return true; // Redis away: keep serving; BullMQ reconnects by itself.
    }
  };
  const idle = (ms: number) => new Promise<void>((r) => { wakeIdle = r; setTimeout(r, ms); });

  const loop = async () => {
    while (stopping === null) {
      const name = await nextQueue().catch(() => null);
      if (name === null) { await idle(500); continue; }
      const worker = new Worker(name, process1, {
        connection: connectionOptions(opts.url), prefix: QUEUE_PREFIX, concurrency: opts.concurrency, name: workerName,
        lockDuration: opts.lockMs, stalledInterval: Math.max(500, Math.min(opts.lockMs, 30_000)), maxStalledCount: 2,
      });
      worker.on('error', () => undefined);
      while (stopping === null && !refusedQueues.has(name) && await alive(name)) await idle(1000);
      if (refusedQueues.has(name)) opts.log(`left the queue ${name}: its trials cannot run here`);
      await worker.close();
    }
  };
  const done = (async () => {
    try {
      await loop();
    } finally {
      await pool.close();
      client.disconnect();
    }
  })();

  return {
    done,
    stop(mode) {
      if (stopping === 'release') return;
      stopping = mode;
      if (mode === 'finish') {
        opts.log(active.size > 0 ? `stopping: finishing ${active.size} trial(s) in progress (signal again to put them back on the queue)` : 'stopping');
      } else {
        opts.log(`stopping: putting ${active.size} trial(s) back on the queue`);
        // NOTE: moved back before the trial processes are stopped, so the processor's DelayedError
        // finds the job already waiting for another worker.
        void Promise.all([...active.values()].map(({ job, token }) => job.moveToDelayed(Date.now(), token).catch(() => undefined)))
          .then(() => pool.close());
      }
      wakeIdle?.();
    },
  };
}
