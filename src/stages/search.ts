/**
 * Stage `search`: proposes and trains trials within the budget, each trial cached under its own
 * key (data, family, parameters, seed, peers, code version), so an interrupted search resumes
 * where it stopped and raising `trials` reuses the finished ones. Trials run in worker processes
 * when `parallel` > 1 (tfjs-wasm is single-threaded), in this process otherwise.
 *
 * With k folds a trial trains k models with the same plan, one per fold (seeds from `foldSeed`),
 * and becomes ONE result (`aggregateFolds`): the threshold and the score come from the pooled
 * out-of-fold predictions. Its cache entry holds the k models as `model/fold-<f>/`; a single
 * fold keeps the `model/` layout, keys and results it always had.
 */
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Rng } from '../core/rng.js';
import type { AugmentSpec, PipelineSpec } from '../core/spec.js';
import { MINIMIZED_METRICS } from '../evaluate/metric-kinds/registry.js';
import { aggregateFolds, foldSeed } from '../learn/fold-aggregate.js';
import { binaryCounts, objectiveKey, prevalenceNegativeWeight, targetShare, type BinaryCounts } from '../evaluate/prevalence.js';
import type { EpochRecord, TrialData, TrialRequest, TrialResult } from '../learn/protocol.js';
import { runSearch, type SearchOutcome, type TrialPlan } from '../learn/search/run-search.js';
import type { TrialPlacement } from '../learn/search/executor.js';
import { cacheKey, fingerprintRecord, type CacheKey } from '../store/fingerprint.js';
import { readTensor } from '../store/tensor-file.js';
import type { ResampledFold } from './resample.js';
import type { FoldTensors } from './features.js';
import { keyVersions, tensorPackages, type StageContext, type StageDef } from './stage.js';
import { createExecutor, type ExecutorChoice } from './trial-executors.js';
import { formatSeconds } from './progress.js';
import { buildEnsemble, memberModelDir, type EnsembleChoice } from './search-ensemble.js';
import { announceEta, searchEtaTracker } from './search-eta.js';

/** Bump when training or a model family changes what a trial produces (3: ties on the objective broken by validation log-loss). */
export const TRIAL_CODE_VERSION = 3;

export interface SearchInput {
  readonly spec: PipelineSpec;
  readonly classes: readonly string[];
  readonly positive: number;
  /** Every fold's tensors (one for a validation split, k for k-fold), in fold order. */
  readonly features: readonly FoldTensors[];
  /** The resampled training part of every fold, aligned with `features`. */
  readonly resampled: readonly ResampledFold[];
  /** Resolved backend name (wasm, cpu, tensorflow, tensorflow-gpu). */
  readonly backend: string;
  readonly upstream: { readonly features: string; readonly resample: string };
  /** Positive / negative counts of the data source (usable items, before hold-out and sampling), for `objective.prevalence: source`. */
  readonly sourceCounts?: BinaryCounts;
  /** Where trials run (default: this machine). Never part of a key. */
  readonly executor?: ExecutorChoice;
  /** Told where this run's trials ran (only when the search executes), for the lock. */
  readonly onPlacement?: (placement: TrialPlacement) => void;
}

export interface SearchOutput extends Omit<SearchOutcome, 'best'> {
  readonly best: TrialResult;
  /** The best trial's saved model: model.json + weights.bin for one fold, `fold-<f>/` of each for k folds. */
  readonly bestModelDir: string;
  /** The best trial's model folders, one per fold in fold order (`[bestModelDir]` for one fold). */
  readonly bestModelDirs: readonly string[];
  /** Trial cache hits in this run. */
  readonly reused: number;
  /** Cache keys of every trial (by index) and of the best, so `cache gc` keeps them. */
  readonly trialKeys: readonly string[];
  readonly bestKey: string;
  /** The positive share the threshold was tuned for (null: the validation sample's, unweighted). */
  readonly prevalence: number | null;
  /** Weight of each fold's validation negatives (1 each for 'sample'). */
  readonly negativeWeights: readonly number[];
  /** `search.ensemble` > 1: the ensemble of the best trials, with its members' model folders (best first). */
  readonly ensemble?: EnsembleChoice & { readonly modelDirs: readonly string[] };
}

interface SearchMeta {
  readonly bestKey: string;
  readonly keys: string[];
  readonly used: SearchOutcome['used'];
  readonly planned: SearchOutcome['planned'];
  readonly stoppedBy: SearchOutcome['stoppedBy'];
  readonly reused: number;
  readonly prevalence?: number | null;
  readonly negativeWeights?: readonly number[];
  readonly ensemble?: EnsembleChoice;
}

export { trialWorkerScript } from './trial-executors.js';

function trialRecord(input: SearchInput, plan: TrialPlan, negativeWeights: readonly number[], versions: Readonly<Record<string, string>>) {
  const { spec } = input;
  // NOTE: with prevalence 'sample' the record is the one it always was (same keys); otherwise the
  // computed weights are part of it, explicitly.
  const weighting = spec.objective.prevalence.kind === 'sample' ? {} : { negativeWeights };
  return fingerprintRecord({
    stage: 'trial',
    codeVersion: TRIAL_CODE_VERSION,
    versions,
    params: { family: plan.family, params: plan.params, training: spec.model.training, objective: objectiveKey(spec.objective), pruning: spec.search.pruning, peers: plan.peers, ...weighting },
    upstream: input.upstream,
    inputs: { backend: input.backend },
    seed: plan.seed,
  });
}

/** The search's fingerprint inputs: the backend, and the source counts where prevalence is 'source'. */
function searchInputs(input: SearchInput): Readonly<Record<string, string>> {
  const c = input.sourceCounts;
  if (input.spec.objective.prevalence.kind !== 'source') return { backend: input.backend };
  return { backend: input.backend, sourceCounts: c === undefined ? '-' : `${c.positives}:${c.negatives}` };
}

function describe(plan: { family: string; params: Readonly<Record<string, unknown>> }, names: readonly string[]): string {
  const shown = names.filter((n) => n in plan.params).map((n) => {
    const v = plan.params[n];
    return `${n}=${typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(3) : String(v)}`;
  });
  return [plan.family, ...shown].join(' ');
}

export const searchStage: StageDef<SearchInput, SearchOutput, SearchMeta> = {
  name: 'search',
  version: 1,
  packages: (input) => tensorPackages(input.backend),
  // NOTE: a search stopped by its time budget depends on the machine: which trials fit, and where
  // the last ones were cut. It is kept for this run only; its finished trials stay cached, so
  // the next run resumes them and spends its budget on new ones.
  complete: (meta) => meta.stoppedBy !== 'time',
  fingerprint: (input) => ({
    params: { model: input.spec.model, objective: objectiveKey(input.spec.objective), search: input.spec.search, trialCode: TRIAL_CODE_VERSION },
    upstream: input.upstream,
    inputs: searchInputs(input),
    seed: input.spec.seed,
  }),
  async execute(input, dir, ctx) {
    const { spec } = input;
    const minimize = MINIMIZED_METRICS.has(spec.objective.metric);
    const k = input.features.length;
    if (k < 1 || input.resampled.length !== k) throw new Error(`search needs one resampled training part per fold: ${input.resampled.length} for ${k} folds`);
    const augment = planAugment(spec);
    // Each fold's validation labels (1 = positive), read once: the pooled threshold and the
    // prevalence weights need them.
    const weighted = spec.objective.prevalence.kind !== 'sample';
    const valLabels = k === 1 && !weighted ? [] : await Promise.all(input.features.map(async (fold) => {
      const y = (await readTensor(fold.valY)).data;
      // NOTE: multi-class (no positive class): the class indices themselves.
      return Uint8Array.from(y, (c) => (input.positive < 0 ? c : c === input.positive ? 1 : 0));
    }));
    if (weighted && input.classes.length !== 2) throw new Error(`objective.prevalence needs two classes; the data has ${input.classes.length}`);
    if (spec.objective.prevalence.kind === 'source' && input.sourceCounts === undefined) throw new Error('objective.prevalence: source needs the source class counts');
    const share = targetShare(spec.objective.prevalence, input.sourceCounts ?? { positives: 0, negatives: 0 });
    const negativeWeights = weighted ? valLabels.map((l) => prevalenceNegativeWeight(binaryCounts(l), share)) : input.features.map(() => 1);
    const data: TrialData[] = input.features.map((fold, f) => ({
      trainX: input.resampled[f]!.trainX,
      trainY: input.resampled[f]!.trainY,
      valX: fold.valX,
      valY: fold.valY,
      classWeights: input.resampled[f]!.classWeights,
      balancedBatches: input.resampled[f]!.balancedBatches,
      augment,
      positive: input.positive,
      classes: input.classes, ...(fold.layout ? { layout: fold.layout } : {}),
      ...(weighted ? { negativeWeight: negativeWeights[f]! } : {}),
    }));
    const versions = keyVersions(ctx, tensorPackages(input.backend));
    const searched = Object.entries(spec.model.space).filter(([, p]) => p.kind !== 'fixed').map(([n]) => n);
    const keys = new Map<number, CacheKey>();
    const modelDirs = new Map<number, string>();
    let reused = 0;
    let best: TrialResult | null = null;
    const planned = spec.search.trials;
    // NOTE: wall clock, for the time budget only (the documented exception to determinism).
    const deadline = spec.search.timeSeconds === null ? null : Date.now() + spec.search.timeSeconds * 1000;
    // Display only: trials finished (the counter never goes backwards with parallel trials), the
    // seconds of those trained in this run (reused and failed ones took no time); one estimate of
    // the end feeds the console lines and the progress record.
    const reusedIndices = new Set<number>();
    const tracker = searchEtaTracker({ planned, parallel: spec.search.parallel, deadlineMs: deadline });
    const eta = () => announceEta(ctx.progress, tracker, planned);
    const onEpoch = (index: number, r: EpochRecord, of: number, fold?: number) => {
      const shown = fold === undefined || k === 1 ? '' : ` fold ${fold + 1}/${k}`;
      const left = eta();
      ctx.progress.tick(tracker.finished, planned, `trial ${index + 1}${shown} epoch ${r.epoch}/${of} ${spec.objective.metric} ${r.valObjective.toFixed(3)}${best ? `  best ${best.score.toFixed(3)}` : ''}${left ? `  ${left}` : ''}`);
    };
    const executor = await createExecutor(input.executor ?? { kind: 'local' }, {
      parallel: spec.search.parallel, backend: input.backend, onEpoch: (i, r, of, f) => onEpoch(i, r, of, f < 0 ? undefined : f),
      note: (line) => ctx.progress.line(line),
    });
    try {
      // NOTE: one call per trial; runSearch keeps up to `parallel` in flight, and the executor
      // queues concurrent `run` calls (and a trial's k fold requests) over its workers.
      const execute = async (plan: TrialPlan): Promise<TrialResult> => {
        const record = trialRecord(input, plan, negativeWeights, versions);
        const key = cacheKey(record);
        keys.set(plan.index, key);
        const hit = ctx.noCache ? null : await ctx.cache.lookup<{ result: TrialResult }>('trial', key);
        if (hit) {
          modelDirs.set(plan.index, path.join(hit.dir, 'model'));
          reused++;
          reusedIndices.add(plan.index);
          return hit.meta.result;
        }
        const modelDir = path.join(ctx.cache.root, 'tmp', `model-${key.slice(0, 12)}-${randomBytes(4).toString('hex')}`);
        await mkdir(modelDir, { recursive: true });
        // NOTE: one fold keeps the plan's seed and the model folder itself, so a single-fold trial
        // is the request it always was.
        const reqs: TrialRequest[] = data.map((d, f) => ({
          index: plan.index, family: plan.family, params: plan.params, training: spec.model.training, objective: spec.objective,
          seed: foldSeed(plan.seed, f), data: d, peers: plan.peers, pruning: spec.search.pruning,
          modelDir: k === 1 ? modelDir : path.join(modelDir, `fold-${f}`), backend: input.backend, deadline,
        }));
        const results = await executor.run(reqs);
        const result = k === 1 ? results[0]! : aggregateFolds(results, valLabels, spec.objective, negativeWeights, input.positive < 0 ? input.classes : undefined);
        // A trial cut short by the time budget is kept for this run but never cached: without
        // the deadline it would have trained longer.
        if (result.error === undefined && result.stoppedBy === undefined) {
          const entry = await ctx.cache.store('trial', key, record, async (edir) => {
            await cp(modelDir, path.join(edir, 'model'), { recursive: true });
            return { result };
          });
          modelDirs.set(plan.index, path.join(entry.dir, 'model'));
          await rm(modelDir, { recursive: true, force: true });
        } else if (result.error === undefined) {
          modelDirs.set(plan.index, modelDir);
        } else {
          await rm(modelDir, { recursive: true, force: true });
        }
        return result;
      };
      const outcome = await runSearch({
        strategy: spec.search.strategy,
        families: spec.model.families,
        space: spec.model.space,
        training: spec.model.training,
        trials: spec.search.trials,
        timeSeconds: spec.search.timeSeconds,
        parallel: spec.search.parallel,
        startup: spec.search.startup,
        minimize,
        rng: new Rng(spec.seed).child('search'),
        execute,
        onProgress: (e) => {
          if (e.kind !== 'trial') return;
          best = e.best;
          const r = e.result;
          const wasReused = reusedIndices.has(r.index);
          tracker.finish(e.done, !wasReused && r.error === undefined ? r.seconds : null);
          const status = r.error !== undefined ? `failed: ${r.error}` : `${spec.objective.metric} ${r.score.toFixed(4)}${r.pruned ? ' (pruned)' : ''}`;
          // The estimate first, so the trial's record carries it.
          const left = eta();
          ctx.progress.trial?.({ index: r.index, planned: e.planned, score: r.score, best: e.best?.score ?? null });
          const took = wasReused ? 'reused' : `epochs ${r.epochs}  ${formatSeconds(r.seconds)}`;
          ctx.progress.line(`trial ${r.index + 1} (${tracker.finished}/${e.planned} done)  ${describe(r, searched)}  ${status}  ${took}${e.best ? `  best ${e.best.score.toFixed(4)} (#${e.best.index + 1})` : ''}${left ? `  ${left}` : ''}`);
        },
      });
      await writeFile(path.join(dir, 'trials.jsonl'), outcome.trials.map((t) => JSON.stringify(t)).join('\n') + '\n');
      const bestKey = keys.get(outcome.best.index)!;
      // The best model (all k for k folds) travels with this entry, so it outlives trial entries
      // and deadline-cut trials.
      await cp(modelDirs.get(outcome.best.index)!, path.join(dir, 'best-model'), { recursive: true });
      const ensemble = spec.search.ensemble === undefined ? undefined : await buildEnsemble({ spec, trials: outcome.trials, features: input.features, positive: input.positive, classes: input.classes, negativeWeight: negativeWeights[0]!, modelDirs, stageDir: dir });
      for (const mdir of modelDirs.values()) if (mdir.startsWith(path.join(ctx.cache.root, 'tmp'))) await rm(mdir, { recursive: true, force: true }).catch(() => undefined);
      return {
        bestKey,
        keys: outcome.trials.map((t) => keys.get(t.index)!),
        used: outcome.used,
        planned: outcome.planned,
        stoppedBy: outcome.stoppedBy,
        reused,
        ...(weighted ? { prevalence: share, negativeWeights } : {}),
        ...(ensemble ? { ensemble } : {}),
      };
    } finally {
      input.onPlacement?.(executor.placement());
      await executor.close();
    }
  },
  async load(dir, meta, input) {
    const trials = (await readFile(path.join(dir, 'trials.jsonl'), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as TrialResult);
    const bestModelDir = path.join(dir, 'best-model');
    const k = input.features.length;
    const bestModelDirs = k === 1 ? [bestModelDir] : input.features.map((_, f) => path.join(bestModelDir, `fold-${f}`));
    const best = trials[meta.keys.indexOf(meta.bestKey)]!;
    return {
      trials, best, bestModelDir, bestModelDirs, used: meta.used, planned: meta.planned, stoppedBy: meta.stoppedBy, reused: meta.reused, trialKeys: meta.keys, bestKey: meta.bestKey,
      prevalence: meta.prevalence ?? null, negativeWeights: meta.negativeWeights ?? input.features.map(() => 1),
      ...(meta.ensemble ? { ensemble: { ...meta.ensemble, modelDirs: meta.ensemble.members.map((_, i) => memberModelDir(dir, i)) } } : {}),
    };
  },
};

function planAugment(spec: PipelineSpec) {
  return spec.features.reduce<AugmentSpec | null>((a, step) => (step.kind === 'augment' ? step.augment : a), null);
}

export type { StageContext };
