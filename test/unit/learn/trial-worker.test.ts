import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, readdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { writeTensor } from '../../../src/store/tensor-file.js';
import type { ParentMessage, TrialRequest, WorkerMessage } from '../../../src/learn/protocol.js';
import { brightDark, request } from './trial-fixtures.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'assay-worker-'));
  const train = brightDark(24, 8, 'w-train');
  const val = brightDark(12, 8, 'w-val');
  await writeTensor(path.join(dir, 'train-x'), train.x, train.shape);
  await writeTensor(path.join(dir, 'train-y'), train.y, [train.y.length]);
  await writeTensor(path.join(dir, 'val-x'), val.x, val.shape);
  await writeTensor(path.join(dir, 'val-y'), val.y, [val.y.length]);
  const nan = Float32Array.from(train.x); nan[70] = NaN;
  await writeTensor(path.join(dir, 'nan-x'), nan, train.shape);
});

afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

function trial(index: number, over: Partial<TrialRequest['data']> = {}, modelDir: string | null = null): TrialRequest {
  const base = request({ backend: 'wasm', params: { blocks: 1, filters: 2, 'batch-size': 8 }, training: { epochs: 2 }, modelDir });
  return {
    ...base,
    index,
    data: { ...base.data, trainX: path.join(dir, 'train-x'), trainY: path.join(dir, 'train-y'), valX: path.join(dir, 'val-x'), valY: path.join(dir, 'val-y'), ...over },
  };
}

/**
 * Messages from the worker in arrival order, and a way to wait for the next one of a type that
 * fails fast (with the worker's stderr) when the worker exits first.
 */
function inbox(child: {
  on(event: 'message', listener: (m: WorkerMessage) => void): unknown;
  on(event: 'exit', listener: (code: number | null) => void): unknown;
  stderr: NodeJS.ReadableStream | null;
}) {
  const seen: WorkerMessage[] = [];
  const waiters: (() => void)[] = [];
  let stderr = '';
  let exited: number | null | undefined;
  child.stderr?.on('data', (b: Buffer) => { stderr += b.toString(); });
  child.on('message', (m: WorkerMessage) => { seen.push(m); waiters.splice(0).forEach((w) => w()); });
  child.on('exit', (code: number | null) => { exited = code; waiters.splice(0).forEach((w) => w()); });
  let read = 0;
  return {
    seen,
    async next(type: WorkerMessage['type']): Promise<WorkerMessage> {
      for (;;) {
        while (read < seen.length) {
          const m = seen[read++]!;
          if (m.type === type) return m;
        }
        if (exited !== undefined) throw new Error(`worker exited (${exited}) before sending "${type}": ${stderr}`);
        await new Promise<void>((r) => waiters.push(r));
      }
    },
  };
}

describe('trial-worker over IPC', () => {
  it('says ready, runs a trial with epoch messages, reports a failed trial and stays usable, exits on request', async () => {
    const child = execa('node', ['--import', 'tsx', 'src/learn/trial-worker.ts'], {
      ipc: true,
      serialization: 'json',
      env: { ASSAY_BACKEND: 'wasm' },
      reject: false,
    });
    const box = inbox(child);
    const send = (m: ParentMessage) => child.send(m);

    expect(await box.next('ready')).toEqual({ type: 'ready', backend: 'wasm' });

    const modelDir = path.join(dir, 'model');
    send({ type: 'run', request: trial(3, {}, modelDir) });
    const done = await box.next('done');
    const epochs = box.seen.filter((m) => m.type === 'epoch');
    expect(epochs.map((m) => m.type === 'epoch' && [m.index, m.record.epoch, m.of])).toEqual([[3, 1, 2], [3, 2, 2]]);
    expect(done.type === 'done' && done.result.index).toBe(3);
    expect(done.type === 'done' && done.result.valProbabilities).toHaveLength(12);
    expect((await readdir(modelDir)).length).toBeGreaterThan(0);

    send({ type: 'run', request: trial(4, { trainX: path.join(dir, 'nan-x') }) });
    expect(await box.next('failed')).toEqual({ type: 'failed', index: 4, error: 'training data: non-finite value NaN at row 1' });

    send({ type: 'run', request: trial(5, { valX: path.join(dir, 'missing') }) });
    const missing = await box.next('failed');
    expect(missing.type === 'failed' && missing.error).toMatch(/ENOENT.*missing\.json/);

    send({ type: 'run', request: trial(6) });
    const again = await box.next('done');
    expect(again.type === 'done' && again.result.index).toBe(6);
    // same request, same process or not: same result
    expect(again.type === 'done' && again.result.valProbabilities).toEqual(done.type === 'done' && done.result.valProbabilities);

    send({ type: 'exit' });
    const result = await child;
    expect(result.exitCode).toBe(0);
  });

  it('exits when its parent disconnects', async () => {
    const child = execa('node', ['--import', 'tsx', 'src/learn/trial-worker.ts'], { ipc: true, serialization: 'json', env: { ASSAY_BACKEND: 'wasm' }, reject: false });
    await inbox(child).next('ready');
    child.disconnect();
    expect((await child).exitCode).toBe(0);
  });

  it('runs compiled, with plain node', async () => {
    const out = path.join(dir, 'build');
    const tsc = await execa('node', [
      'node_modules/typescript/bin/tsc', '--outDir', path.join(out, 'dist'), '--rootDir', 'src', '--module', 'NodeNext',
      '--moduleResolution', 'NodeNext', '--target', 'ES2022', '--strict', '--skipLibCheck', '--esModuleInterop', '--types', 'node',
      'src/learn/trial-worker.ts',
    ], { reject: false });
    expect(tsc.stdout).toBe('');
    await symlink(path.resolve('node_modules'), path.join(out, 'node_modules'));
    await writeFile(path.join(out, 'package.json'), '{"type":"module"}');
    const child = execa('node', [path.join(out, 'dist/learn/trial-worker.js')], { ipc: true, serialization: 'json', env: { ASSAY_BACKEND: 'wasm' }, reject: false });
    const box = inbox(child);
    await box.next('ready');
    child.send({ type: 'run', request: trial(8) } satisfies ParentMessage);
    const done = await box.next('done');
    expect(done.type === 'done' && done.result.epochs).toBe(2);
    child.send({ type: 'exit' } satisfies ParentMessage);
    expect((await child).exitCode).toBe(0);
  });
});
