/**
 * The names of a run folder's files, and `RUN_FILES`, the one list of what a run folder holds and
 * which of it is a small text record that users commit (`runs/.gitignore` is written from it).
 * Every other module names a run-folder file through these constants.
 */

export const PIPELINE_FILE = 'pipeline.yaml';
export const LOCK_FILE = 'lock.json';
export const METRICS_FILE = 'metrics.json';
export const TRIALS_FILE = 'trials.jsonl';
export const PREDICTIONS_FILE = 'predictions.csv';
export const HOLDOUT_FILE = 'holdout.json';
export const REPORT_MD_FILE = 'report.md';
export const REPORT_HTML_FILE = 'report.html';
export const NOTE_FILE = 'note.md';
export const RUNNING_FILE = 'running.json';
export const PROGRESS_FILE = 'progress.json';
/** SVG charts report.md shows (committed). */
export const CHARTS_DIR = 'charts';
/** Pictures of the error gallery older reports linked (kept out of git). */
export const GALLERY_DIR = 'gallery';
/** The model and its fitted transform. */
export const MODEL_DIR = 'model';
/** Where the model folder is built before it is renamed into place whole. */
export const MODEL_STAGING_DIR = 'model.partial';
/** Inside the model folder: what `assay predict` needs to apply the run's transform. */
export const PREPROCESS_FILE = 'preprocess.json';
/** A saved tfjs model: its topology and weight specs, and its weights. */
export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/** `model/preprocess.json`, relative to the run folder (how results name it to people). */
export const PREPROCESS_PATH = `${MODEL_DIR}/${PREPROCESS_FILE}`;

/** One file (or folder, ending in `/`) of a run folder, and whether it belongs in git. */
export interface RunFile {
  readonly path: string;
  /** Small text that users commit: `show`, `runs` and a paired `diff` work from these alone. */
  readonly committed: boolean;
  readonly what: string;
}

export const RUN_FILES: readonly RunFile[] = [
  { path: PIPELINE_FILE, committed: true, what: 'the pipeline exactly as given' },
  { path: LOCK_FILE, committed: true, what: 'resolved pipeline, stage keys, versions, status; written last' },
  { path: METRICS_FILE, committed: true, what: 'hold-out and validation metrics, search summary' },
  { path: TRIALS_FILE, committed: true, what: 'one line per trial' },
  { path: PREDICTIONS_FILE, committed: true, what: 'every hold-out prediction (the paired diff reads it)' },
  { path: HOLDOUT_FILE, committed: true, what: 'content ids of the hold-out items (the hold-out ledger and the paired diff read it)' },
  { path: REPORT_MD_FILE, committed: true, what: 'the report; links only committed files' },
  { path: `${CHARTS_DIR}/`, committed: true, what: 'SVG charts report.md shows' },
  { path: NOTE_FILE, committed: true, what: 'the run\'s note (`assay run --note`, `assay runs note`)' },
  { path: REPORT_HTML_FILE, committed: false, what: 'self-contained report with the error gallery' },
  { path: `${MODEL_DIR}/`, committed: false, what: 'the model and its fitted transform (`assay predict`)' },
  { path: RUNNING_FILE, committed: false, what: 'present while the run is in progress' },
  { path: PROGRESS_FILE, committed: false, what: 'the run\'s progress as it goes (stage, trials, best so far; run/progress-record.ts)' },
];

const GITIGNORE_HEAD = '# written by assay: run folders commit their small text records; large artifacts stay out of git';

/** The `runs/.gitignore` assay writes: the cache, and every run file that is not committed. */
export function runsGitignore(): string {
  const ignored = RUN_FILES.filter((f) => !f.committed).map((f) => `*/*/${f.path}`);
  return `${GITIGNORE_HEAD}\n.cache/\n${ignored.join('\n')}\n*/*/${GALLERY_DIR}/\n*/*/*.tmp\n*.partial/\n`;
}

/** Whether `text` is a `runs/.gitignore` that assay wrote (and may bring up to date). */
export function isAssayGitignore(text: string): boolean {
  return text.startsWith('# written by assay');
}
