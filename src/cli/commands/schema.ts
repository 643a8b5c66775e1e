import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCHEMA_URL } from '../../index.js';
import { readFile } from 'node:fs/promises';
import { parse } from '../args.js';
import type { Command } from './index.js';

export const schemaCommand: Command = {
  name: 'schema',
  summary: 'print the pipeline JSON Schema, or with --path where it is (for editors)',
  help: `Usage: assay schema [--path [--from DIR]]

Prints the pipeline language's JSON Schema (id urn:assay:schema:pipeline:v1).

Options:
  --path             print the schema file's path instead: for the comment editors read,
                       # yaml-language-server: $schema=<path>
  --from DIR         with --path: the path relative to DIR (the folder of your pipelines),
                     e.g. assay schema --path --from pipelines
                     -> ../node_modules/assay/schemas/pipeline.v1.schema.json
`,
  async run(argv) {
    const { values } = parse(argv, { path: { type: 'boolean' }, from: { type: 'string' } }, { positionals: [0, 0] });
    const file = fileURLToPath(SCHEMA_URL);
    if (values.path) {
      const shown = values.from === undefined ? file : path.relative(path.resolve(values.from), file).split(path.sep).join('/');
      process.stdout.write(`${shown}\n`);
      return 0;
    }
    process.stdout.write(await readFile(file, 'utf8'));
    return 0;
  },
};
