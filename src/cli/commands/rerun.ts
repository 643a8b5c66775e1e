import path from 'node:path';
import { consoleProgress, rerunRun } from '../../index.js';
import { parse, VERBOSITY_HELP, VERBOSITY_OPTIONS, verbosity } from '../args.js';
import type { Command } from './index.js';

export const rerunCommand: Command = {
  name: 'rerun',
  summary: 'run a run\'s exact pipeline again without the cache; --check compares bit for bit',
  help: `Usage: assay rerun RUN [--check] [--json] [--quiet | --verbose] [--runs-dir DIR] [--cache-dir DIR]

Runs RUN's pipeline.yaml with its --set overrides again, recomputing every stage (the cache
is bypassed and refreshed), into a new run folder beside the original.

Options:
  --check            then compare the new run with RUN bit for bit: hold-out metrics, every
                     prediction, model weights and topology. Prints "identical" or each
                     difference and the environment differences (backend, package versions,
                     Node) that could explain them; exit 1 when they differ.
  --json             print one JSON object {original, run, comparison} on stdout
${VERBOSITY_HELP}
  --runs-dir DIR     folder of run folders (default: ./runs)
  --cache-dir DIR    stage cache (default: $ASSAY_CACHE_DIR or <runs-dir>/.cache)
`,
  async run(argv) {
    const { values, positionals } = parse(argv, { check: { type: 'boolean' }, json: { type: 'boolean' }, 'runs-dir': { type: 'string' }, 'cache-dir': { type: 'string' }, ...VERBOSITY_OPTIONS }, { positionals: [1, 1] });
    const r = await rerunRun({ ref: positionals[0]!, check: values.check ?? false, runsDir: values['runs-dir'], cacheDir: values['cache-dir'], progress: consoleProgress({ verbosity: verbosity(values) }) });
    if (values.json) {
      process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      return r.comparison && !r.comparison.identical ? 1 : 0;
    }
    process.stderr.write(`\nrerun of ${r.original.id}: ${path.relative(process.cwd(), r.run.dir) || r.run.dir}\n`);
    const c = r.comparison;
    if (!c) return 0;
    const out: string[] = [c.identical ? `identical: ${r.run.id} reproduces ${r.original.id} bit for bit` : `${r.run.id} differs from ${r.original.id}:`];
    for (const d of c.differences) out.push(`  ${d.message}`);
    for (const n of c.notes) out.push(`  note: ${n}`);
    if (c.environment.length > 0) {
      out.push(c.identical ? 'environment differences (none changed the result):' : 'environment differences that could explain this:');
      for (const e of c.environment) out.push(`  ${e}`);
    } else if (!c.identical) out.push('the recorded environments are the same (backend, packages, Node, machine)');
    process.stdout.write(`${out.join('\n')}\n`);
    return c.identical ? 0 : 1;
  },
};
