import { explainRun } from '../../index.js';
import { parse } from '../args.js';
import type { Command } from './index.js';

export const explainCommand: Command = {
  name: 'explain',
  summary: 'say why each stage of a run was cached or rerun',
  help: `Usage: assay explain RUN [--against RUN] [--json] [--runs-dir DIR]

Compares each stage's fingerprint (the record its cache key is made from: parameters, upstream
keys, input hashes, code version, seed) with the same stage in another run, by default the
previous run of the same pipeline, and prints what changed.
`,
  async run(argv) {
    const { values, positionals } = parse(argv, { against: { type: 'string' }, json: { type: 'boolean' }, 'runs-dir': { type: 'string' } }, { positionals: [1, 1] });
    const ex = await explainRun(values['runs-dir'] ?? 'runs', positionals[0]!, values.against);
    if (values.json) {
      process.stdout.write(`${JSON.stringify(ex, null, 2)}\n`);
      return 0;
    }
    process.stdout.write(`run ${ex.run}${ex.against ? ` compared with ${ex.against}` : ' (no earlier run of this pipeline to compare with)'}\n`);
    for (const s of ex.stages) {
      const how = s.cached ? 'cached' : `ran ${s.seconds.toFixed(1)}s`;
      process.stdout.write(`  ${s.stage.padEnd(9)} ${how.padEnd(10)} key ${s.key.slice(0, 12)}  ${s.status === 'same' ? 'unchanged' : s.status === 'new' ? 'no counterpart' : 'changed:'}\n`);
      for (const d of s.differences) process.stdout.write(`      ${d}\n`);
    }
    return 0;
  },
};
