/**
 * Where the views get their data: the server's JSON API, or, in a static export, the `data/*.js`
 * files next to index.html (classic scripts, because `fetch` does not read file:// pages).
 */
import type { Comparison, RunDetail, RunRow } from './types.js';

export interface RunsData {
  readonly runsDir: string | null;
  readonly runs: RunRow[];
  /** Static export only: run key -> data file, and `a|b` -> comparison file. */
  readonly files?: Record<string, string>;
  readonly compares?: Record<string, string>;
}

declare global {
  interface Window { __assayData?: Record<string, unknown> }
}

export const isStatic = document.querySelector('meta[name="assay-mode"]')?.getAttribute('content') === 'static';

/** Prefix of run-folder files (report.html, gallery pictures). */
export const filesBase = isStatic ? 'runs/' : '/runs/';

function loadScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    s.onload = () => resolve();
    s.onerror = () => reject(new Error(`cannot load ${src}`));
    document.head.append(s);
  });
}

async function staticData<T>(key: string, file: string | undefined): Promise<T | null> {
  const store = (window.__assayData ??= {});
  if (!(key in store)) {
    if (!file) return null;
    await loadScript(file);
  }
  return (store[key] as T | undefined) ?? null;
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${(await res.text()).trim()}`);
  return (await res.json()) as T;
}

export async function loadRuns(): Promise<RunsData> {
  if (isStatic) return (await staticData<RunsData>('runs', 'data/runs.js'))!;
  return getJson<RunsData>('/api/runs');
}

const runPath = (key: string) => key.split('/').map(encodeURIComponent).join('/');

export async function loadRun(key: string): Promise<RunDetail> {
  if (isStatic) {
    const runs = await loadRuns();
    const d = await staticData<RunDetail>(`run:${key}`, runs.files?.[key]);
    if (!d) throw new Error(`no run ${key} in this export`);
    return d;
  }
  return getJson<RunDetail>(`/api/run/${runPath(key)}`);
}

/** The comparison of `keys` (first = baseline), or null in an export that did not compute it. */
export async function loadCompare(keys: readonly string[]): Promise<Comparison | null> {
  if (isStatic) {
    // The export holds pairs (baseline|other); several runs are the baseline's pairs put together.
    const files = (await loadRuns()).compares ?? {};
    const others = [];
    for (const k of keys.slice(1)) {
      const pair = `${keys[0]}|${k}`;
      const c = await staticData<Comparison>(`compare:${pair}`, files[pair]);
      if (c) others.push(...c.others);
    }
    return others.length ? { base: keys[0]!, others } : null;
  }
  return getJson<Comparison>(`/api/compare?runs=${keys.map(encodeURIComponent).join(',')}`);
}

/** Live progress of a run over server-sent events; returns a function that stops listening. */
export function watchRun(key: string, onProgress: (data: unknown) => void, onEnd: () => void): () => void {
  const es = new EventSource(`/api/events/${runPath(key)}`);
  es.addEventListener('progress', (e) => onProgress(JSON.parse((e as MessageEvent<string>).data)));
  es.addEventListener('end', () => {
    es.close();
    onEnd();
  });
  return () => es.close();
}
