/**
 * `assay ui --export DIR`: the same views as a static site that works from `file://` (a CI
 * artifact, a pages site). Data goes into `data/*.js` files that set a global (a classic script
 * loads from `file://`, `fetch` does not); each run's report, charts and gallery are copied under
 * `runs/<name>/<id>/`. Comparisons (older run as the baseline) are computed here for consecutive
 * runs of each pipeline, or for every pair when there are few runs; other selections show values
 * without the noise marking.
 */
import { cp, lstat, mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { compareRunFolders } from './compare.js';
import { readRunDetail } from './run-detail.js';
import { RunIndex, mapLimit } from './run-index.js';
import { appPage, assetsDir } from './page.js';
import { varyingParams } from './server.js';
import { CHARTS_DIR, GALLERY_DIR, METRICS_FILE, PIPELINE_FILE, REPORT_HTML_FILE, REPORT_MD_FILE } from '../store/run-folder.js';

/** The run-folder files and folders a static site copies: the reports, what they link, the metrics and the pipeline. */
const EXPORTED_FILES = new Set([REPORT_HTML_FILE, REPORT_MD_FILE, METRICS_FILE, PIPELINE_FILE]);
const EXPORTED_FOLDERS = new Set([CHARTS_DIR, GALLERY_DIR]);

/** Every pair is compared when there are at most this many runs. */
const ALL_PAIRS_UP_TO = 12;

export interface ExportResult {
  readonly dir: string;
  readonly runs: number;
  readonly comparisons: number;
}

function dataScript(key: string, value: unknown): string {
  // JSON is a JS expression; `<` is escaped so the text never reads as markup wherever it lands.
  return `(window.__assayData=window.__assayData||{})[${JSON.stringify(key)}]=${JSON.stringify(value).replace(/</g, '\\u003c')};\n`;
}

/** Write the static site for `runsDir` into `outDir` (created; existing files are overwritten). */
export async function exportSite(runsDir: string, outDir: string): Promise<ExportResult> {
  const index = new RunIndex(path.resolve(runsDir));
  const rows = await index.rows();
  await mkdir(path.join(outDir, 'data', 'run'), { recursive: true });
  await mkdir(path.join(outDir, 'data', 'compare'), { recursive: true });
  await cp(assetsDir(), path.join(outDir, 'assets'), { recursive: true });
  await writeFile(path.join(outDir, 'index.html'), appPage({ mode: 'static', prefix: '' }));

  const dirOf = (key: string) => path.join(index.runsDir, ...key.split('/'));
  const files: Record<string, string> = {};
  await mapLimit(rows.map((r, k) => ({ r, k })), 8, async ({ r, k }) => {
    files[r.key] = `data/run/${k}.js`;
    await writeFile(path.join(outDir, files[r.key]!), dataScript(`run:${r.key}`, await readRunDetail(dirOf(r.key), r)));
    const src = dirOf(r.key), dst = path.join(outDir, 'runs', r.name, r.id);
    await mkdir(dst, { recursive: true });
    for (const entry of await readdir(src, { withFileTypes: true })) {
      // Regular files and the report's picture folders only; links are never followed.
      if (entry.isFile() && EXPORTED_FILES.has(entry.name)) await cp(path.join(src, entry.name), path.join(dst, entry.name));
      else if (entry.isDirectory() && EXPORTED_FOLDERS.has(entry.name)) {
        await cp(path.join(src, entry.name), path.join(dst, entry.name), { recursive: true, filter: async (s) => !(await lstat(s)).isSymbolicLink() });
      }
    }
  });

  // Oldest first: the runs table compares with the earliest selected run as the baseline.
  const finished = rows.filter((r) => r.status === 'finished').reverse();
  const pairs = new Map<string, [string, string]>();
  if (finished.length <= ALL_PAIRS_UP_TO) {
    for (const [i, a] of finished.entries()) for (const b of finished.slice(i + 1)) pairs.set(`${a.key}|${b.key}`, [a.key, b.key]);
  } else {
    const byName = new Map<string, string[]>();
    for (const r of finished) byName.set(r.name, [...(byName.get(r.name) ?? []), r.key]);
    for (const keys of byName.values()) for (let i = 1; i < keys.length; i++) pairs.set(`${keys[i - 1]}|${keys[i]}`, [keys[i - 1]!, keys[i]!]);
  }
  const compares: Record<string, string> = {};
  let k = 0;
  for (const [pair, [a, b]] of pairs) {
    try {
      const c = await compareRunFolders([{ key: a, dir: dirOf(a) }, { key: b, dir: dirOf(b) }]);
      const file = `data/compare/${k++}.js`;
      await writeFile(path.join(outDir, file), dataScript(`compare:${pair}`, c));
      compares[pair] = file;
    } catch { /* a pair that cannot be compared is left out; the view says so */ }
  }
  await writeFile(path.join(outDir, 'data', 'runs.js'), dataScript('runs', { runsDir: null, runs: varyingParams(rows), files, compares }));
  return { dir: outDir, runs: rows.length, comparisons: Object.keys(compares).length };
}
