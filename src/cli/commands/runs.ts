import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { listRuns, resolveRun } from '../../index.js';
import { parse } from '../args.js';
import type { Command } from './index.js';

const RUNS_DIR = { 'runs-dir': { type: 'string' }, json: { type: 'boolean' } } as const;

export const runsCommand: Command = {
  name: 'runs',
  summary: 'list runs: id, pipeline, version, objective score, date',
  help: `Usage: assay runs [--json] [--runs-dir DIR]

Lists the run folders under ./runs (or --runs-dir), oldest first, with the hold-out score of
each run's objective metric.
`,
  async run(argv) {
    const { values } = parse(argv, RUNS_DIR, { positionals: [0, 0] });
    const runs = await listRuns(values['runs-dir'] ?? 'runs');
    if (values.json) {
      process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
      return 0;
    }
    if (runs.length === 0) {
      process.stdout.write('no runs yet (try `assay run pipelines/quickstart.yaml`)\n');
      return 0;
    }
    const rows = runs.map((r) => [
      r.id, r.name, r.version === null ? '-' : `v${r.version}`,
      r.objective ? `${r.objective.metric} ${r.objective.holdout === null ? '-' : r.objective.holdout.toFixed(4)}` : r.status,
      r.createdAt ? r.createdAt.replace('T', ' ').slice(0, 19) : '-',
    ]);
    const head = ['RUN', 'PIPELINE', 'VERSION', 'HOLD-OUT', 'STARTED (UTC)'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    for (const r of [head, ...rows]) process.stdout.write(`${r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()}\n`);
    return 0;
  },
};

export const showCommand: Command = {
  name: 'show',
  summary: 'show one run: metrics, best trial, where its files are',
  help: `Usage: assay show RUN [--json] [--runs-dir DIR]

RUN is a run id (or a unique prefix), a run folder, \`latest\` or \`NAME@latest\`.
Prints the run's report.md (or, with --json, its metrics.json).
`,
  async run(argv) {
    const { values, positionals } = parse(argv, RUNS_DIR, { positionals: [1, 1] });
    const run = await resolveRun(values['runs-dir'] ?? 'runs', positionals[0]!);
    const file = path.join(run.dir, values.json ? 'metrics.json' : 'report.md');
    try {
      process.stdout.write(await readFile(file, 'utf8'));
    } catch {
      const lock = await readFile(path.join(run.dir, 'lock.json'), 'utf8').catch(() => '{}');
      const error = (JSON.parse(lock) as { error?: { stage: string | null; message: string } }).error;
      process.stdout.write(`${run.dir}: ${run.status}${error ? ` (stage ${error.stage ?? '?'}: ${error.message})` : ''}\n`);
      return 1;
    }
    return 0;
  },
};
