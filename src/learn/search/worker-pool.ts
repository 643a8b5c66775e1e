/**
 * A pool of trial worker processes (Node with an IPC channel, see src/learn/trial-worker.ts and
 * the ParentMessage/WorkerMessage protocol in src/learn/protocol.ts). Requests queue over the
 * workers; results come back in request order, whatever order the workers finish in. A worker
 * that dies mid-trial (crash, out-of-memory kill) turns that trial into a failed result naming the
 * exit reason, and is replaced. Workers are killed when the parent exits, including on SIGINT
 * (execa's `cleanup`), and the trial worker exits itself when its IPC channel is lost.
 */
import { execa, type ResultPromise } from 'execa';
import { AssayError } from '../../core/errors.js';
import { MINIMIZED_METRICS } from '../../evaluate/metric-kinds/registry.js';
import type { EpochRecord, ParentMessage, TrialRequest, TrialResult, WorkerMessage } from '../protocol.js';

export interface WorkerPoolOptions {
  /** Number of worker processes (>= 1). */
  readonly size: number;
  /** Path to the worker entry, `.js` (run by node) or `.ts` (run by node --import tsx). */
  readonly script: string;
  /** Extra environment variables for the workers (added to the parent's). */
  readonly env?: Record<string, string>;
  /** Called for each `epoch` message. */
  readonly onEpoch?: (index: number, record: EpochRecord, of: number) => void;
  /** How long a worker may take to send `ready`. Default 120 000 ms. */
  readonly readyTimeoutMs?: number;
  /** How long `close` waits for a worker to exit after `exit` before killing it. Default 2 000 ms. */
  readonly graceMs?: number;
  /**
   * Start the workers in their own process group, so a terminal's Ctrl-C reaches only this
   * process, which decides what happens to the trials (`assay worker` lets them finish).
   */
  readonly ownProcessGroup?: boolean;
}

interface Job {
  readonly request: TrialRequest;
  readonly resolve: (r: TrialResult) => void;
  readonly reject: (e: unknown) => void;
  readonly curves: EpochRecord[];
  readonly started: number;
}

interface Worker {
  readonly proc: WorkerProcess;
  /** The last few KB of the worker's stderr, for failure messages. */
  stderr: string;
  job: Job | null;
  closed: Promise<void>;
  alive: boolean;
}

const STDERR_TAIL = 2000;

/**
 * NOTE: stdout is dropped (libraries print banners); stderr is kept as a tail for failure
 * messages; nothing is buffered, so a long-lived worker costs no memory; `cleanup` kills the
 * worker when this process exits, on SIGINT/SIGTERM too.
 */
const SPAWN_OPTIONS = {
  ipc: true, extendEnv: true, stdin: 'ignore', stdout: 'ignore', stderr: 'pipe', buffer: false, reject: false, cleanup: true,
} as const;
type WorkerProcess = ResultPromise<typeof SPAWN_OPTIONS & { env: Record<string, string> }>;

/**
 * The result recorded for a trial that failed outside training's own error handling (the worker
 * sent `failed` or died): `error` set, the worst finite score for the objective's direction, and
 * the epochs it reported before failing.
 */
export function failedResult(request: TrialRequest, error: string, curves: readonly EpochRecord[], seconds: number): TrialResult {
  const minimize = MINIMIZED_METRICS.has(request.objective.metric);
  return {
    index: request.index, family: request.family, params: request.params,
    score: minimize ? Number.MAX_VALUE : -Number.MAX_VALUE,
    metric: request.objective.metric,
    threshold: request.objective.threshold.kind === 'fixed' ? request.objective.threshold.value : 0.5,
    bestEpoch: 0, epochs: curves.length, curves: [...curves], pruned: false, seconds,
    valProbabilities: [], error,
  };
}

function nowSeconds(): number {
  return performance.now() / 1000;
}

/** Trial workers behind a queue. Create with `WorkerPool.start`; always `close` it (in a finally). */
export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly queue: Job[] = [];
  private closing = false;

  private constructor(private readonly opts: WorkerPoolOptions) {}

  /**
   * Start `size` workers and wait until each has sent `ready`.
   * @throws AssayError `worker.start` (after killing the others) when one exits or stays silent.
   */
  static async start(opts: WorkerPoolOptions): Promise<WorkerPool> {
    if (!Number.isInteger(opts.size) || opts.size < 1) throw new AssayError('worker.options', `pool size must be a whole number >= 1, got ${opts.size}`, 2);
    const pool = new WorkerPool(opts);
    const started = await Promise.allSettled(Array.from({ length: opts.size }, () => pool.spawn()));
    for (const s of started) if (s.status === 'fulfilled') pool.workers.push(s.value);
    const failure = started.find((s) => s.status === 'rejected');
    if (failure) {
      await pool.close();
      throw (failure as PromiseRejectedResult).reason;
    }
    return pool;
  }

  /** Number of live workers. */
  get size(): number {
    return this.workers.filter((w) => w.alive).length;
  }

  /**
   * Run the requests on the workers, each once; results in request order. A trial whose worker
   * fails or dies resolves as a failed result (see `failedResult`); the call rejects only when no
   * worker can be (re)started or the pool is closed.
   */
  run(requests: readonly TrialRequest[]): Promise<TrialResult[]> {
    if (this.closing) return Promise.reject(new AssayError('worker.closed', 'the worker pool is closed'));
    const all = requests.map((request) => new Promise<TrialResult>((resolve, reject) => {
      this.queue.push({ request, resolve, reject, curves: [], started: 0 });
    }));
    this.pump();
    return Promise.all(all);
  }

  /** Ask every worker to exit, kill those still running after the grace period, and wait for them. */
  async close(): Promise<void> {
    this.closing = true;
    for (const job of this.queue.splice(0)) job.reject(new AssayError('worker.closed', 'the worker pool was closed before the trial ran'));
    const grace = this.opts.graceMs ?? 2000;
    await Promise.all(this.workers.map(async (w) => {
      if (w.alive) {
        const exit: ParentMessage = { type: 'exit' };
        w.proc.sendMessage(exit).catch(() => undefined);
        const timer = setTimeout(() => w.proc.kill('SIGKILL'), grace);
        await w.closed;
        clearTimeout(timer);
      }
      await w.closed;
    }));
  }

  private pump(): void {
    for (const w of this.workers) {
      if (this.queue.length === 0) return;
      if (w.alive && w.job === null) this.assign(w, this.queue.shift()!);
    }
  }

  private assign(w: Worker, queued: Job): void {
    const job: Job = { ...queued, started: nowSeconds() };
    w.job = job;
    const msg: ParentMessage = { type: 'run', request: job.request };
    // NOTE: a failed send means the worker is gone; its close handler fails the trial.
    w.proc.sendMessage(msg).catch(() => undefined);
  }

  private finish(w: Worker, result: TrialResult): void {
    const job = w.job;
    if (job === null) return;
    w.job = null;
    job.resolve(result);
    this.pump();
  }

  /** Spawn one worker and resolve once it is ready. */
  private spawn(): Promise<Worker> {
    const script = this.opts.script;
    const args = [...(script.endsWith('.ts') || script.endsWith('.mts') ? ['--import', import.meta.resolve('tsx')] : []), script];
    const proc = execa('node', args, { ...SPAWN_OPTIONS, env: this.opts.env ?? {}, detached: this.opts.ownProcessGroup ?? false });
    let onClose!: () => void;
    const w: Worker = { proc, stderr: '', job: null, alive: true, closed: new Promise<void>((r) => { onClose = r; }) };
    proc.stderr?.setEncoding('utf8');
    proc.stderr?.on('data', (chunk: string) => { w.stderr = (w.stderr + chunk).slice(-STDERR_TAIL); });
    void proc.then(() => undefined, () => undefined);

    return new Promise<Worker>((resolve, reject) => {
      let ready = false;
      const timeoutMs = this.opts.readyTimeoutMs ?? 120_000;
      const timer = setTimeout(() => {
        if (ready) return;
        proc.kill('SIGKILL');
        reject(new AssayError('worker.start', `trial worker ${script} sent no "ready" within ${timeoutMs} ms${tail(w.stderr)}`));
      }, timeoutMs);
      proc.on('message', (raw: unknown) => {
        const msg = raw as WorkerMessage;
        if (msg?.type === 'ready') {
          if (!ready) { ready = true; clearTimeout(timer); resolve(w); }
          return;
        }
        this.onMessage(w, msg);
      });
      // NOTE: 'close' (not 'exit') fires after the IPC channel and stderr have drained, so a
      // `done` sent just before exiting is never mistaken for a crash.
      proc.on('close', (code: number | null, signal: NodeJS.Signals | null) => {
        w.alive = false;
        clearTimeout(timer);
        const reason = exitReason(code, signal);
        onClose();
        if (!ready) {
          reject(new AssayError('worker.start', `trial worker ${script} ${reason} before it was ready${tail(w.stderr)}`));
          return;
        }
        this.onExit(w, reason);
      });
    });
  }

  private onMessage(w: Worker, msg: WorkerMessage): void {
    const job = w.job;
    if (job === null) return;
    switch (msg.type) {
      case 'ready':
        return;
      case 'epoch':
        if (msg.index !== job.request.index) return;
        job.curves.push(msg.record);
        this.opts.onEpoch?.(msg.index, msg.record, msg.of);
        return;
      case 'done':
        if (msg.result.index !== job.request.index) {
          this.finish(w, failedResult(job.request, `worker answered trial ${msg.result.index} while running trial ${job.request.index}`, job.curves, nowSeconds() - job.started));
          return;
        }
        this.finish(w, msg.result);
        return;
      case 'failed':
        this.finish(w, failedResult(job.request, msg.error, job.curves, nowSeconds() - job.started));
        return;
      default:
        return msg satisfies never;
    }
  }

  /** A worker ended: fail its trial, and replace it unless the pool is closing. */
  private onExit(w: Worker, reason: string): void {
    const job = w.job;
    w.job = null;
    if (job !== null) job.resolve(failedResult(job.request, `trial worker ${reason} during the trial${tail(w.stderr)}`, job.curves, nowSeconds() - job.started));
    if (this.closing) return;
    const at = this.workers.indexOf(w);
    this.spawn().then(
      (fresh) => {
        if (this.closing) { fresh.proc.kill('SIGKILL'); return; }
        this.workers[at] = fresh;
        this.pump();
      },
      (err: unknown) => {
        // NOTE: with no live worker left, queued trials can never run: reject them.
        if (this.workers.some((x) => x.alive)) return;
        for (const q of this.queue.splice(0)) q.reject(err);
      },
    );
  }
}

function exitReason(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal === 'SIGKILL') return 'was killed (SIGKILL; out of memory?)';
  if (signal !== null) return `was killed by ${signal}`;
  if (code === 134) return 'aborted (exit code 134; out of memory?)';
  return `exited with code ${code}`;
}

/**
 * A short account of a worker's stderr for an error message: the last error headline (a line like
 * `Error [ERR_...]: ...`, `RangeError: ...`, `FATAL ERROR: ...`) when there is one, else the last lines.
 */
function tail(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length === 0) return '';
  const headline = [...lines].reverse().find((l) => /^(\w*Error\b|FATAL|Segmentation fault)/.test(l));
  const t = headline ?? lines.slice(-3).join(' | ');
  return `: ${t.length > 500 ? `${t.slice(0, 500)}...` : t}`;
}
