/**
 * Worker entry of the decode pool: says `{ ready: true }` once loaded, then receives DecodeTask
 * messages and answers each with BatchResult[] (pixel buffers transferred).
 */
import { parentPort } from 'node:worker_threads';
import { decodeBatch, type DecodeTask } from './decode-batch.js';

const port = parentPort;
if (!port) throw new Error('decode-worker must run as a worker thread');
port.on('message', (msg: { id: number; task: DecodeTask }) => {
  decodeBatch(msg.task).then(
    (results) => port.postMessage({ id: msg.id, results }, results.flatMap((r) => (r.ok ? [r.data.buffer as ArrayBuffer] : []))),
    (err: unknown) => port.postMessage({ id: msg.id, error: String(err) }),
  );
});
port.postMessage({ ready: true });
