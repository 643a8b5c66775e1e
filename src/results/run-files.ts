/**
 * The run-folder readers the results commands use, re-exported from the run-folder module
 * (store/run-folder.ts), which owns every run-folder file's name, record type, writer and reader.
 */
export {
  parsePredictionsCsv, readHoldoutIds, readLock, readMetrics, readPredictions,
  type PredictionRow, type RunLock, type RunMetrics,
} from '../store/run-folder.js';
