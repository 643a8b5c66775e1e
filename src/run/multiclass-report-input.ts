/**
 * Fills the multi-class report's input from a finished run (see report/multiclass.ts): the
 * hold-out record, the search, the class counts and the most confident mistakes per
 * (true, predicted) pair, each as stored and as the model saw it (images only).
 */
import type { MulticlassHoldout } from '../evaluate/multiclass-holdout.js';
import type { GalleryImage, StageCounts } from '../report/model.js';
import { confidentMistakes, type MulticlassReportInput } from '../report/multiclass.js';
import type { RunRecord } from './write-run.js';
import { describeEnsemble } from '../learn/search/ensemble.js';

export interface SharedReportParts {
  readonly counts: readonly StageCounts[];
  readonly environment: Readonly<Record<string, string>>;
  /** The gallery image of inventory item `index`, or null when the data has no images. */
  readonly image: ((index: number, probability: number) => Promise<GalleryImage>) | null;
}

export async function buildMulticlassReportInput(run: RunRecord, h: MulticlassHoldout, shared: SharedReportParts): Promise<MulticlassReportInput> {
  const { spec, inventory, search } = run;
  const t = spec.objective.threshold;
  const direction = spec.objective.metric === 'log-loss' ? 'minimise' : 'maximise';
  const rule = t.kind === 'constrained'
    ? `ranked epochs and trials by ${spec.objective.metric} on validation among those meeting ${t.subjectTo.map((c) => `${c.class === undefined ? c.metric : `${c.metric}[${c.class}]`} ${c.op} ${c.value}`).join(', ')}`
    : `ranked epochs and trials to ${direction} ${spec.objective.metric} on validation`;
  const image = shared.image;
  const mistakes = image === null ? [] : await Promise.all(confidentMistakes(h).map(async (i) => {
    const predicted = h.predictions.predicted[i]!;
    const probability = h.predictions.probabilities[i]![predicted]!;
    const base = await image(h.predictions.indices[i]!, probability);
    return { ...base, actual: inventory.classes[h.predictions.labels[i]!]!, predicted: inventory.classes[predicted]! };
  }));
  const errors = h.predictions.labels.filter((y, i) => y !== h.predictions.predicted[i]).length;
  return {
    run: { id: run.id, name: spec.name, version: spec.version, description: spec.description, createdAt: run.createdAt, pipelineYaml: run.text, overrides: run.overrides },
    classes: inventory.classes,
    metric: spec.objective.metric,
    rule,
    holdout: h,
    resamples: spec.report.bootstrap,
    trials: search.trials,
    bestTrial: search.best.index,
    ...(search.ensemble ? { ensemble: { members: search.ensemble.members, headline: describeEnsemble(search.ensemble) } } : {}),
    counts: shared.counts,
    stages: run.stages.map((s) => ({ name: s.name, key: s.key.slice(0, 10), cached: s.cached, seconds: s.seconds })),
    environment: shared.environment,
    gallery: image === null
      ? { mistakes, unavailable: `Tabular data has no images to show: the ${errors} mistake(s) are the rows of predictions.csv whose prediction differs from their label.` }
      : { mistakes },
  };
}
