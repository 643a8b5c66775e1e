/**
 * `assay ui` over 1,000 generated run folders: the server reading the runs folder (first read,
 * then with its row cache warm) and, when a Chromium is at hand ($ASSAY_TEST_CHROMIUM or
 * /usr/bin/chromium), the time from navigation to the runs table shown, first load and reloads.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeGeneratedRuns } from '../test/fixtures/ui-runs.js';
import { RunIndex } from '../src/ui/run-index.js';

export interface UiBench {
  readonly runs: number;
  readonly indexColdMs: number;
  readonly indexWarmMs: number;
  readonly apiBytes: number;
  readonly browser: { readonly firstLoadMs: number; readonly reloadMs: readonly number[] } | null;
}

export async function benchUi(n = 1000): Promise<UiBench> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'assay-bench-ui-'));
  try {
    await writeGeneratedRuns(dir, n);
    const index = new RunIndex(dir);
    let t = performance.now();
    await index.rows();
    const indexColdMs = performance.now() - t;
    t = performance.now();
    const rows = await index.rows();
    const indexWarmMs = performance.now() - t;
    const chromiumPath = process.env.ASSAY_TEST_CHROMIUM ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : null);
    let browser: UiBench['browser'] = null;
    if (chromiumPath && existsSync(path.resolve('dist/ui-app/app.js'))) {
      const { startUiServer } = await import('../src/ui/server.js');
      const { chromium } = await import('playwright-core');
      const ui = await startUiServer({ runsDir: dir, port: 0 });
      const b = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
      try {
        const page = await b.newPage({ viewport: { width: 1360, height: 860 } });
        const load = async (first: boolean) => {
          const t0 = performance.now();
          if (first) await page.goto(ui.url); else await page.reload();
          await page.waitForSelector('#view[data-ready]');
          return Math.round(performance.now() - t0);
        };
        const firstLoadMs = await load(true);
        const reloadMs = [await load(false), await load(false), await load(false)];
        browser = { firstLoadMs, reloadMs };
      } finally {
        await b.close();
        await ui.close();
      }
    }
    return { runs: rows.length, indexColdMs: Math.round(indexColdMs), indexWarmMs: Math.round(indexWarmMs), apiBytes: JSON.stringify(rows).length, browser };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
