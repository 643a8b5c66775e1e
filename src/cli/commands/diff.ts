import { writeFile } from 'node:fs/promises';
import { diffRuns, renderDiffHtml, renderDiffMarkdown, renderDiffText, UsageError } from '../../index.js';
import { parse } from '../args.js';
import type { Command } from './index.js';

export const diffCommand: Command = {
  name: 'diff',
  summary: 'compare two runs: changed parameters, stages, hold-out metrics vs noise',
  help: `Usage: assay diff A [B] [--md | --json] [--html FILE] [--full] [--runs-dir DIR]

A and B are each a run (id or unique prefix, \`latest\`, \`NAME@latest\`, a run folder), a
pipeline at a git revision (\`pipelines/x.yaml@HEAD~1\`: the latest run of exactly that text),
or a pipeline file as it is now (\`pipelines/x.yaml\`). With one pipeline file, compares its
HEAD version with the working tree's.

Prints the parameters that changed (dotted keys of the resolved pipelines and --set overrides;
feature steps are aligned, so an inserted or removed step is one change),
the stages whose cache keys differ, and the hold-out metrics. When both runs held out the same
items, each change gets a paired bootstrap 95% interval and is marked "within noise" when that
interval contains 0; otherwise the comparison is unpaired.

Options:
  --md               a Markdown table (for a pull-request comment)
  --json             one JSON object (hashes always whole)
  --html FILE        also write the diff as one self-contained HTML page, with both runs'
                     precision-recall and ROC curves overlaid
  --full             print stage keys and hashes whole (default: their first 12 characters)
  --runs-dir DIR     folder of run folders (default: ./runs)
`,
  async run(argv) {
    const { values, positionals } = parse(argv, { md: { type: 'boolean' }, json: { type: 'boolean' }, 'runs-dir': { type: 'string' }, full: { type: 'boolean' }, html: { type: 'string' } }, { positionals: [1, 2] });
    if (values.md && values.json) throw new UsageError('--md and --json exclude each other');
    const diff = await diffRuns({ a: positionals[0]!, b: positionals[1], runsDir: values['runs-dir'] });
    if (values.html !== undefined) await writeFile(values.html, await renderDiffHtml(diff, { full: values.full ?? false }));
    process.stdout.write(values.json ? `${JSON.stringify(diff, null, 2)}\n` : values.md ? renderDiffMarkdown(diff, { full: values.full ?? false }) : renderDiffText(diff, { full: values.full ?? false }));
    return 0;
  },
};
