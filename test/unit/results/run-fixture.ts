/** Constructed run folders (the files write-run.ts writes), for the results tests. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { allMetrics, confusionAt } from '../../../src/evaluate/metrics.js';
import { bootstrapIntervals } from '../../../src/evaluate/bootstrap.js';
import { Rng } from '../../../src/core/rng.js';

export interface FixtureItem {
  readonly id: string;
  readonly ref: string;
  /** 1 for the positive class `crack`. */
  readonly y: number;
  readonly p: number;
}

export interface FixtureRun {
  readonly runsDir: string;
  readonly id: string;
  readonly name?: string;
  readonly pipelineText: string;
  readonly resolved: unknown;
  readonly overrides?: readonly string[];
  readonly stages: readonly { name: string; key: string; fingerprint?: unknown }[];
  readonly items: readonly FixtureItem[];
  readonly threshold?: number;
  readonly backend?: string;
  readonly node?: string;
  /** Bytes of model/weights.bin. */
  readonly weights?: Uint8Array;
}

/** `n` items, the first `positives` of class crack, with seeded scores whose separation is `signal`. */
export function makeItems(n: number, positives: number, signal: number, seed: string): FixtureItem[] {
  const r = new Rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const y = i < positives ? 1 : 0;
    const p = Math.min(0.999, Math.max(0.001, 0.5 + (y ? signal : -signal) + 0.2 * r.normal()));
    return { id: `id${String(i).padStart(3, '0')}`, ref: `${y ? 'crack' : 'no-crack'}/${String(i).padStart(3, '0')}.png`, y, p: Number(p.toPrecision(9)) };
  });
}

/** Write a finished run folder; returns its path. */
export async function writeRun(f: FixtureRun): Promise<string> {
  const name = f.name ?? 'p';
  const dir = path.join(f.runsDir, name, f.id);
  await mkdir(path.join(dir, 'model'), { recursive: true });
  const threshold = f.threshold ?? 0.5;
  const probs = f.items.map((i) => i.p), labels = f.items.map((i) => i.y);
  const metrics = {
    objective: { metric: 'f1', threshold, rule: 'tune' },
    holdout: {
      n: f.items.length, positives: labels.reduce((a, b) => a + b, 0),
      metrics: allMetrics(probs, labels, threshold),
      intervals: bootstrapIntervals(probs, labels, threshold, ['f1', 'mcc'], { resamples: 200, rng: new Rng(1).child('bootstrap') }),
      confusion: confusionAt(probs, labels, threshold),
    },
    validation: { n: 10, score: 0.9, bestEpoch: 2 },
    search: { strategy: 'random', trials: 2, planned: 2, seconds: 3.2, budgetSeconds: null, stoppedBy: 'trials', best: 0, family: 'cnn', params: {}, pruned: 0, failed: 0, reused: 0 },
  };
  const lock = {
    lockVersion: 1, run: f.id, createdAt: '2025-01-01T00:00:00.000Z', file: 'pipelines/p.yaml', overrides: f.overrides ?? [],
    pipeline: f.resolved,
    stages: f.stages.map((s) => ({ cached: false, seconds: 0.1, summary: '', fingerprint: null, ...s })),
    backend: { name: f.backend ?? 'wasm', reason: 'test', versions: { '@tensorflow/tfjs-core': '4.22.0' } },
    environment: { assay: '0.1.0', node: f.node ?? 'v20.20.0', platform: 'linux', arch: 'x64', cpus: 2, cpuModel: 'test', memoryGiB: 8, packages: { sharp: '0.35.5' } },
    git: { commit: null, dirty: null, pipelinePath: null },
    status: 'finished', trialKeys: [],
    data: { source: 'image-folder', root: '/data', fingerprint: 'x', items: f.items.length, classes: ['crack', 'no-crack'], positive: 'crack', skipped: [], holdout: { count: f.items.length, file: 'holdout.json' } },
  };
  const rows = ['ref,id,label,probability,prediction', ...f.items.map((i) => `${i.ref},${i.id},${i.y ? 'crack' : 'no-crack'},${i.p.toPrecision(9)},${i.p >= threshold ? 'crack' : 'no-crack'}`)];
  await writeFile(path.join(dir, 'pipeline.yaml'), f.pipelineText);
  await writeFile(path.join(dir, 'lock.json'), JSON.stringify(lock, null, 2));
  await writeFile(path.join(dir, 'metrics.json'), JSON.stringify(metrics, null, 2));
  await writeFile(path.join(dir, 'predictions.csv'), `${rows.join('\n')}\n`);
  await writeFile(path.join(dir, 'holdout.json'), JSON.stringify({ count: f.items.length, ids: f.items.map((i) => i.id) }));
  await writeFile(path.join(dir, 'model', 'model.json'), JSON.stringify({
    format: 'layers-model', modelTopology: { class_name: 'Sequential', config: { layers: [{ class_name: 'Dense', config: { units: 1 } }] } },
    weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'dense/kernel', shape: [4, 1], dtype: 'float32' }] }],
  }));
  await writeFile(path.join(dir, 'model', 'weights.bin'), f.weights ?? new Uint8Array(16).map((_, i) => i * 7));
  await writeFile(path.join(dir, 'model', 'preprocess.json'), JSON.stringify({ classes: ['crack', 'no-crack'], positive: 0, threshold, geometry: [], fitted: { steps: [] }, exampleShape: [2, 2, 1], family: 'cnn', params: {}, backend: f.backend ?? 'wasm' }));
  return dir;
}
