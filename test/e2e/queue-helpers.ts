/** Workers, a private Redis and waiting on output lines, for the job queue's end-to-end tests. */
import { execa, type ResultPromise } from 'execa';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = path.join(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..'), 'src/cli/main.ts');

/** The Redis that .ci/run starts; unset means the queue tests skip. */
export const REDIS = process.env.ASSAY_TEST_REDIS_URL;

export interface Background {
  readonly child: ResultPromise;
  /** Everything written to stderr so far. */
  output(): string;
  /** Resolves once stderr matches `pattern`; rejects if the process exits first or after `ms`. */
  waitFor(pattern: RegExp, ms?: number): Promise<void>;
}

/** Start `assay ARGS` in the background, collecting its stderr. */
export function background(args: readonly string[], opts: { cwd: string; env?: Record<string, string> }): Background {
  const child = execa('node', ['--import', import.meta.resolve('tsx'), MAIN, ...args], { cwd: opts.cwd, reject: false, stdin: 'ignore', env: { ...opts.env, ASSAY_CACHE_DIR: '' }, extendEnv: true });
  let stderr = '';
  const waiters: (() => void)[] = [];
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const w of waiters.splice(0)) w();
  });
  let exited = false;
  void child.then(() => { exited = true; for (const w of waiters.splice(0)) w(); });
  return {
    child,
    output: () => stderr,
    waitFor: (pattern, ms = 90_000) => new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${ms} ms; stderr so far:\n${stderr}`)), ms);
      const check = () => {
        if (pattern.test(stderr)) { clearTimeout(timer); resolve(); return; }
        if (exited) { clearTimeout(timer); reject(new Error(`exited before ${pattern}; stderr:\n${stderr}`)); return; }
        waiters.push(check);
      };
      check();
    }),
  };
}

/** `assay worker` on `url`, ready to serve. */
export async function startWorker(url: string, store: string, cacheDir: string, cwd: string, extra: readonly string[] = []): Promise<Background> {
  const w = background(['worker', '--queue', url, '--store', store, '--cache-dir', cacheDir, '--lock-seconds', '2', ...extra], { cwd });
  await w.waitFor(/^worker \S+: backend/m);
  return w;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * A private `redis-server` on `port`. With `dir`, it keeps its data there (append-only file,
 * fsync on every write), so one killed and started again on the same `dir` comes back with its
 * keys, as a Redis with persistence does after a crash.
 */
export async function startRedis(port: number, dir?: string): Promise<{ kill(): Promise<void> }> {
  const persist = dir ? ['--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
  const child = execa('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persist], { reject: false, stdin: 'ignore' });
  for (let i = 0; i < 100; i++) {
    // NOTE: not the child itself: a promise of it would wait for the server to exit.
    if ((await execa('redis-cli', ['-p', String(port), 'ping'], { reject: false })).stdout === 'PONG') return { kill: async () => { child.kill('SIGKILL'); await child; } };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`redis-server on port ${port} did not answer`);
}

/** Every key of the Redis on `port` (sorted). */
export async function redisKeys(port: number): Promise<string[]> {
  const out = (await execa('redis-cli', ['-p', String(port), '--scan'], { reject: false })).stdout;
  return out.split('\n').filter(Boolean).sort();
}
