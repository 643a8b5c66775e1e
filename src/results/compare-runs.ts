/**
 * Bit-for-bit comparison of two run folders, for `assay rerun --check`: every number in
 * metrics.json that a rerun must reproduce, every hold-out prediction as written, the model's
 * weights and topology and its stored transform; plus the environment differences (backend,
 * package versions, Node) that could explain a mismatch. Pure file reading, no tfjs.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { canonicalJson } from '../store/fingerprint.js';
import { readJson } from '../store/run-folder.js';
import { changedKeys } from './flatten.js';
import { readLock, readPredictions, type PredictionRow, type RunLock } from './run-files.js';

/** One way the second run differs from the first. */
export interface RunDifference {
  /** Which artifact: `metrics.json`, `predictions.csv`, `model/weights.bin`, `model/model.json`, `model/preprocess.json`. */
  readonly file: string;
  /** A line for the user, e.g. `holdout.metrics.f1: 0.9231 -> 0.9200`. */
  readonly message: string;
}

export interface RunComparison {
  readonly a: string;
  readonly b: string;
  readonly identical: boolean;
  readonly differences: readonly RunDifference[];
  /** Environment facts that differ between the two locks, e.g. `node: v20.1.0 -> v20.20.0`. */
  readonly environment: readonly string[];
}

/**
 * Keys of metrics.json that say how a run went, not what it computed: timings, and how many
 * trials came from the trial cache (a rerun bypasses it). Everything else must reproduce.
 * NOTE: search.stoppedBy and search.trials can legitimately differ under a time budget; they are
 * still compared, since a different trial count usually means a different model.
 */
const NOT_RESULTS = /^search\.(seconds|budgetSeconds|reused)$/;

/** Show two numbers (or texts) with as many digits as it takes to tell them apart. */
export function showPair(a: string, b: string): string {
  const x = Number(a), y = Number(b);
  if (a === '' || b === '' || !Number.isFinite(x) || !Number.isFinite(y)) return `${a} -> ${b}`;
  for (let d = 4; d <= 17; d++) {
    const sa = shortNumber(x, d), sb = shortNumber(y, d);
    if (sa !== sb || d === 17) return `${sa} -> ${sb}`;
  }
  return `${a} -> ${b}`;
}

function shortNumber(x: number, digits: number): string {
  if (Number.isInteger(x)) return String(x);
  return Math.abs(x) >= 1e-3 ? x.toFixed(digits) : x.toPrecision(digits);
}

async function compareMetrics(a: string, b: string): Promise<RunDifference[]> {
  const ma = await readJson<Record<string, unknown>>(path.join(a, 'metrics.json'));
  const mb = await readJson<Record<string, unknown>>(path.join(b, 'metrics.json'));
  if (!ma || !mb) return [{ file: 'metrics.json', message: `metrics.json is missing in ${!ma ? a : b}` }];
  return changedKeys(ma, mb)
    .filter((c) => !NOT_RESULTS.test(c.key))
    .map((c) => ({ file: 'metrics.json', message: `${c.key}: ${showPair(c.before ?? '(absent)', c.after ?? '(absent)')}` }));
}

async function comparePredictions(a: string, b: string): Promise<RunDifference[]> {
  let pa: PredictionRow[] | null, pb: PredictionRow[] | null;
  try {
    [pa, pb] = [await readPredictions(a), await readPredictions(b)];
  } catch (err) {
    return [{ file: 'predictions.csv', message: `predictions.csv cannot be read: ${(err as Error).message}` }];
  }
  if (!pa || !pb) return [{ file: 'predictions.csv', message: `predictions.csv is missing in ${!pa ? a : b}` }];
  const key = (r: PredictionRow) => `${r.ref}\n${r.id}`;
  const mb = new Map(pb.map((r) => [key(r), r]));
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const x of pa) {
    const k = key(x);
    seen.add(k);
    const y = mb.get(k);
    if (!y) lines.push(`${x.ref} missing in the second run`);
    else if (x.probabilityText !== y.probabilityText || x.label !== y.label || x.prediction !== y.prediction) {
      lines.push(`${x.ref} ${showPair(x.probabilityText, y.probabilityText)}${x.prediction !== y.prediction ? ` (${x.prediction} -> ${y.prediction})` : ''}${x.label !== y.label ? ` (label ${x.label} -> ${y.label})` : ''}`);
    }
  }
  for (const y of pb) if (!seen.has(key(y))) lines.push(`${y.ref} only in the second run`);
  if (lines.length === 0) return [];
  return [{ file: 'predictions.csv', message: `predictions.csv: ${lines.length} row${lines.length === 1 ? '' : 's'} differ (first: ${lines[0]})` }];
}

async function bytesOf(file: string): Promise<Buffer | null> {
  return readFile(file).catch(() => null);
}

async function compareModel(a: string, b: string): Promise<RunDifference[]> {
  const out: RunDifference[] = [];
  const ja = await readJson<{ modelTopology?: unknown; weightsManifest?: { paths?: string[]; weights?: unknown }[] }>(path.join(a, 'model', 'model.json'));
  const jb = await readJson<{ modelTopology?: unknown; weightsManifest?: { paths?: string[]; weights?: unknown }[] }>(path.join(b, 'model', 'model.json'));
  if (!ja || !jb) return [{ file: 'model/model.json', message: `model/model.json is missing or unreadable in ${!ja ? a : b}` }];
  if (canonicalJson(ja.modelTopology ?? null) !== canonicalJson(jb.modelTopology ?? null)) {
    out.push({ file: 'model/model.json', message: 'model/model.json: the model topology differs' });
  }
  const specs = (j: typeof ja) => canonicalJson((j.weightsManifest ?? []).map((g) => g.weights ?? null));
  if (specs(ja) !== specs(jb)) out.push({ file: 'model/model.json', message: 'model/model.json: the weight names, shapes or dtypes differ' });
  const files = [...new Set([...(ja.weightsManifest ?? []), ...(jb.weightsManifest ?? [])].flatMap((g) => g.paths ?? []))];
  for (const f of files.length > 0 ? files : ['weights.bin']) {
    const [wa, wb] = [await bytesOf(path.join(a, 'model', f)), await bytesOf(path.join(b, 'model', f))];
    if (!wa || !wb) out.push({ file: `model/${f}`, message: `model/${f} is missing in ${!wa ? a : b}` });
    else if (!wa.equals(wb)) out.push({ file: `model/${f}`, message: `model/${f} differs${wa.length !== wb.length ? ` (${wa.length} vs ${wb.length} bytes)` : ` (first at byte ${firstDifference(wa, wb)} of ${wa.length})`}` });
  }
  const pa = await readJson<unknown>(path.join(a, 'model', 'preprocess.json'));
  const pb = await readJson<unknown>(path.join(b, 'model', 'preprocess.json'));
  if (!pa || !pb) out.push({ file: 'model/preprocess.json', message: `model/preprocess.json is missing in ${!pa ? a : b}` });
  else for (const c of changedKeys(pa, pb)) out.push({ file: 'model/preprocess.json', message: `model/preprocess.json ${c.key}: ${showPair(c.before ?? '(absent)', c.after ?? '(absent)')}` });
  return out;
}

function firstDifference(a: Buffer, b: Buffer): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return a.length;
}

/** Environment facts from the two locks that differ (and could explain numeric differences). */
export function environmentDifferences(la: RunLock, lb: RunLock): string[] {
  const facts = (l: RunLock) => ({
    backend: l.backend?.name ?? null,
    'backend.versions': l.backend?.versions ?? {},
    node: l.environment?.node ?? null,
    platform: l.environment?.platform ?? null,
    arch: l.environment?.arch ?? null,
    cpu: l.environment?.cpuModel ?? null,
    assay: l.environment?.assay ?? null,
    packages: l.environment?.packages ?? {},
  });
  return changedKeys(facts(la), facts(lb)).map((c) => `${c.key}: ${c.before ?? '(absent)'} -> ${c.after ?? '(absent)'}`);
}

/**
 * Compare run folder `b` with run folder `a` bit for bit: metrics.json (all but timings),
 * predictions.csv (every row, probabilities as written), model/model.json (topology and weight
 * specs), every weights file, model/preprocess.json. `identical` is true when none differ;
 * environment differences are reported either way and never count as differences.
 */
export async function compareRuns(a: string, b: string): Promise<RunComparison> {
  const differences = [...await compareMetrics(a, b), ...await comparePredictions(a, b), ...await compareModel(a, b)];
  const [la, lb] = [await readLock(a).catch(() => ({}) as RunLock), await readLock(b).catch(() => ({}) as RunLock)];
  return { a, b, identical: differences.length === 0, differences, environment: environmentDifferences(la, lb) };
}
