/**
 * The run folder, `runs/<name>/<run-id>/`: the one module that writes and reads it. For each of
 * its files, `run-folder/` holds the name (names.ts, with `RUN_FILES`, the list of what a folder
 * holds and what users commit), the record's type as written and as read from any earlier
 * version, its writer and its reader:
 *
 * - folder.ts       creating the folder (`running.json`), pipeline.yaml, note.md
 * - lock.ts         lock.json, written last: a folder whose lock says `finished` is complete
 * - metrics.ts      metrics.json
 * - trials.ts       trials.jsonl
 * - predictions.ts  predictions.csv
 * - holdout.ts      holdout.json
 * - model.ts        model/ (the saved models and preprocess.json)
 * - reports.ts      report.md, report.html and the files they link
 * - progress.ts     progress.json
 * - ids.ts, io.ts   run ids and labels; atomic writes and bounded, never-throwing reads
 *
 * Every file is written atomically (temp + rename); readers tolerate folders from every earlier
 * version (run-status.ts reads a folder's status from them).
 */
export * from './run-folder/names.js';
export * from './run-folder/ids.js';
export * from './run-folder/io.js';
export * from './run-folder/folder.js';
export * from './run-folder/lock.js';
export * from './run-folder/metrics.js';
export * from './run-folder/trials.js';
export * from './run-folder/holdout.js';
export * from './run-folder/predictions.js';
export * from './run-folder/model.js';
export * from './run-folder/reports.js';
export * from './run-folder/progress.js';
