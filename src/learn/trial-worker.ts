/**
 * Trial worker: a child-process entry that runs trials sent by its parent over Node IPC.
 *
 * Protocol (src/learn/protocol.ts): on start, init the backend named by env `ASSAY_BACKEND`
 * (default 'auto') and send `{type: 'ready', backend}`. For each `run`, send an `epoch` message per
 * epoch and then `done`, or `failed` with the error message; the worker stays alive for the next
 * trial. Runs are handled one at a time in arrival order. `exit` or a lost IPC channel ends the
 * process. Run compiled (`node dist/learn/trial-worker.js`) or from source
 * (`node --import tsx src/learn/trial-worker.ts`), always with an IPC channel.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { BackendChoice } from '../core/spec.js';
import type { ParentMessage, TrialRequest, WorkerMessage } from './protocol.js';
import { initBackend } from './backend/backend.js';
import { runTrialInProcess } from './run-trial.js';

function send(msg: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (process.send === undefined || !process.connected) { resolve(); return; }
    process.send(msg, undefined, undefined, () => resolve());
  });
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function runOne(request: TrialRequest): Promise<void> {
  try {
    const result = await runTrialInProcess(request, {
      onEpoch: (record, of) => { void send({ type: 'epoch', index: request.index, record, of }); },
    });
    await send({ type: 'done', result });
  } catch (err) {
    await send({ type: 'failed', index: request.index, error: messageOf(err) });
  }
}

/** Start serving trials over IPC (called when this file is the process entry). */
export async function main(): Promise<void> {
  if (process.send === undefined) {
    process.stderr.write('trial-worker: needs an IPC channel (spawn it with ipc / fork)\n');
    process.exit(2);
  }
  let queue: Promise<void> = Promise.resolve();
  process.on('disconnect', () => process.exit(0));
  process.on('message', (raw: unknown) => {
    const msg = raw as ParentMessage;
    if (msg?.type === 'exit') process.exit(0);
    else if (msg?.type === 'run') queue = queue.then(() => runOne(msg.request));
  });
  const choice = (process.env['ASSAY_BACKEND'] ?? 'auto') as BackendChoice;
  try {
    const info = await initBackend(choice);
    await send({ type: 'ready', backend: info.name });
  } catch (err) {
    process.stderr.write(`trial-worker: backend ${choice} failed to start: ${messageOf(err)}\n`);
    process.exit(1);
  }
}

function isEntry(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return pathToFileURL(realpathSync(entry)).href === import.meta.url;
  } catch {
    return false;
  }
}

if (isEntry()) void main();
