import { formatDiagnostic, loadPipeline } from '../../index.js';
import { parse } from '../args.js';
import type { Command } from './index.js';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check pipeline files and report every problem at file:line:col',
  help: `Usage: assay validate FILE... [--set path=value]...

Checks each pipeline against the schema (schemas/pipeline.v1.schema.json) and the rules the schema
cannot express. Prints one line per problem on stderr:
  FILE:LINE:COL error[CODE] message (hint)
Exit 0 when every file is valid, 2 otherwise. Data-dependent checks (counts larger than the data
offers) run when \`assay run\` reads the data.

Options:
  --set path=value   override a value before validating (repeatable), e.g. --set search.trials=4
`,
  async run(argv) {
    const { values, positionals } = parse(argv, { set: { type: 'string', multiple: true } }, { positionals: [1, Infinity] });
    let problems = 0;
    for (const file of positionals) {
      const result = await loadPipeline(file, { overrides: values.set ?? [] });
      const diagnostics = result.ok ? result.warnings : result.diagnostics;
      for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
      if (!result.ok) problems += result.diagnostics.length;
      else process.stdout.write(`${file}: ok\n`);
    }
    if (problems > 0) process.stderr.write(`${problems} problem${problems === 1 ? '' : 's'} found.\n`);
    return problems > 0 ? 2 : 0;
  },
};
