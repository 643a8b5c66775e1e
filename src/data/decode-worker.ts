/**
 * Worker entry of the decode pool: says `{ ready: true }` once loaded, then receives DecodeTask
 * messages and answers each with BatchResult[]. When the message names a shared output block, the
 * pixels are written there and only sizes and errors travel back; otherwise the pixel buffers are
 * transferred.
 */
import { parentPort } from 'node:worker_threads';
import { decodeBatch, writeShared, type DecodeTask, type SharedOut } from './decode-batch.js';

const port = parentPort;
if (!port) throw new Error('decode-worker must run as a worker thread');
port.on('message', (msg: { id: number; task: DecodeTask; out?: SharedOut }) => {
  decodeBatch(msg.task).then(
    (decoded) => {
      const results = msg.out ? writeShared(decoded, msg.out) : decoded;
      port.postMessage({ id: msg.id, results }, results.flatMap((r) => (r.ok && r.data.length > 0 ? [r.data.buffer as ArrayBuffer] : [])));
    },
    (err: unknown) => port.postMessage({ id: msg.id, error: String(err) }),
  );
});
port.postMessage({ ready: true });
