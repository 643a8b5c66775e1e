import { formatDiagnostics, validatePipeline } from '../../index.js';
import { parse } from '../args.js';
import type { Command } from './index.js';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check pipeline files and report every problem at file:line:col',
  help: `Usage: assay validate FILE... [--set path=value]... [--no-data]

Checks each pipeline against the schema (schemas/pipeline.v1.schema.json) and the rules the schema
cannot express, then that its data paths exist: data.path (a folder, or a CSV file) and each
class folder under it (resolved against the current folder, as \`assay run\` does). No image is
read. Prints one line per problem on stderr (the first 100 of a file, then a count):
  FILE:LINE:COL error[CODE] message (hint)
Exit 0 when every file is valid, 2 otherwise. Checks that need the images themselves (counts
larger than the data offers, unreadable files) run when \`assay run\` reads the data.

Options:
  --set path=value   override a value before validating (repeatable), e.g. --set search.trials=4
  --no-data          skip the data path check (validate a pipeline away from its data)
`,
  async run(argv) {
    const { values, positionals } = parse(argv, { set: { type: 'string', multiple: true }, 'no-data': { type: 'boolean' } }, { positionals: [1, Infinity] });
    let problems = 0;
    for (const file of positionals) {
      const result = await validatePipeline(file, { overrides: values.set ?? [], data: values['no-data'] !== true });
      const diagnostics = result.ok ? result.warnings : result.diagnostics;
      for (const line of formatDiagnostics(diagnostics)) process.stderr.write(`${line}\n`);
      if (!result.ok) problems += result.diagnostics.filter((d) => d.severity === 'error').length;
      else process.stdout.write(`${file}: ok\n`);
    }
    if (problems > 0) process.stderr.write(`${problems} problem${problems === 1 ? '' : 's'} found.\n`);
    return problems > 0 ? 2 : 0;
  },
};
