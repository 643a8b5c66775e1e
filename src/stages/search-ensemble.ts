/**
 * The search stage's ensemble hook (`search.ensemble` > 1): after the search, the best trials form
 * the final model. Their models are copied into the stage's entry as `members/member-<i>/` (best
 * first), so they outlive the trial entries, like `best-model/`.
 */
import { cp } from 'node:fs/promises';
import path from 'node:path';
import type { PipelineSpec } from '../core/spec.js';
import { prevalenceWeights } from '../evaluate/prevalence.js';
import { MINIMIZED_METRICS } from '../evaluate/metric-kinds/registry.js';
import { ensembleMembers, scoreEnsemble, type EnsembleChoice } from '../learn/search/ensemble.js';

export type { EnsembleChoice };
import type { TrialResult } from '../learn/protocol.js';
import { readTensor } from '../store/tensor-file.js';
import type { FoldTensors } from './features.js';

/** Member i's model folder inside the search stage's entry. */
export function memberModelDir(stageDir: string, i: number): string {
  return path.join(stageDir, 'members', `member-${i}`);
}

/**
 * Choose and score the ensemble of the best `spec.search.ensemble` trials on the (single)
 * validation part, copying each member's model from `modelDirs` (by trial index) into `stageDir`.
 */
export async function buildEnsemble(opts: {
  readonly spec: PipelineSpec;
  readonly trials: readonly TrialResult[];
  readonly features: readonly FoldTensors[];
  readonly positive: number;
  readonly classes: readonly string[];
  readonly negativeWeight: number;
  readonly modelDirs: ReadonlyMap<number, string>;
  readonly stageDir: string;
}): Promise<EnsembleChoice> {
  const { spec } = opts;
  const m = spec.search.ensemble ?? 1;
  if (opts.features.length !== 1) throw new Error(`search.ensemble ${m} needs a validation split; this run has ${opts.features.length} folds`);
  const y = (await readTensor(opts.features[0]!.valY)).data;
  const multi = opts.positive < 0;
  const labels = Uint8Array.from(y, (c) => (multi ? c : c === opts.positive ? 1 : 0));
  const members = ensembleMembers(opts.trials, m, MINIMIZED_METRICS.has(spec.objective.metric), labels.length, multi ? opts.classes.length : 1);
  const weights = multi ? undefined : prevalenceWeights(labels, opts.negativeWeight);
  const choice = scoreEnsemble(members, m, labels, spec.objective, weights, multi ? opts.classes : undefined);
  for (const [i, t] of members.entries()) {
    const from = opts.modelDirs.get(t.index);
    if (from === undefined) throw new Error(`trial ${t.index + 1} of the ensemble has no saved model`);
    await cp(from, memberModelDir(opts.stageDir, i), { recursive: true });
  }
  return choice;
}
