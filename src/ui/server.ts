/**
 * `assay ui`'s HTTP server (node:http): the app shell and its built assets, a small JSON API over
 * the runs folder, server-sent events for a run in progress, and the files of run folders (and
 * nothing else). Binds to 127.0.0.1 unless told otherwise; on any other address every request
 * needs the token printed at start (a query parameter once, then a same-site cookie).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { compareRunFolders } from './compare.js';
import { readRunDetail } from './run-detail.js';
import { RunIndex, type RunRow } from './run-index.js';
import { APP_CSP, FILE_CSP, appPage, assetsDir } from './page.js';
import { contentType, isRunKey, runFile, safeSegments } from './safe-path.js';
import { readProgress } from '../store/run-folder.js';

export interface UiServerOptions {
  readonly runsDir: string;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Required on every request when set (always set for a non-loopback host). */
  readonly token?: string | null;
  /** Milliseconds between two looks at a live run's progress record. */
  readonly pollMs?: number;
}

export interface UiServer {
  readonly server: Server;
  readonly url: string;
  readonly token: string | null;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** Whether `host` is a loopback address (no token needed). */
export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host);
}

/** Keys of the resolved pipeline whose value is the same in every row are dropped: they never make a column. */
export function varyingParams(rows: readonly RunRow[]): RunRow[] {
  const seen = new Map<string, string | null>();
  for (const r of rows) for (const [k, v] of Object.entries(r.params)) seen.set(k, seen.has(k) && seen.get(k) !== v ? null : v);
  const varying = new Set<string>();
  for (const [k, v] of seen) if (v === null || rows.some((r) => !(k in r.params))) varying.add(k);
  // As in `assay runs`: keys that name or describe rather than configure are not parameters.
  for (const k of ['name', 'description', 'version', 'assay']) varying.delete(k);
  return rows.map((r) => ({ ...r, params: Object.fromEntries(Object.entries(r.params).filter(([k]) => varying.has(k))) }));
}

/** Start the server; resolves once it listens. */
export async function startUiServer(opts: UiServerOptions): Promise<UiServer> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token !== undefined ? opts.token : isLoopback(host) ? null : randomBytes(18).toString('base64url');
  const runsDir = await realpath(opts.runsDir).catch(() => path.resolve(opts.runsDir));
  const assets = assetsDir();
  const assetFiles = new Set(await readdir(assets));
  const index = new RunIndex(runsDir);
  // Read the runs folder once now, so the first page load finds the rows cached.
  const warming = index.rows().catch(() => []);
  const page = appPage({ mode: 'server', prefix: '/' });
  const pollMs = opts.pollMs ?? 250;
  const streams = new Set<ServerResponse>();

  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...extra });
    res.end(body);
  };
  const json = (res: ServerResponse, value: unknown) => send(res, 200, 'application/json; charset=utf-8', JSON.stringify(value));
  const notFound = (res: ServerResponse) => send(res, 404, 'text/plain; charset=utf-8', 'not found\n');

  const authorized = (req: IncomingMessage, res: ServerResponse, url: URL): boolean => {
    if (token === null) return true;
    const given = url.searchParams.get('token') ?? /(?:^|;\s*)assay_token=([^;]+)/.exec(req.headers.cookie ?? '')?.[1] ?? '';
    const ok = given.length === token.length && timingSafeEqual(Buffer.from(given), Buffer.from(token));
    if (!ok) {
      send(res, 401, 'text/plain; charset=utf-8', 'this assay ui needs its token: open the URL printed when it started\n');
      return false;
    }
    if (url.searchParams.has('token')) {
      url.searchParams.delete('token');
      res.writeHead(303, { location: `${url.pathname}${url.search}`, 'set-cookie': `assay_token=${token}; HttpOnly; SameSite=Strict; Path=/` });
      res.end();
      return false;
    }
    return true;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('content-security-policy', APP_CSP);
    const rawPath = (req.url ?? '/').split('?')[0]!;
    const url = new URL(req.url ?? '/', 'http://assay.invalid');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', { allow: 'GET, HEAD' });
    if (!authorized(req, res, url)) return;
    if (rawPath === '/' || rawPath === '/index.html') return send(res, 200, 'text/html; charset=utf-8', page);
    const segs = safeSegments(rawPath);
    if (!segs) return notFound(res);
    const [head, ...rest] = segs;
    if (head === 'assets' && rest.length === 1 && assetFiles.has(rest[0]!)) {
      return send(res, 200, contentType(rest[0]!), await readFile(path.join(assets, rest[0]!)), { 'cache-control': 'no-cache' });
    }
    if (head === 'api') return api(rest, url, req, res);
    if (head === 'runs' && rest.length >= 3) {
      const file = await runFile(runsDir, rest[0]!, rest[1]!, rest.slice(2));
      if (!file) return notFound(res);
      res.setHeader('content-security-policy', FILE_CSP);
      res.writeHead(200, { 'content-type': contentType(file), 'cache-control': 'no-cache', 'content-length': (await stat(file)).size });
      if (req.method === 'HEAD') return res.end();
      createReadStream(file).pipe(res);
      return;
    }
    return notFound(res);
  };

  const runDir = (name: string, id: string) => path.join(runsDir, name, id);
  const exists = async (name: string, id: string) => isRunKey(name, id) && (await stat(runDir(name, id)).then((s) => s.isDirectory(), () => false));

  const api = async (segs: readonly string[], url: URL, req: IncomingMessage, res: ServerResponse) => {
    const [what, name, id] = segs;
    if (what === 'runs' && segs.length === 1) return json(res, { runsDir, runs: varyingParams(await index.rows()) });
    if (what === 'run' && segs.length === 3 && await exists(name!, id!)) {
      return json(res, await readRunDetail(runDir(name!, id!), await index.row(name!, id!)));
    }
    if (what === 'compare' && segs.length === 1) {
      const keys = (url.searchParams.get('runs') ?? '').split(',').filter(Boolean);
      const runs = [];
      for (const key of keys) {
        const [n, i, more] = key.split('/');
        if (more !== undefined || !n || !i || !(await exists(n, i))) return notFound(res);
        runs.push({ key, dir: runDir(n, i) });
      }
      if (runs.length < 2) return send(res, 400, 'text/plain; charset=utf-8', 'compare needs two or more runs (?runs=name/id,name/id)\n');
      try {
        return json(res, await compareRunFolders(runs));
      } catch (err) {
        return send(res, 422, 'text/plain; charset=utf-8', `${(err as Error).message}\n`);
      }
    }
    if (what === 'events' && segs.length === 3 && await exists(name!, id!)) return events(name!, id!, req, res);
    return notFound(res);
  };

  /** Server-sent events: `progress` whenever the record or the run's status changes, then `end`. */
  const events = async (name: string, id: string, req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    streams.add(res);
    let last = '';
    let timer: NodeJS.Timeout | null = null;
    let beats = 0;
    const stop = () => {
      if (timer) clearTimeout(timer);
      timer = null;
      streams.delete(res);
    };
    req.on('close', stop);
    const look = async () => {
      if (!streams.has(res)) return;
      const row = await index.row(name, id);
      const progress = await readProgress(runDir(name, id));
      const data = JSON.stringify({ row, progress });
      if (data !== last) {
        last = data;
        res.write(`event: progress\ndata: ${data}\n\n`);
      } else if (beats % Math.ceil(15_000 / pollMs) === 0) res.write(': keep-alive\n\n');
      beats++;
      // An incomplete folder with no progress record (a run from before records, or one that died
      // at once) gets a few seconds for its record to appear, not a stream forever.
      if (row.status !== 'running' && (row.status !== 'incomplete' || (progress === null && beats > 5_000 / pollMs))) {
        res.write('event: end\ndata: {}\n\n');
        stop();
        res.end();
        return;
      }
      timer = setTimeout(() => void look().catch(() => { stop(); res.end(); }), pollMs);
    };
    await look();
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', `internal error: ${(err as Error).message}\n`);
      else res.end();
    });
  });
  await warming;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 4173, host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port ?? 4173;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    server, token,
    url: `http://${shown}:${port}/${token ? `?token=${token}` : ''}`,
    async close() {
      for (const s of streams) s.end();
      streams.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
