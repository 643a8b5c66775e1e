import path from 'node:path';
import { consoleProgress, reportFile, reportName, runPipeline } from '../../index.js';
import { parse, RUN_DIR_HELP, RUN_DIR_OPTIONS, VERBOSITY_HELP, VERBOSITY_OPTIONS, verbosity } from '../args.js';
import type { Command } from './index.js';

export const runCommand: Command = {
  name: 'run',
  summary: 'validate and run a pipeline into a new run folder',
  help: `Usage: assay run FILE [--set path=value]... [--name NAME] [--note TEXT] [--no-cache] [--json] [--queue URL --store URL] [--quiet | --verbose]

Validates FILE (and never starts work on an invalid pipeline), then runs its stages:
ingest, decode, holdout, sample, split, features, resample, search, evaluate, and writes
runs/<name>/<run-id>/ with pipeline.yaml, lock.json, metrics.json, trials.jsonl,
predictions.csv, report.md, report.html and model/. Each stage is cached by content hash:
an unchanged stage is restored ("cached"), a changed one reruns with those after it.
Data that cannot be used (a missing folder, an empty class, unreadable images under
on-error: fail, images of different sizes without a resize, counts or folds the data cannot
give, CSV rows that do not parse) is reported at its key like an invalid pipeline: exit 2,
no run folder.

Options:
  --set path=value   override any value (repeatable), e.g. --set data.path=../photos
                     --set search.trials=4 --set 'features[0].resize.width=32'
  --name NAME        a name for this run: shown by \`assay runs\`, usable wherever a run
                     is named (assay show NAME, assay diff NAME other)
  --note TEXT        a note kept with the run (note.md); edit later with \`assay runs note\`
  --no-cache         recompute every stage (and replace its cache entry)
  --json             print one JSON object {run, dir, metrics} on stdout; progress stays on stderr
  --queue URL        run the trials on \`assay worker\` processes behind this Redis
                     (redis://[:password@]host:6379; default $ASSAY_QUEUE); every other stage
                     runs here. Same keys and bit-identical results as a local run; where the
                     trials ran is recorded in lock.json. Redis unreachable: exit 1, nothing run;
                     unreachable mid-search for $ASSAY_QUEUE_TIMEOUT s (default 10): the run fails,
                     its finished trials cached. A trial every worker refused (other versions,
                     backend, missing artifact) while no other worker served the queue for as
                     long fails the run, naming the workers and why. The run's Redis keys are
                     removed when it ends, and those of earlier runs whose coordinator is gone
                     when it starts
  --store URL        artifact store shared with the workers (default $ASSAY_STORE):
                     file:///shared/dir or s3://bucket/prefix (AWS_ENDPOINT_URL, AWS_REGION,
                     AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY as for any AWS tool)
${VERBOSITY_HELP}
${RUN_DIR_HELP}

Progress goes to stderr: a live line on a terminal; piped (CI logs, | tee), one line per
finished stage and trial and at most one progress line per 10 s per stage. Search lines give
an ETA from the trials finished so far and say whether the trial count or the time budget
ends the search.

Environment:
  ASSAY_MAX_FILE_BYTES  most bytes read from one data file (default 64m); only regular files
                        are read, so a FIFO or a device is reported instead of read
`,
  async run(argv) {
    const { values, positionals } = parse(argv, { set: { type: 'string', multiple: true }, name: { type: 'string' }, note: { type: 'string' }, 'no-cache': { type: 'boolean' }, json: { type: 'boolean' }, queue: { type: 'string' }, store: { type: 'string' }, ...RUN_DIR_OPTIONS, ...VERBOSITY_OPTIONS }, { positionals: [1, 1] });
    const result = await runPipeline({
      file: positionals[0]!,
      overrides: values.set ?? [],
      noCache: values['no-cache'] ?? false,
      runsDir: values['runs-dir'],
      cacheDir: values['cache-dir'],
      handleSignals: true,
      label: values.name,
      note: values.note,
      queue: values.queue ?? (process.env.ASSAY_QUEUE || undefined),
      store: values.store ?? (process.env.ASSAY_STORE || undefined),
      progress: consoleProgress({ verbosity: verbosity(values) }),
    });
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ run: result.id, dir: result.dir, metrics: result.metrics })}\n`);
    } else {
      const rel = path.relative(process.cwd(), result.dir) || '.';
      process.stderr.write(`\nreport: ${reportFile(rel, 'html')} (and ${reportName('md')})\nrun:    ${result.id}\n`);
    }
    return 0;
  },
};
