/**
 * The run's reports: `report.md` (committed; links only committed files, the charts among them),
 * `report.html` (self-contained, kept out of git) and the files report.md links to (`charts/`,
 * and `gallery/` in older runs). The report layer renders them; this module puts them in place.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { exists, readTextOrNull, writeFileAtomic } from './io.js';
import { REPORT_HTML_FILE, REPORT_MD_FILE } from './names.js';

/** A file the report links to, relative to the run folder (e.g. `charts/pr.svg`). */
export interface ReportAsset {
  readonly path: string;
  readonly data: string | Uint8Array;
}

export type ReportKind = 'html' | 'md';

const FILE: Readonly<Record<ReportKind, string>> = { html: REPORT_HTML_FILE, md: REPORT_MD_FILE };

/** The report's file name (`report.html` or `report.md`). */
export function reportName(kind: ReportKind): string {
  return FILE[kind];
}

/** The report's path in the run folder. */
export function reportFile(dir: string, kind: ReportKind): string {
  return path.join(dir, FILE[kind]);
}

/** Write the report's linked files, then report.html, then report.md. */
export async function writeReportFiles(dir: string, report: { readonly assets: readonly ReportAsset[]; readonly html: string; readonly md: string }): Promise<void> {
  for (const f of report.assets) {
    const file = path.join(dir, f.path);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, f.data);
  }
  await writeFileAtomic(reportFile(dir, 'html'), report.html);
  await writeFileAtomic(reportFile(dir, 'md'), report.md);
}

/** A report's text, or null when it is missing or unreadable. */
export async function readReport(dir: string, kind: ReportKind): Promise<string | null> {
  return readTextOrNull(reportFile(dir, kind));
}

/** Which reports the folder has, html first (a clone has report.md only). */
export async function presentReports(dir: string): Promise<ReportKind[]> {
  const out: ReportKind[] = [];
  for (const kind of ['html', 'md'] as const) if (await exists(reportFile(dir, kind))) out.push(kind);
  return out;
}
