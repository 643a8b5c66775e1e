/**
 * A 4-class image pipeline end to end, through the CLI: generated shapes (circle, square,
 * triangle, cross), a softmax CNN ranked by macro-F1, the k x k hold-out record, predictions with
 * one probability column per class, the report's heat map, `assay predict` on new files, and
 * `assay diff` between two runs.
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assay, tempProject } from './cli.js';
import { SHAPES, writeShapes } from './shapes.js';

const PIPELINE = `assay: 1
name: shapes
seed: 3
data:
  source: image-folder
  path: shapes
  classes: { circle: circle, square: square, triangle: triangle, cross: cross }
holdout: { fraction: 0.25 }
split: { validation: 0.25 }
features:
  - grayscale: {}
  - normalize: { method: standard }
model:
  family: cnn
  space: { blocks: 2, filters: 8, learning-rate: 0.01 }
  training: { epochs: 12, batch-size: 16, early-stopping: false }
objective:
  metric: macro-f1
  threshold:
    maximize: macro-f1
    subject-to:
      recall[cross]: ">= 0.5"
search: { strategy: random, trials: 1, parallel: 1 }
report: { bootstrap: 200 }
`;

interface Metrics {
  objective: { metric: string; rule: string; threshold?: number };
  holdout: {
    n: number; metrics: Record<string, number>; intervals: Record<string, { estimate: number; low: number; high: number }>;
    confusion: { classes: string[]; matrix: number[][] }; perClass: { class: string; support: number; recall: number }[];
    macro: { f1: number }; micro: { f1: number };
  };
}
interface JsonRun { run: string; dir: string; metrics: Metrics }

describe('a 4-class image pipeline (end to end)', () => {
  let cwd: string;
  let first: JsonRun;

  beforeAll(async () => {
    cwd = await tempProject({ 'shapes.yaml': PIPELINE });
    await writeShapes(path.join(cwd, 'shapes'), 40, 32, 1);
    await writeShapes(path.join(cwd, 'new'), 3, 32, 99);
    const r = await assay(['run', 'shapes.yaml', '--json'], { cwd });
    expect(r.exitCode, r.stderr).toBe(0);
    first = JSON.parse(r.stdout) as JsonRun;
  }, 300_000);
  afterAll(async () => rm(cwd, { recursive: true, force: true }));

  it('reaches a hold-out macro-F1 that chance cannot', () => {
    // Chance (or one class for everything) gives macro-F1 near 0.25 or below; 40 hold-out items.
    const h = first.metrics.holdout;
    expect(h.n).toBe(40);
    expect(h.metrics['macro-f1']).toBeGreaterThanOrEqual(0.7);
    expect(h.intervals['macro-f1']!.low).toBeGreaterThan(0.4);
    expect(h.metrics).not.toHaveProperty('f1');
  });

  it('records the k x k matrix, per-class scores with intervals, and macro and micro averages', () => {
    const h = first.metrics.holdout;
    expect(first.metrics.objective).toEqual({ metric: 'macro-f1', rule: 'argmax' });
    // Items, not probabilities: 30 of each class in the pool, a stratified quarter (8) of each validates.
    expect((first.metrics as unknown as { validation: { n: number } }).validation.n).toBe(32);
    expect(h.confusion.classes).toEqual([...SHAPES]);
    expect(h.confusion.matrix.map((row) => row.reduce((a, b) => a + b, 0))).toEqual([10, 10, 10, 10]);
    const diagonal = h.confusion.matrix.reduce((a, row, i) => a + row[i]!, 0);
    expect(h.metrics['accuracy']).toBeCloseTo(diagonal / 40, 12);
    expect(h.micro.f1).toBeCloseTo(diagonal / 40, 12);
    expect(h.perClass.map((c) => [c.class, c.support])).toEqual(SHAPES.map((s) => [s, 10]));
    for (const s of SHAPES) expect(h.intervals[`recall[${s}]`]!.estimate).toBe(h.perClass.find((c) => c.class === s)!.recall);
  });

  it('writes the predicted class and one probability column per class that sum to one', async () => {
    const lines = (await readFile(path.join(first.dir, 'predictions.csv'), 'utf8')).trim().split('\n');
    expect(lines[0]).toBe(`ref,id,label,probability,prediction,${SHAPES.map((s) => `probability[${s}]`).join(',')}`);
    expect(lines).toHaveLength(41);
    for (const line of lines.slice(1)) {
      const cells = line.split(',');
      const probs = cells.slice(5).map(Number);
      expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      const best = probs.indexOf(Math.max(...probs));
      expect(cells[4]).toBe(SHAPES[best]);
      expect(Number(cells[3])).toBe(probs[best]);
    }
  });

  it('shows the confusion matrix as a heat map, the per-class table and the mistakes gallery in the report', async () => {
    const md = await readFile(path.join(first.dir, 'report.md'), 'utf8');
    expect(md).toContain('![confusion chart](charts/confusion.svg)');
    expect(md).toContain('| Class | Support | Precision | 95% interval | Recall | 95% interval | F1 | 95% interval |');
    expect(md).toContain('## Most confident mistakes');
    const svg = await readFile(path.join(first.dir, 'charts', 'confusion.svg'), 'utf8');
    for (const s of SHAPES) expect(svg).toContain(`actual ${s}`);
    const html = await readFile(path.join(first.dir, 'report.html'), 'utf8');
    expect(html).toContain('<h3>Per class</h3>');
  });

  it('predicts new files: the most probable class and every class\'s probability', async () => {
    const r = await assay(['predict', first.run, 'new'], { cwd });
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(`path,probability,prediction,error,${SHAPES.map((s) => `probability[${s}]`).join(',')}`);
    expect(lines).toHaveLength(1 + 12);
    let right = 0;
    for (const line of lines.slice(1)) {
      const cells = line.split(',');
      expect(cells[3]).toBe('');
      expect(cells.slice(4).map(Number).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      if (cells[0]!.split(path.sep)[1] === cells[2]) right++;
    }
    expect(right).toBeGreaterThanOrEqual(8);
    expect(r.stderr).toContain('arg-max over 4 classes');
  });

  it('reruns bit for bit: rerun --check compares the per-class probability columns too', async () => {
    const r = await assay(['rerun', first.run, '--check'], { cwd });
    expect(r.exitCode, r.stderr + r.stdout).toBe(0);
    expect(`${r.stdout}${r.stderr}`).toMatch(/identical|match/i);
  }, 300_000);

  it('diffs two runs on the multi-class metrics, with their intervals', async () => {
    const r = await assay(['run', 'shapes.yaml', '--json', '--set', 'model.training.epochs=2'], { cwd });
    expect(r.exitCode, r.stderr).toBe(0);
    const second = JSON.parse(r.stdout) as JsonRun;
    const d = await assay(['diff', first.run, second.run, '--json'], { cwd });
    expect(d.exitCode, d.stderr).toBe(0);
    const diff = JSON.parse(d.stdout) as { metrics: { metric: string; before: number; after: number }[]; pairing?: string };
    const names = diff.metrics.map((m) => m.metric);
    expect(names).toEqual(['accuracy', 'mcc', 'balanced-accuracy', 'log-loss', 'macro-precision', 'macro-recall', 'macro-f1', 'weighted-f1']);
    expect(diff.metrics.find((m) => m.metric === 'macro-f1')!.before).toBe(first.metrics.holdout.metrics['macro-f1']);
  }, 300_000);
});
