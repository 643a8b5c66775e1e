import os from 'node:os';
import path from 'node:path';
import { startQueueWorker, UsageError } from '../../index.js';
import { parse } from '../args.js';
import type { Command } from './index.js';

const BACKENDS = ['auto', 'wasm', 'cpu', 'tensorflow', 'tensorflow-gpu'] as const;

export const workerCommand: Command = {
  name: 'worker',
  summary: 'serve trials from a job queue (for assay run --queue)',
  help: `Usage: assay worker --queue URL --store URL [--concurrency N] [--backend NAME] [--cache-dir DIR]

Runs trials for \`assay run --queue URL\` on this machine, until stopped. Serves one run at a
time, oldest first; prints one line per trial. Ctrl-C or SIGTERM: takes no new trial, finishes
the ones in progress and exits 0; a second signal puts them back on the queue at once.

Options:
  --queue URL        the Redis the runs use: redis://[:password@]host:6379 (default $ASSAY_QUEUE)
  --store URL        the artifact store the runs use: file:///shared/dir or s3://bucket/prefix
                     (default $ASSAY_STORE; S3 settings from the standard AWS_* variables)
  --concurrency N    trials at once, one process each (default 1)
  --backend NAME     auto | wasm | cpu | tensorflow | tensorflow-gpu (default auto). A trial
                     runs only on the backend its run resolved: a worker on another backend,
                     assay version or tfjs version refuses it, saying what differs, puts it back
                     on the queue for another worker and leaves that run's queue
  --cache-dir DIR    local copies of fetched artifacts (default $ASSAY_WORKER_CACHE or
                     ~/.cache/assay/worker)
  --lock-seconds S   a trial whose worker falls silent this long (killed, cut off) goes to
                     another worker (default 30)

A GPU machine joins like any other: install assay and @tensorflow/tfjs-node-gpu there (CUDA as
tfjs-node-gpu requires; check with \`assay doctor\`) and start \`assay worker --backend
tensorflow-gpu\`. It serves runs whose backend resolves to tensorflow-gpu, which the machine
running \`assay run\` must resolve too (it evaluates the hold-out with the same backend).
`,
  async run(argv) {
    const { values } = parse(argv, {
      queue: { type: 'string' }, store: { type: 'string' }, concurrency: { type: 'string' }, backend: { type: 'string' },
      'cache-dir': { type: 'string' }, 'lock-seconds': { type: 'string' },
    }, { positionals: [0, 0] });
    const url = values.queue ?? process.env.ASSAY_QUEUE;
    if (!url) throw new UsageError('--queue URL is required (or set ASSAY_QUEUE)');
    const store = values.store ?? process.env.ASSAY_STORE;
    if (!store) throw new UsageError('--store URL is required (or set ASSAY_STORE): the artifact store the runs use');
    const concurrency = Number(values.concurrency ?? '1');
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency must be a whole number >= 1, got ${values.concurrency}`);
    const lockSeconds = Number(values['lock-seconds'] ?? '30');
    if (!Number.isFinite(lockSeconds) || lockSeconds < 1) throw new UsageError(`--lock-seconds must be a number >= 1, got ${values['lock-seconds']}`);
    const backend = values.backend ?? 'auto';
    if (!(BACKENDS as readonly string[]).includes(backend)) throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')}, got ${backend}`);
    const cacheDir = path.resolve(values['cache-dir'] ?? process.env.ASSAY_WORKER_CACHE ?? path.join(os.homedir(), '.cache', 'assay', 'worker'));
    const worker = await startQueueWorker({
      url, store, cacheDir, concurrency, backend: backend as (typeof BACKENDS)[number], lockMs: Math.round(lockSeconds * 1000),
      log: (line) => process.stderr.write(`${line}\n`),
    });
    let signals = 0;
    const onSignal = () => { signals++; worker.stop(signals === 1 ? 'finish' : 'release'); };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    await worker.done;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    return 0;
  },
};
