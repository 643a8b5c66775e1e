/** A realistic ReportInput built from seeded data, shared by the report tests. */
import { Rng } from '../../../src/core/rng.js';
import type { TrialResult } from '../../../src/learn/protocol.js';
import { allMetrics, confusionAt } from '../../../src/evaluate/metrics.js';
import { bootstrapIntervals } from '../../../src/evaluate/bootstrap.js';
import type { ReportInput } from '../../../src/report/model.js';

/** A 1x1 PNG (red), base64. */
export const TINY_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC';

function trial(index: number, score: number, pruned: boolean, epochs: number): TrialResult {
  return {
    index, family: 'cnn', params: { 'learning-rate': 0.001 * (index + 1), filters: 8 * (index + 1) }, score, metric: 'f1', threshold: 0.42,
    bestEpoch: Math.max(1, epochs - 2), epochs, pruned, seconds: 30 + index,
    curves: Array.from({ length: epochs }, (_, e) => ({
      epoch: e + 1, trainLoss: 0.7 / (e + 1), valLoss: 0.6 / (e + 1) + 0.01 * e, trainObjective: 0.5 + 0.05 * e, valObjective: 0.45 + 0.05 * e, seconds: 3,
    })),
    valProbabilities: [],
  };
}

export function makeInput(classes: readonly string[] = ['crack', 'no-crack']): ReportInput {
  const r = new Rng(42);
  const n = 800, positives = 40;
  const labels = Array.from({ length: n }, (_, i) => (i < positives ? 1 : 0));
  const probabilities = labels.map((y) => Math.min(1, Math.max(0, y ? r.normal() * 0.18 + 0.65 : r.normal() * 0.14 + 0.12)));
  const threshold = 0.42;
  const metrics = allMetrics(probabilities, labels, threshold);
  const intervals = bootstrapIntervals(probabilities, labels, threshold, ['f1', 'mcc', 'recall', 'precision'], { resamples: 300, rng: r.child('bootstrap') });
  const confusion = confusionAt(probabilities, labels, threshold);
  const [pos, neg] = [classes[0]!, classes[1]!];
  const g = (i: number) => ({ ref: `${labels[i] ? 'Positive' : 'Negative'}/${String(i).padStart(5, '0')}.jpg`, probability: probabilities[i]!, originalPng: TINY_PNG, modelViewPng: TINY_PNG });
  const fnIdx = labels.flatMap((y, i) => (y === 1 && probabilities[i]! < threshold ? [i] : []));
  const fpIdx = labels.flatMap((y, i) => (y === 0 && probabilities[i]! >= threshold ? [i] : []));
  return {
    run: {
      id: '2024-05-01T10-00-00-ab12cd', name: 'concrete-cracks', version: 3, description: 'Crack detection at 160 negatives per crack.',
      createdAt: '2024-05-01T10:00:00.000Z', pipelineYaml: 'assay: 1\nname: concrete-cracks\nmodel:\n  families: [cnn]\n', overrides: ['search.trials=3'],
      git: { commit: '0123456789abcdef0123456789abcdef01234567', dirty: true }, backend: 'wasm', seconds: 131.2,
    },
    classes, positive: 0,
    objective: { metric: 'f1', beta: 1, threshold, rule: 'tuned on validation to maximise f1' },
    holdout: { metrics, intervals, resamples: 300, confusion, n, positives, probabilities, labels },
    validation: { metrics: { ...metrics, f1: 0.9512 } },
    search: { strategy: 'bayesian', trialsRun: 3, trialsPlanned: 8, secondsUsed: 125.5, secondsBudget: 120, stoppedBy: 'time budget', pruned: 1 },
    trials: [trial(0, 0.81, false, 6), trial(1, 0.9512, false, 8), trial(2, 0.5, true, 2)],
    bestTrial: 1,
    counts: [
      { stage: 'source', counts: { [pos]: 1500, [neg]: 15000 } },
      { stage: 'hold-out', counts: { [pos]: 40, [neg]: 760 } },
      { stage: 'train after resampling', counts: { [pos]: 600, [neg]: 600 } },
    ],
    dataIssues: { skipped: [{ ref: 'Negative/bad.jpg', reason: 'unsupported image format' }], duplicates: [['Negative/00001.jpg', 'Negative/00077.jpg']], duplicatePolicy: 'report' },
    gallery: { falseNegatives: fnIdx.map(g), falsePositives: fpIdx.slice(0, 3).map(g) },
    stages: [
      { name: 'ingest', key: 'a1b2c3d4e5', cached: true, seconds: 0.2 },
      { name: 'search', key: 'f6e5d4c3b2', cached: false, seconds: 125.5 },
    ],
    environment: { node: 'v20.20.0', backend: 'wasm', cpus: '2' },
  };
}
