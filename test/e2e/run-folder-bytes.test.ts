/**
 * The bytes of a run folder do not drift: runs written through the CLI (a binary image run, a
 * k-fold run, an ensemble, a 4-class run and a table run) are compared file by file with golden records
 * written by an earlier version of the writer (test/fixtures/run-folder-golden/<variant>/).
 *
 * Values that change from one run to the next (ids, dates, timings, paths, the environment) are
 * masked; each masked JSON file is also checked to be exactly `JSON.stringify` of its own parse
 * with the writer's indentation and final line break, so layout, key order and every other value
 * are compared byte for byte. predictions.csv, holdout.json, pipeline.yaml and
 * model/preprocess.json are compared unmasked.
 *
 * `ASSAY_UPDATE_GOLDEN=1 npx vitest run test/e2e/run-folder-bytes.test.ts` rewrites the records.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, TINY_PIPELINE, assay, tempProject } from './cli.js';
import { writeShapes } from './shapes.js';

const GOLDEN = path.join(ROOT, 'test/fixtures/run-folder-golden');
const UPDATE = process.env.ASSAY_UPDATE_GOLDEN === '1';

const cleanup: string[] = [];
afterAll(async () => { for (const d of cleanup) await rm(d, { recursive: true, force: true }); });

type Json = Record<string, unknown>;
const MASK = '<masked>';

/** Text that must be `JSON.stringify(value, null, indent)` of its own parse (plus a line break). */
function canonical(name: string, text: string, indent: number | undefined): unknown {
  const value = JSON.parse(text) as unknown;
  expect(text, `${name} is laid out as the writer lays it out`).toBe(`${JSON.stringify(value, null, indent)}\n`);
  return value;
}

function maskLock(lock: Json): Json {
  const stages = (lock.stages as Json[]).map((s) => ({ ...s, seconds: MASK }));
  const data = lock.data as Json | undefined;
  return {
    ...lock, run: MASK, createdAt: MASK, file: MASK, stages, environment: MASK, git: MASK,
    backend: { ...(lock.backend as Json), reason: MASK, versions: MASK },
    ...(data ? { data: { ...data, root: MASK } } : {}),
  };
}

/** `v` with every `seconds` (wall-clock timings) masked, at any depth. */
function maskSeconds(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(maskSeconds);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'seconds' ? MASK : maskSeconds(x)]));
}

function maskTrials(text: string): string {
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n').map((line) => {
    const t = JSON.parse(line) as Json;
    expect(line, 'a trials.jsonl line is compact JSON').toBe(JSON.stringify(t));
    return JSON.stringify(maskSeconds(t));
  }).join('\n') + '\n';
}

/** The run folder's records, masked where a rerun legitimately differs. */
async function records(dir: string): Promise<Record<string, string>> {
  const read = (f: string) => readFile(path.join(dir, f), 'utf8');
  const out: Record<string, string> = {};
  out['lock.json'] = `${JSON.stringify(maskLock(canonical('lock.json', await read('lock.json'), 2) as Json), null, 2)}\n`;
  out['metrics.json'] = `${JSON.stringify(maskSeconds(canonical('metrics.json', await read('metrics.json'), 2)), null, 2)}\n`;
  out['trials.jsonl'] = maskTrials(await read('trials.jsonl'));
  for (const f of ['pipeline.yaml', 'predictions.csv', 'holdout.json', 'model/preprocess.json', 'note.md']) {
    if (existsSync(path.join(dir, f))) out[f] = await read(f);
  }
  return out;
}

async function check(variant: string, dir: string): Promise<void> {
  const got = await records(dir);
  const root = path.join(GOLDEN, variant);
  if (UPDATE) {
    for (const [f, text] of Object.entries(got)) {
      await mkdir(path.dirname(path.join(root, f)), { recursive: true });
      await writeFile(path.join(root, f), text);
    }
    return;
  }
  for (const [f, text] of Object.entries(got)) {
    expect(text, `${variant}/${f}`).toBe(await readFile(path.join(root, f), 'utf8'));
  }
  const golden = (await readdir(root, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => path.relative(root, path.join(e.parentPath, e.name)));
  expect(Object.keys(got).sort(), 'the same records as the golden run').toEqual(golden.sort());
  // The model folder's layout: one model, or one per fold or ensemble member.
  const pre = JSON.parse(got['model/preprocess.json']!) as { folds?: unknown[]; ensemble?: { trials: unknown[] } };
  const models = pre.ensemble ? pre.ensemble.trials.map((_, i) => `model/member-${i}`) : pre.folds ? pre.folds.map((_, f) => `model/fold-${f}`) : ['model'];
  for (const m of models) expect(existsSync(path.join(dir, m, 'model.json')) && existsSync(path.join(dir, m, 'weights.bin')), m).toBe(true);
  expect(existsSync(path.join(dir, 'running.json')) || existsSync(path.join(dir, 'model.partial'))).toBe(false);
}

async function runIn(files: Readonly<Record<string, string>>, file: string, extra: readonly string[] = [], prepare?: (cwd: string) => Promise<void>): Promise<string> {
  const cwd = await tempProject(files);
  cleanup.push(cwd);
  await prepare?.(cwd);
  const r = await assay(['run', file, '--json', ...extra], { cwd });
  expect(r.exitCode, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { dir: string }).dir;
}

const MULTICLASS = `assay: 1
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
  space: { blocks: 1, filters: 4 }
  training: { epochs: 2, batch-size: 16 }
objective: { metric: macro-f1 }
search: { strategy: random, trials: 1, parallel: 1 }
report: { bootstrap: 50 }
`;

const TABLE = `assay: 1
name: table
seed: 5
data: { source: csv, path: rows.csv, label: label, columns: [x1, color], positive: fraud }
holdout: { fraction: 0.25 }
split: { validation: 0.25 }
features:
  - one-hot: { columns: [color] }
  - normalize: { method: standard }
model:
  family: mlp
  training: { epochs: 3, batch-size: 16 }
objective: { metric: f1, threshold: tune }
search: { strategy: random, trials: 1, parallel: 1 }
report: { bootstrap: 50 }
`;

const tableCsv = (): string => {
  const rows = ['id,x1,color,label'];
  for (let i = 0; i < 80; i++) rows.push(`${i + 1},${((i * 37) % 50) / 10},${['red', 'green', 'blue'][i % 3]},${i % 4 === 0 ? 'fraud' : 'legit'}`);
  return `${rows.join('\n')}\n`;
};

describe('run folders are written byte for byte as before', () => {
  it('a binary image run with a name and a note', async () => {
    await check('binary', await runIn({ 'tiny.yaml': TINY_PIPELINE }, 'tiny.yaml', ['--name', 'golden', '--note', 'the golden run\n']));
  }, 240_000);

  it('a k-fold run (model/fold-<f>/)', async () => {
    await check('kfold', await runIn({ 'k.yaml': TINY_PIPELINE.replace('split: { validation: 0.3 }', 'split: { folds: 2 }') }, 'k.yaml'));
  }, 240_000);

  it('an ensemble of two trials (model/member-<i>/)', async () => {
    await check('ensemble', await runIn({ 'e.yaml': TINY_PIPELINE.replace('parallel: 1 }', 'parallel: 1, ensemble: 2 }') }, 'e.yaml'));
  }, 240_000);

  it('a 4-class run (per-class probability columns)', async () => {
    await check('multiclass', await runIn({ 'shapes.yaml': MULTICLASS }, 'shapes.yaml', [], (cwd) => writeShapes(path.join(cwd, 'shapes'), 12, 24, 1)));
  }, 240_000);

  it('a table run (preprocess input and columns)', async () => {
    await check('table', await runIn({ 't.yaml': TABLE, 'rows.csv': tableCsv() }, 't.yaml'));
  }, 240_000);
});
