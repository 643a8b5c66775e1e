import {
  ledgerSentence, listRuns, METRICS_FILE, pruneIncomplete, readMetricsText, readReport, removeRuns, renderRunsMarkdown, renderRunsText, reportName, resolveRun,
  runsTable, showRunText, UsageError, writeRunNote, type RemoveResult,
} from '../../index.js';
import { parse } from '../args.js';
import type { Command } from './index.js';

const RUNS_DIR = { 'runs-dir': { type: 'string' }, json: { type: 'boolean' } } as const;

const LIST_OPTIONS = {
  ...RUNS_DIR,
  pipeline: { type: 'string' },
  where: { type: 'string', multiple: true },
  sort: { type: 'string' },
  columns: { type: 'string' },
  md: { type: 'boolean' },
} as const;

async function list(argv: readonly string[]): Promise<number> {
  const { values } = parse(argv, LIST_OPTIONS, { positionals: [0, 0] });
  const all = await listRuns(values['runs-dir'] ?? 'runs');
  const table = runsTable(all, {
    pipeline: values.pipeline, where: values.where, sort: values.sort,
    columns: values.columns?.split(',').map((c) => c.trim()).filter(Boolean),
  });
  if (values.json) {
    process.stdout.write(`${JSON.stringify(table.rows, null, 2)}\n`);
    return 0;
  }
  if (all.length === 0) {
    process.stdout.write('no runs yet (try `assay run pipelines/quickstart.yaml`)\n');
    return 0;
  }
  if (table.rows.length === 0) {
    process.stdout.write('no runs match\n');
    return 0;
  }
  process.stdout.write(values.md ? renderRunsMarkdown(table) : renderRunsText(table));
  if (values.md) return 0;
  const shown = new Set(table.rows.map((r) => r.run));
  for (const r of all) if (shown.has(r.id) && r.status !== 'finished' && r.detail) process.stdout.write(`${r.id}: ${r.status}: ${r.detail}\n`);
  if (table.hiddenParams.length) process.stdout.write(`(${table.hiddenParams.length} more differing parameters: ${table.hiddenParams.slice(0, 4).join(', ')}${table.hiddenParams.length > 4 ? ', ...' : ''}; pick with --columns)\n`);
  const most = Math.max(0, ...table.rows.map((r) => (typeof r.scored === 'number' ? r.scored : 0)));
  if (most > 1) process.stdout.write(`SCORED: finished runs of the same pipeline that scored the same hold-out. ${ledgerSentence(most)}\n`);
  return 0;
}

function printRemoved(r: RemoveResult, json: boolean | undefined): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ dryRun: r.dryRun, removed: r.removed.map((x) => ({ run: x.id, name: x.name, status: x.status, dir: x.dir })) })}\n`);
    return;
  }
  for (const x of r.removed) process.stdout.write(`${r.dryRun ? 'would remove' : 'removed'} ${x.name}/${x.id} (${x.status})\n`);
  if (r.removed.length === 0) process.stdout.write('nothing to remove\n');
  else if (!r.dryRun) process.stdout.write('their cache entries stay until `assay cache gc`\n');
}

const SUBCOMMANDS: Record<string, (argv: readonly string[]) => Promise<number>> = {
  async rm(argv) {
    const { values, positionals } = parse(argv, { ...RUNS_DIR, 'dry-run': { type: 'boolean' } }, { positionals: [1, Infinity] });
    printRemoved(await removeRuns(values['runs-dir'] ?? 'runs', positionals, { dryRun: values['dry-run'] }), values.json);
    return 0;
  },
  async prune(argv) {
    const { values } = parse(argv, { ...RUNS_DIR, 'dry-run': { type: 'boolean' }, incomplete: { type: 'boolean' }, pipeline: { type: 'string' } }, { positionals: [0, 0] });
    if (!values.incomplete) throw new UsageError('say what to prune: --incomplete (every run without a finished lock: incomplete, failed or interrupted)');
    printRemoved(await pruneIncomplete(values['runs-dir'] ?? 'runs', { dryRun: values['dry-run'], name: values.pipeline }), values.json);
    return 0;
  },
  async note(argv) {
    const { values, positionals } = parse(argv, RUNS_DIR, { positionals: [1, 2] });
    const run = await resolveRun(values['runs-dir'] ?? 'runs', positionals[0]!);
    if (positionals.length === 2) {
      await writeRunNote(run.dir, positionals[1]!);
      process.stderr.write(`${positionals[1]!.trim() ? 'noted' : 'removed the note of'} ${run.name}/${run.id}\n`);
    } else {
      process.stdout.write(run.note ? `${run.note}\n` : '');
    }
    return 0;
  },
};

export const runsCommand: Command = {
  name: 'runs',
  summary: 'compare runs in a table; rm, prune --incomplete, note',
  help: `Usage: assay runs [--pipeline NAME] [--where COND]... [--sort COL] [--columns A,B] [--md|--json]
       assay runs rm RUN... [--dry-run]
       assay runs prune --incomplete [--pipeline NAME] [--dry-run]
       assay runs note RUN [TEXT]

Lists the runs under ./runs (or --runs-dir), oldest first, as a comparison table: a column for
each pipeline parameter that differs between the listed runs, the hold-out f1, mcc and fnr (and
the objective metric), the status, and SCORED, the hold-out ledger: how many finished runs of
the same pipeline scored the same hold-out items ("3!" when more than one: choosing among them
makes the hold-out estimate optimistic). STARTED is the run's start in local time to the minute,
as the UI shows it (--json keeps the full ISO timestamp, in UTC).

Status: finished (its lock says so; lock.json is written last), failed or interrupted (the lock
names the stage and why), running (no lock yet; its process is alive), incomplete (no lock and
no process: killed or out of disk; its files are not to be trusted).

  --pipeline NAME   only runs of this pipeline
  --where COND      COLUMN OP VALUE, OP one of > >= < <= = != ~ (contains); repeatable, all must
                    hold: --where 'f1>0.9' --where status=finished --where model.training.epochs=3
  --sort COL        sort by a column; COL:desc (or --sort=-COL) descending: --sort f1:desc
  --columns A,B     exactly these columns (any metric or parameter path, run, pipeline, version,
                    name, status, scored, started, note)
  --md              a Markdown table; --json: the rows as JSON

  rm RUN...         remove run folders (ids, prefixes, --name labels, latest); never a running one
  prune --incomplete  remove every run without a finished lock (incomplete, failed, interrupted)
  note RUN [TEXT]   print the run's note, or set it (note.md; '' removes it)
  --runs-dir DIR    folder of run folders (default: ./runs)
`,
  async run(argv) {
    const sub = argv[0] !== undefined ? SUBCOMMANDS[argv[0]] : undefined;
    return sub ? sub(argv.slice(1)) : list(argv);
  },
};

export const showCommand: Command = {
  name: 'show',
  summary: 'show one run: metrics, best trial, where its files are',
  help: `Usage: assay show RUN [--md | --json] [--runs-dir DIR]

RUN is a run id (or a unique prefix), a --name label, a run folder, \`latest\` or \`NAME@latest\`
(the latest finished run). Prints the run folder, the report's path, the status and start time
(local time to the minute, as \`assay runs\` shows it), the headline hold-out metrics with
their 95% intervals and the best trial; for a run without a finished lock, its status and why
(exit 1).

Options:
  --md               print the whole report.md instead
  --json             print metrics.json instead
  --runs-dir DIR     folder of run folders (default: ./runs)
`,
  async run(argv) {
    const { values, positionals } = parse(argv, { ...RUNS_DIR, md: { type: 'boolean' } }, { positionals: [1, 1] });
    if (values.md && values.json) throw new UsageError('--md and --json exclude each other');
    const run = await resolveRun(values['runs-dir'] ?? 'runs', positionals[0]!);
    if (values.md || values.json) {
      if (run.status !== 'finished') {
        process.stdout.write(`${run.dir}: ${run.status}${run.detail ? ` (${run.detail})` : ''}\n`);
        return 1;
      }
      const text = values.json ? await readMetricsText(run.dir) : await readReport(run.dir, 'md');
      if (text === null) {
        process.stdout.write(`${run.dir}: finished, but ${values.json ? METRICS_FILE : reportName('md')} is missing\n`);
        return 1;
      }
      process.stdout.write(text);
      return 0;
    }
    const shown = await showRunText(run);
    process.stdout.write(shown.text);
    return shown.ok ? 0 : 1;
  },
};
