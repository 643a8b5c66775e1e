import { request } from 'node:http';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUiServer, type UiServer } from '../../../src/ui/server.js';
import { writeGeneratedRuns, type GeneratedRun } from '../../fixtures/ui-runs.js';

let tmp: string, runsDir: string, ui: UiServer, runs: GeneratedRun[];

/** GET with the path sent exactly as given (no client-side normalisation of `..`). */
function get(base: string, rawPath: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: rawPath, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'assay-ui-server-'));
  runsDir = path.join(tmp, 'runs');
  runs = await writeGeneratedRuns(runsDir, 6);
  const assets = path.join(tmp, 'assets');
  await mkdir(assets);
  await writeFile(path.join(assets, 'app.js'), '/* app */');
  await writeFile(path.join(assets, 'app.css'), '/* css */');
  process.env.ASSAY_UI_ASSETS = assets;
  const first = runs[0]!;
  await writeFile(path.join(runsDir, first.name, first.id, 'report.html'), '<p>report</p>');
  await writeFile(path.join(tmp, 'secret.txt'), 'secret');
  await symlink(path.join(tmp, 'secret.txt'), path.join(runsDir, first.name, first.id, 'leak.html'));
  ui = await startUiServer({ runsDir, port: 0, pollMs: 20 });
});
afterAll(async () => {
  await ui?.close();
  delete process.env.ASSAY_UI_ASSETS;
  await rm(tmp, { recursive: true, force: true });
});

describe('assay ui server', () => {
  it('serves the app shell under a strict Content-Security-Policy on loopback without a token', async () => {
    expect(ui.token).toBeNull();
    expect(ui.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const r = await get(ui.url, '/');
    expect(r.status).toBe(200);
    expect(r.body).toContain('<script src="/assets/app.js" defer>');
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });

  it('lists the runs with only the parameters that vary between them', async () => {
    const r = JSON.parse((await get(ui.url, '/api/runs')).body) as { runs: { key: string; status: string; params: Record<string, string> }[] };
    expect(r.runs).toHaveLength(6);
    expect(r.runs[0]!.key).toBe(`${runs[5]!.name}/${runs[5]!.id}`);
    expect(r.runs.find((x) => x.key.endsWith(runs[5]!.id))!.status).toBe('failed');
    // name and description vary too, but have their own columns.
    expect(Object.keys(r.runs[0]!.params).sort()).toEqual(['model.training.epochs', 'search.trials']);
  });

  it('serves a run folder file with a no-script policy', async () => {
    const f = runs[0]!;
    const r = await get(ui.url, `/runs/${f.name}/${f.id}/report.html`);
    expect(r.status).toBe(200);
    expect(r.body).toBe('<p>report</p>');
    expect(String(r.headers['content-security-policy'])).toContain('sandbox');
  });

  it('answers 404 to traversal, encoded traversal, symbolic links and anything outside run folders', async () => {
    const f = runs[0]!;
    const paths = [
      `/runs/${f.name}/${f.id}/../${f.id}/lock.json`, `/runs/${f.name}/${f.id}/%2e%2e/%2e%2e/%2e%2e/secret.txt`, '/runs/%2e%2e/secret.txt',
      `/runs/${f.name}/${f.id}/..%2f..%2f..%2fsecret.txt`, `/runs/${f.name}/${f.id}/leak.html`, '/assets/../package.json', '/assets/%2e%2e/package.json',
      '/secret.txt', '/runs/.cache/x/y', `/api/run/${f.name}/..`, '/api/run/%2e%2e/%2e%2e',
    ];
    for (const p of paths) expect([p, (await get(ui.url, p)).status]).toEqual([p, 404]);
  });

  it('refuses a comparison of fewer than two runs or of unknown runs', async () => {
    const f = runs[0]!;
    expect((await get(ui.url, `/api/compare?runs=${f.name}/${f.id}`)).status).toBe(400);
    expect((await get(ui.url, `/api/compare?runs=${f.name}/${f.id},${f.name}/20990101-000000-000-ffff`)).status).toBe(404);
    expect((await get(ui.url, '/api/compare?runs=../x,../y')).status).toBe(404);
  });

  it('streams a running run\'s progress record and ends when the run has finished', async () => {
    const dir = path.join(runsDir, 'live', '20250202-000000-000-abcd');
    await mkdir(dir, { recursive: true });
    const record = (state: string, done: number) => JSON.stringify({ progressVersion: 1, run: 'x', name: 'live', version: 1, pid: process.pid, state, startedAt: '2025-01-01T00:00:00Z', updatedAt: '2025-01-01T00:00:01Z', stage: 'search', work: null, stages: [], trials: { done, planned: 2, best: 0.5, metric: 'f1' }, etaSeconds: 1, error: null });
    await writeFile(path.join(dir, 'running.json'), JSON.stringify({ pid: process.pid, host: hostname(), startedAt: '2025-01-01T00:00:00Z' }));
    await writeFile(path.join(dir, 'progress.json'), record('running', 1));
    const u = new URL(ui.url);
    const events: string[] = [];
    const ended = new Promise<void>((resolve, reject) => {
      const req = request({ host: u.hostname, port: u.port, path: '/api/events/live/20250202-000000-000-abcd' }, (res) => {
        expect(res.headers['content-type']).toContain('text/event-stream');
        let buf = '';
        res.on('data', (c: Buffer) => {
          buf += c.toString();
          let i;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const ev = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const name = /^event: (\w+)/m.exec(ev)?.[1];
            if (!name) continue;
            const data = JSON.parse(/^data: (.*)$/m.exec(ev)![1]!) as { row?: { status: string; trials: { done: number } } };
            events.push(name === 'progress' ? `${data.row!.status}:${data.row!.trials.done}` : name);
            if (events.length === 1) void writeFile(path.join(dir, 'progress.json'), record('running', 2)).then(() => setTimeout(() => {
              // As a run ends: metrics.json, then the lock (last).
              void writeFile(path.join(dir, 'metrics.json'), JSON.stringify({ objective: { metric: 'f1' }, holdout: { metrics: { f1: 0.5 } }, search: { trials: 2, planned: 2 } }))
                .then(() => writeFile(path.join(dir, 'lock.json'), JSON.stringify({ status: 'finished', pipeline: { version: 1 } })));
            }, 100));
          }
        });
        res.on('end', () => resolve());
      });
      req.on('error', reject);
      req.end();
    });
    await ended;
    expect(events[0]).toBe('running:1');
    expect(events).toContain('running:2');
    expect(events.at(-2)).toBe('finished:2');
    expect(events.at(-1)).toBe('end');
  });
});

describe('assay ui server beyond loopback', () => {
  it('needs the token: 401 without, a cookie and redirect with it, then the cookie is enough', async () => {
    const s = await startUiServer({ runsDir, port: 0, token: 'tok-123' });
    try {
      expect(s.url).toMatch(/\?token=tok-123$/);
      expect((await get(s.url, '/api/runs')).status).toBe(401);
      expect((await get(s.url, '/api/runs?token=wrong')).status).toBe(401);
      const r = await get(s.url, '/?token=tok-123');
      expect(r.status).toBe(303);
      expect(r.headers.location).toBe('/');
      const cookie = String(r.headers['set-cookie']).split(';')[0]!;
      expect(cookie).toBe('assay_token=tok-123');
      expect((await get(s.url, '/api/runs', { cookie })).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('makes up a token when bound beyond loopback and none is given', async () => {
    const s = await startUiServer({ runsDir, port: 0, host: '0.0.0.0' });
    try {
      expect(s.token).toMatch(/^[\w-]{20,}$/);
      expect(s.url).toContain(`?token=${s.token}`);
    } finally {
      await s.close();
    }
  });
});
