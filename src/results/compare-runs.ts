/**
 * Bit-for-bit comparison of two run folders, for `assay rerun --check`: every number in
 * metrics.json that a rerun must reproduce, every hold-out prediction as written, the model's
 * weights and topology (each fold model's, for a k-fold run) and its stored transform; plus the
 * environment differences (backend, package versions, Node) that could explain a mismatch. Pure
 * file reading, no tfjs.
 */
import { modelSubfolders } from './model-folders.js';
import { readFileBounded } from '../data/read-file-bounded.js';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { currentMetricsShape } from './metrics-compat.js';
import { canonicalJson } from '../store/fingerprint.js';
import { readJson } from '../store/run-folder.js';
import { changedKeys } from './flatten.js';
import { readLock, readPredictions, type PredictionRow, type RunLock } from './run-files.js';

/** One way the second run differs from the first. */
export interface RunDifference {
  /** Which artifact: `metrics.json`, `predictions.csv`, `model/weights.bin`, `model/model.json`, `model/preprocess.json` (k-fold runs: `model/fold-<f>/...`; ensembles: `model/member-<i>/...`). */
  readonly file: string;
  /** A line for the user, e.g. `holdout.metrics.f1: 0.9231 -> 0.9200`. */
  readonly message: string;
}

export interface RunComparison {
  readonly a: string;
  readonly b: string;
  readonly identical: boolean;
  readonly differences: readonly RunDifference[];
  /** Differences that do not change any result (e.g. auto-generated layer names); never make `identical` false. */
  readonly notes: readonly string[];
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
  // NOTE: an older run's metrics.json is read in today's shape, so formats never count as differences.
  return changedKeys(currentMetricsShape(ma), currentMetricsShape(mb))
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
    else if (x.probabilityText !== y.probabilityText || x.label !== y.label || x.prediction !== y.prediction
      || (x.classProbabilityTexts ?? []).join(',') !== (y.classProbabilityTexts ?? []).join(',')) {
      const perClass = (r: PredictionRow) => (r.classProbabilityTexts === undefined ? r.probabilityText : `[${r.classProbabilityTexts.join(', ')}]`);
      lines.push(`${x.ref} ${x.probabilityText === y.probabilityText ? showPair(perClass(x), perClass(y)) : showPair(x.probabilityText, y.probabilityText)}${x.prediction !== y.prediction ? ` (${x.prediction} -> ${y.prediction})` : ''}${x.label !== y.label ? ` (label ${x.label} -> ${y.label})` : ''}`);
    }
  }
  for (const y of pb) if (!seen.has(key(y))) lines.push(`${y.ref} only in the second run`);
  if (lines.length === 0) return [];
  return [{ file: 'predictions.csv', message: `predictions.csv: ${lines.length} row${lines.length === 1 ? '' : 's'} differ (first: ${lines[0]})` }];
}

async function bytesOf(file: string): Promise<Buffer | null> {
  // NOTE: bounded and regular files only: a damaged run folder's weights.bin may be a link to /dev/zero.
  return readFileBounded(file).catch(() => null);
}

type ModelJson = { modelTopology?: unknown; weightsManifest?: { paths?: string[]; weights?: { name?: string }[] }[] };

/**
 * The model's structure with every layer and model name replaced by its order of appearance.
 * NOTE: tfjs numbers auto-named layers with process-wide counters (`dense_Dense1`, then
 * `dense_Dense5` for the same layer in a later model of the same process), so two runs of one
 * pipeline in one process differ in names only; names never change what a model computes.
 */
export function structureOf(json: ModelJson): { topology: string; weights: string } {
  const names = new Map<string, string>();
  const collect = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(collect);
    else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'name' && typeof x === 'string' && !names.has(x)) names.set(x, `@${names.size}`);
        collect(x);
      }
    }
  };
  collect(json.modelTopology ?? null);
  const rename = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const slash = v.indexOf('/');
      return names.get(v) ?? (slash > 0 && names.has(v.slice(0, slash)) ? `${names.get(v.slice(0, slash))}${v.slice(slash)}` : v);
    }
    if (Array.isArray(v)) return v.map(rename);
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rename(x)]));
    return v;
  };
  return {
    topology: canonicalJson(rename(json.modelTopology ?? null)),
    weights: canonicalJson(rename((json.weightsManifest ?? []).map((g) => g.weights ?? null))),
  };
}

async function compareModel(a: string, b: string): Promise<{ differences: RunDifference[]; notes: string[] }> {
  const out: RunDifference[] = [], notes: string[] = [];
  const pa = await readJson<unknown>(path.join(a, 'model', 'preprocess.json'));
  const pb = await readJson<unknown>(path.join(b, 'model', 'preprocess.json'));
  const folders = [...new Set([...modelSubfolders(pa), ...modelSubfolders(pb)])];
  for (const folder of folders) {
    const got = await compareModelFolder(a, b, folder);
    out.push(...got.differences);
    notes.push(...got.notes);
  }
  if (!pa || !pb) out.push({ file: 'model/preprocess.json', message: `model/preprocess.json is missing in ${!pa ? a : b}` });
  else for (const c of changedKeys(pa, pb)) out.push({ file: 'model/preprocess.json', message: `model/preprocess.json ${c.key}: ${showPair(c.before ?? '(absent)', c.after ?? '(absent)')}` });
  return { differences: out, notes };
}

/** Compare one saved model (`folder`, e.g. `model` or `model/fold-1`) of runs `a` and `b`. */
async function compareModelFolder(a: string, b: string, folder: string): Promise<{ differences: RunDifference[]; notes: string[] }> {
  const out: RunDifference[] = [], notes: string[] = [];
  const ja = await readJson<ModelJson>(path.join(a, folder, 'model.json'));
  const jb = await readJson<ModelJson>(path.join(b, folder, 'model.json'));
  if (!ja || !jb) return { differences: [{ file: `${folder}/model.json`, message: `${folder}/model.json is missing or unreadable in ${!ja ? a : b}` }], notes };
  const exact = (j: ModelJson) => canonicalJson({ topology: j.modelTopology ?? null, weights: (j.weightsManifest ?? []).map((g) => g.weights ?? null) });
  const [sa, sb] = [structureOf(ja), structureOf(jb)];
  if (sa.topology !== sb.topology) out.push({ file: `${folder}/model.json`, message: `${folder}/model.json: the model topology differs` });
  if (sa.weights !== sb.weights) out.push({ file: `${folder}/model.json`, message: `${folder}/model.json: the weight names, shapes or dtypes differ` });
  if (sa.topology === sb.topology && sa.weights === sb.weights && exact(ja) !== exact(jb)) {
    notes.push(`${folder}/model.json: layer names differ (tfjs numbers unnamed layers per process); the structure and weight specs are the same`);
  }
  const files = [...new Set([...(ja.weightsManifest ?? []), ...(jb.weightsManifest ?? [])].flatMap((g) => g.paths ?? []))];
  for (const f of files.length > 0 ? files : ['weights.bin']) {
    const [wa, wb] = [await bytesOf(path.join(a, folder, f)), await bytesOf(path.join(b, folder, f))];
    if (!wa || !wb) out.push({ file: `${folder}/${f}`, message: `${folder}/${f} is missing in ${!wa ? a : b}` });
    else if (!wa.equals(wb)) out.push({ file: `${folder}/${f}`, message: `${folder}/${f} differs${wa.length !== wb.length ? ` (${wa.length} vs ${wb.length} bytes)` : ` (first at byte ${firstDifference(wa, wb)} of ${wa.length})`}` });
  }
  return { differences: out, notes };
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
 * specs, with auto-generated layer names set aside), every weights file, model/preprocess.json.
 * `identical` is true when none differ; notes and environment differences are reported either
 * way and never count as differences.
 */
export async function compareRuns(a: string, b: string): Promise<RunComparison> {
  // NOTE: model/ is kept out of git: an original from a fresh clone has its records but no model.
  // Its metrics and predictions are still compared; its weights cannot be, and the notes say so.
  const hasModel = async (dir: string) => stat(path.join(dir, 'model')).then((s) => s.isDirectory(), () => false);
  const model = await hasModel(a) ? await compareModel(a, b)
    : { differences: [], notes: [`${a} has no model/ folder (models are kept out of git): the weights were not compared; metrics and predictions were`] };
  const differences = [...await compareMetrics(a, b), ...await comparePredictions(a, b), ...model.differences];
  const [la, lb] = [await readLock(a).catch(() => ({}) as RunLock), await readLock(b).catch(() => ({}) as RunLock)];
  return { a, b, identical: differences.length === 0, differences, notes: model.notes, environment: environmentDifferences(la, lb) };
}
